//! The peer: PostGraphile 4 serving the same PostgreSQL database, started from bench/postgraphile
//! (its package.json and lock pin the version; `npm ci` there installs it) or `--postgraphile-dir`.

use crate::server::Process;
use crate::{Result, fail};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub struct PostGraphile {
    process: Process,
    /// `http://127.0.0.1:PORT/graphql`
    pub url: String,
}

impl PostGraphile {
    /// Starts PostGraphile on `database_url` (its defaults: relay connections, a pool of 10, one
    /// Node process) without GraphiQL or query logging, and waits until it answers a query.
    pub async fn start(dir: &Path, database_url: &str) -> Result<PostGraphile> {
        let cli = dir.join("node_modules/postgraphile/cli.js");
        if !cli.exists() {
            return fail(format!(
                "{} is missing: run `npm ci` in {}",
                cli.display(),
                dir.display()
            ));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut command = Command::new("node");
        command
            .arg(&cli)
            .args(["--connection", database_url])
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--schema", "public"])
            .args(["--disable-graphiql", "--disable-query-log"])
            .env("NODE_ENV", "production");
        let (process, ()) = Process::spawn(
            command,
            "postgraphile",
            Duration::from_secs(120),
            |line: &str| line.contains("GraphQL API").then_some(()),
        )?;
        let peer = PostGraphile {
            process,
            url: format!("http://127.0.0.1:{port}/graphql"),
        };
        peer.wait_until_answering().await?;
        Ok(peer)
    }

    async fn wait_until_answering(&self) -> Result<()> {
        let http = reqwest::Client::new();
        for _ in 0..600 {
            let answer = http
                .post(&self.url)
                .json(&serde_json::json!({ "query": "{ allClients(first: 1) { totalCount } }" }))
                .send()
                .await;
            if let Ok(answer) = answer
                && answer.status().is_success()
            {
                let body = answer.text().await.unwrap_or_default();
                if body.contains("\"data\"") && !body.contains("\"errors\"") {
                    return Ok(());
                }
                return fail(format!("postgraphile answers with errors: {body}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        fail(format!(
            "postgraphile does not answer: {}",
            self.process.tail()
        ))
    }

    pub fn pid(&self) -> Option<u32> {
        Some(self.process.pid())
    }

    pub fn peak_rss_kb(&self) -> Option<u64> {
        self.process.peak_rss_kb()
    }
}
