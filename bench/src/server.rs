//! The processes and databases the benchmark runs against: a fresh database per scale, the release
//! `hearth serve` on it, and what the server exposes about itself (`/metrics`, `/proc/<pid>/status`).

use crate::{Args, Db, Result, fail};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, Database};
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// The workspace root (the bench crate lives in `bench/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The `hearth` binary to serve with: `--hearth-bin`, else target/release/hearth, built first (a
/// no-op when it is up to date) so that the figures are always of the current source.
pub fn hearth_binary(args: &Args) -> Result<PathBuf> {
    if let Some(bin) = &args.hearth_bin {
        return Ok(bin.clone());
    }
    if !args.no_build {
        eprintln!("== cargo build --release -p hearth --bin hearth");
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
            .args(["build", "--release", "-p", "hearth", "--bin", "hearth"])
            .current_dir(workspace_root())
            .stdout(Stdio::null())
            .status()?;
        if !status.success() {
            return fail("cargo build --release -p hearth failed");
        }
    }
    let bin = target_dir().join("release").join("hearth");
    if !bin.exists() {
        return fail(format!(
            "{} is missing: run `cargo build --release -p hearth`",
            bin.display()
        ));
    }
    Ok(bin)
}

/// A database made for one scale.
pub struct BenchDatabase {
    pub kind: Db,
    pub url: String,
    /// What to print: the file or the database name.
    pub display: String,
    sqlite_file: Option<PathBuf>,
    pg_name: Option<String>,
}

fn maintenance_url(args: &Args) -> String {
    format!("{}/postgres", args.pg_url.trim_end_matches('/'))
}

/// A fresh, empty database for `scale` (any previous one of the same name is removed first).
pub async fn fresh_database(args: &Args, db: Db, scale: usize) -> Result<BenchDatabase> {
    let name = format!("hearth_bench_{scale}");
    match db {
        Db::Postgres => {
            let admin = Database::connect(maintenance_url(args)).await?;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await?;
            admin.close().await?;
            Ok(BenchDatabase {
                kind: db,
                url: format!("{}/{name}", args.pg_url.trim_end_matches('/')),
                display: format!("PostgreSQL database {name}"),
                sqlite_file: None,
                pg_name: Some(name),
            })
        }
        _ => {
            let dir = args
                .sqlite_dir
                .clone()
                .unwrap_or_else(|| target_dir().join("hearth-bench"));
            std::fs::create_dir_all(&dir)?;
            let file = dir.join(format!("{name}.db"));
            remove_sqlite_files(&file);
            Ok(BenchDatabase {
                kind: db,
                url: format!("sqlite://{}?mode=rwc", file.display()),
                display: file.display().to_string(),
                sqlite_file: Some(file),
                pg_name: None,
            })
        }
    }
}

fn remove_sqlite_files(file: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut path = file.as_os_str().to_owned();
        path.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(path));
    }
}

pub async fn drop_database(args: &Args, database: &BenchDatabase) -> Result<()> {
    if let Some(file) = &database.sqlite_file {
        remove_sqlite_files(file);
    }
    if let Some(name) = &database.pg_name {
        let admin = Database::connect(maintenance_url(args)).await?;
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await?;
        admin.close().await?;
    }
    debug_assert!(database.kind != Db::Both);
    Ok(())
}

/// A child process whose stderr is drained (so it never blocks on a full pipe), keeping its last
/// lines for error messages. Killed when dropped.
pub struct Process {
    child: Child,
    tail: Arc<Mutex<VecDeque<String>>>,
}

