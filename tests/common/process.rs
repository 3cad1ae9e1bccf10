//! `hearth` as separate processes, as operators and load balancers run it.

use super::TestDatabase;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The built `hearth` binary on `database`, with the tests' fixed "today".
pub fn hearth(database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hearth"));
    command
        .env("DATABASE_URL", database_url)
        .env("HEARTH_TODAY", super::TODAY)
        .env_remove("HEARTH_BIND");
    command
}

/// Runs a `hearth` command to completion and returns its standard output.
pub fn run(command: &mut Command) -> String {
    let output = command.output().expect("run hearth");
    assert!(
        output.status.success(),
        "hearth failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

/// A `hearth serve` process on a random port, killed when dropped.
pub struct Served {
    pub child: Child,
    /// `http://127.0.0.1:PORT/graphql`
    pub url: String,
}

impl Served {
    pub fn base(&self) -> String {
        self.url.trim_end_matches("/graphql").to_owned()
    }

    pub fn ws_url(&self) -> String {
        format!("{}/ws", self.url.replacen("http://", "ws://", 1))
    }

    /// Sends SIGTERM, as a process manager stopping the instance does.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `hearth serve` on `database_url` and waits until it listens.
pub fn serve_url(database_url: &str) -> Served {
    serve_command(hearth(database_url))
}

/// Starts `command` (a [`hearth`] command, with any extra settings) as `hearth serve` and waits
/// until it listens.
pub fn serve_command(mut command: Command) -> Served {
    let mut child = command
        .arg("serve")
        .env("HEARTH_BIND", "127.0.0.1:0")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start hearth serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("hearth serve printed its address before exiting")
            .expect("read stderr");
        if let Some(at) = line.find("http://").filter(|_| line.contains("listening")) {
            break line[at..].trim().to_owned();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Served { child, url }
}

pub fn serve(database: &TestDatabase) -> Served {
    serve_url(&database.url)
}