impl Process {
    /// Spawns `command` and waits until a line of its output satisfies `ready` (returning the value
    /// `ready` extracted), or it exits, or `timeout` passes.
    pub fn spawn<T: Send + 'static>(
        mut command: Command,
        what: &str,
        timeout: Duration,
        ready: impl Fn(&str) -> Option<T> + Send + Sync + 'static,
    ) -> Result<(Process, T)> {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|err| format!("cannot start {what}: {err}"))?;
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let (sender, receiver) = mpsc::channel();
        let ready = Arc::new(ready);
        let pipes: Vec<Box<dyn std::io::Read + Send>> = vec![
            Box::new(child.stdout.take().ok_or("no stdout")?),
            Box::new(child.stderr.take().ok_or("no stderr")?),
        ];
        for pipe in pipes {
            let tail = tail.clone();
            let sender = sender.clone();
            let ready = ready.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(|l| l.ok()) {
                    if let Some(value) = ready(&line) {
                        let _ = sender.send(value);
                    }
                    let mut tail = tail.lock().unwrap_or_else(|p| p.into_inner());
                    if tail.len() == 40 {
                        tail.pop_front();
                    }
                    tail.push_back(line);
                }
            });
        }
        let mut process = Process { child, tail };
        let deadline = std::time::Instant::now() + timeout;
        loop {
            match receiver.recv_timeout(Duration::from_millis(100)) {
                Ok(value) => return Ok((process, value)),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return fail(format!("{what} closed its output: {}", process.tail()));
                }
            }
            if let Ok(Some(status)) = process.child.try_wait() {
                return fail(format!("{what} exited ({status}): {}", process.tail()));
            }
            if std::time::Instant::now() > deadline {
                return fail(format!("{what} did not start in time: {}", process.tail()));
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The last lines the process wrote.
    pub fn tail(&self) -> String {
        let tail = self.tail.lock().unwrap_or_else(|p| p.into_inner());
        tail.iter().cloned().collect::<Vec<_>>().join("\n")
    }

    /// Peak resident set size (VmHWM) of the process, in kB.
    pub fn peak_rss_kb(&self) -> Option<u64> {
        proc_status_kb(self.pid(), "VmHWM:")
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `/proc/<pid>/status` field in kB.
pub fn proc_status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|line| line.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// CPU time (user + system) a process has used, in ms (`/proc/<pid>/stat`, at 100 ticks/s).
pub fn cpu_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces: the fields start after its closing parenthesis.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) * 10.0)
}

/// CPU time used so far by each `postgres` process on the machine (the server and its backends),
/// in ms, by pid.
pub fn postgres_cpu_ms() -> HashMap<u32, f64> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return HashMap::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|comm| comm.trim() == "postgres")
        })
        .filter_map(|pid| Some((pid, cpu_ms(pid)?)))
        .collect()
}

/// CPU the `postgres` processes used between two [`postgres_cpu_ms`] readings, in ms: processes that
/// started in between count from zero; those that ended in between are not seen.
pub fn postgres_cpu_between(before: &HashMap<u32, f64>, after: &HashMap<u32, f64>) -> f64 {
    after
        .iter()
        .map(|(pid, ms)| ms - before.get(pid).copied().unwrap_or(0.0))
        .filter(|delta| *delta >= 0.0)
        .sum()
}

/// The release `hearth serve`, on a random port.
pub struct Hearth {
    process: Process,
    /// `http://127.0.0.1:PORT/graphql`
    pub url: String,
    /// `http://127.0.0.1:PORT`
    pub base: String,
}

impl Hearth {
    pub async fn start(
        bin: &Path,
        database_url: &str,
        today: NaiveDate,
        extra_env: &[String],
    ) -> Result<Hearth> {
        let mut command = Command::new(bin);
        command
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("HEARTH_BIND", "127.0.0.1:0")
            .env("HEARTH_TODAY", today.to_string())
            .env("RUST_LOG", "warn");
        for pair in extra_env {
            let Some((key, value)) = pair.split_once('=') else {
                return fail(format!("--server-env {pair}: expected KEY=VALUE"));
            };
            command.env(key, value);
        }
        let (process, url) = Process::spawn(
            command,
            "hearth serve",
            Duration::from_secs(300),
            |line: &str| {
                line.find("http://")
                    .filter(|_| line.contains("listening"))
                    .map(|at| line[at..].trim().to_owned())
            },
        )?;
        let base = url.trim_end_matches("/graphql").to_owned();
        Ok(Hearth { process, url, base })
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    pub fn peak_rss_kb(&self) -> Option<u64> {
        self.process.peak_rss_kb()
    }

    pub fn tail(&self) -> String {
        self.process.tail()
    }

    pub fn stop(self) {
        drop(self.process);
    }
}

/// `hearth_db_statements_total` from the server's `/metrics`.
pub async fn statements_total(http: &reqwest::Client, base: &str) -> Result<u64> {
    let text = http
        .get(format!("{base}/metrics"))
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    parse_statements(&text).ok_or_else(|| "no hearth_db_statements_total in /metrics".into())
}

fn parse_statements(metrics: &str) -> Option<u64> {
    metrics
        .lines()
        .find(|line| line.starts_with("hearth_db_statements_total "))?
        .split_whitespace()
        .nth(1)?
        .parse::<f64>()
        .ok()
        .map(|v| v as u64)
}
