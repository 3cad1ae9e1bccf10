//! `hearth-bench`: Hearth's benchmark (issue 7).
//!
//! For each database (SQLite, PostgreSQL) and scale it seeds a fresh community in bulk, starts the
//! release `hearth serve` on it, and drives it over HTTP with its own load generator at fixed
//! concurrency: W1 (housing staff inbox), W2 (PLM traversal), W3 (client lookup), W4 (workflow
//! writes). W1 and W2 are also answered by one hand-written SQL statement from this process (the
//! baseline), and W2 by PostGraphile 4 on PostgreSQL (the peer), by the same load generator.
//! It prints a Markdown table per database and scale: requests/s, p50/p99 latency, SQL statements per
//! request (from the server's `/metrics`) and the server's peak RSS (VmHWM).
//!
//! ```sh
//! cargo run --release -p hearth-bench -- --scale 10000 --db both
//! cargo run --release -p hearth-bench -- --smoke      # CI: 1k clients, a few seconds per cell
//! ```

mod baseline;
mod explain;
mod load;
mod peer;
mod report;
mod seed;
mod server;
mod workloads;

use clap::{Parser, ValueEnum};
use report::Section;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T> = std::result::Result<T, Error>;

/// An error from a message.
pub fn fail<T>(message: impl Into<String>) -> Result<T> {
    Err(message.into().into())
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Db {
    Sqlite,
    Postgres,
    Both,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Workload {
    W1,
    W2,
    W3,
    W4,
}

#[derive(Parser, Debug, Clone)]
#[command(
    name = "hearth-bench",
    about = "Seeds a community, drives `hearth serve` over HTTP and prints the figures"
)]
pub struct Args {
    /// Number of clients to seed; several runs one after the other (e.g. 1000,10000,100000).
    #[arg(long, value_delimiter = ',', default_value = "1000")]
    pub scale: Vec<usize>,
    /// Which database(s) to run on.
    #[arg(long, value_enum, default_value = "both")]
    pub db: Db,
    /// Concurrency levels (in-flight requests), each a cell of its own.
    #[arg(long, value_delimiter = ',', default_value = "1,4,16,64")]
    pub concurrency: Vec<usize>,
    /// Seconds measured per cell.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Seconds of warm-up before each cell (not measured).
    #[arg(long, default_value_t = 2.0)]
    pub warmup: f64,
    /// Workloads to run (W4 writes: it runs last, after the reads).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "w1,w2,w3,w4")]
    pub workloads: Vec<Workload>,
    /// PostgreSQL server; each scale gets a fresh database `hearth_bench_<scale>` on it.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    pub pg_url: String,
    /// The `hearth` binary to serve with (default: target/release/hearth, built first).
    #[arg(long)]
    pub hearth_bin: Option<PathBuf>,
    /// Extra environment for `hearth serve`, KEY=VALUE (repeatable), e.g. HEARTH_DB_MAX_CONNECTIONS=4
    /// or LD_PRELOAD=... to try another allocator.
    #[arg(long = "server-env", value_name = "KEY=VALUE")]
    pub server_env: Vec<String>,
    /// Do not run `cargo build --release -p hearth` before starting.
    #[arg(long)]
    pub no_build: bool,
    /// Skip the hand-written SQL baseline.
    #[arg(long)]
    pub no_baseline: bool,
    /// Directory holding node_modules/postgraphile (default: bench/postgraphile, after `npm ci` there).
    #[arg(long)]
    pub postgraphile_dir: Option<PathBuf>,
    /// Skip PostGraphile.
    #[arg(long)]
    pub no_postgraphile: bool,
    /// Seed of the random generator (the community and the request mix).
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Keep the databases after the run (to inspect query plans).
    #[arg(long)]
    pub keep: bool,
    /// Print the query plans of the statements W1-W4 run (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE), with
    /// their mean time, flagging scans of tables that grow with the community.
    #[arg(long)]
    pub explain: bool,
    /// Seed (and explain) only: no load.
    #[arg(long)]
    pub no_load: bool,
    /// Only seed each database and keep it (no server, no load): a community to export and import
    /// (BENCHMARKS.md, "Import memory"). Prints each database's URL.
    #[arg(long)]
    pub seed_only: bool,
    /// Where the SQLite databases go (default: target/hearth-bench).
    #[arg(long)]
    pub sqlite_dir: Option<PathBuf>,
    /// Append the tables (Markdown) to this file too.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// CI smoke run: 1k clients, both databases, 2 s per cell at concurrency 1 and 16; fails unless
    /// every response is free of errors and statement counts are constant.
    #[arg(long)]
    pub smoke: bool,
}

impl Args {
    fn apply_smoke(&mut self) {
        if self.smoke {
            self.scale = vec![1000];
            self.concurrency = vec![1, 16];
            self.duration = 2.0;
            self.warmup = 0.5;
        }
    }

    pub fn databases(&self) -> Vec<Db> {
        match self.db {
            Db::Both => vec![Db::Sqlite, Db::Postgres],
            one => vec![one],
        }
    }

    pub fn measure(&self) -> Duration {
        Duration::from_secs_f64(self.duration)
    }

    pub fn warm(&self) -> Duration {
        Duration::from_secs_f64(self.warmup)
    }
}

fn main() -> ExitCode {
    let mut args = Args::parse();
    args.apply_smoke();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("hearth-bench: cannot start tokio: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("hearth-bench: FAILED (see the checks above)");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("hearth-bench: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Runs every database and scale; returns whether every check passed.
async fn run(args: Args) -> Result<bool> {
    if args.seed_only {
        for &scale in &args.scale {
            for db in args.databases() {
                let database = server::fresh_database(&args, db, scale).await?;
                let started = Instant::now();
                let community = seed::seed(&database.url, scale, args.seed).await?;
                eprintln!(
                    "seeded {} in {:.1} s: {}",
                    database.display,
                    started.elapsed().as_secs_f64(),
                    community.counts.describe()
                );
                println!("{}", database.url);
            }
        }
        return Ok(true);
    }
    let hearth_bin = server::hearth_binary(&args)?;
    let machine = report::machine();
    println!("{machine}");
    let mut sections = Vec::new();
    let mut ok = true;
    for &scale in &args.scale {
        for db in args.databases() {
            let section = run_section(&args, &hearth_bin, db, scale).await?;
            ok &= section.checks_passed();
            let text = section.to_markdown();
            println!("{text}");
            if let Some(path) = &args.out {
                report::append(path, &text)?;
            }
            sections.push(section);
        }
    }
    let summary = report::summary(&sections);
    println!("{summary}");
    if let Some(path) = &args.out {
        report::append(path, &summary)?;
    }
    Ok(ok)
}

/// One database at one scale: seed, serve, measure every cell, stop.
async fn run_section(
    args: &Args,
    hearth_bin: &std::path::Path,
    db: Db,
    scale: usize,
) -> Result<Section> {
    let database = server::fresh_database(args, db, scale).await?;
    eprintln!(
        "== {} at {scale} clients: seeding {}",
        db_name(db),
        database.display
    );
    let started = Instant::now();
    let community = seed::seed(&database.url, scale, args.seed).await?;
    let seed_secs = started.elapsed().as_secs_f64();
    eprintln!(
        "   seeded in {seed_secs:.1} s: {}",
        community.counts.describe()
    );
    let plans = if args.explain {
        let services = seed::open(&database.url, community.today).await?;
        let explained = explain::explain(&services.db, &community).await?;
        services.db.clone().close().await?;
        Some(explained)
    } else {
        None
    };
    let baseline_pool = if args.no_baseline || args.no_load {
        None
    } else {
        Some(std::sync::Arc::new(
            baseline::Baseline::connect(&database.url).await?,
        ))
    };
    let hearth =
        server::Hearth::start(hearth_bin, &database.url, community.today, &args.server_env).await?;
    eprintln!("   hearth serve at {} (pid {})", hearth.url, hearth.pid());
    let mut section = Section::new(db_name(db), scale, seed_secs, community.counts.clone());
    if let Some((plans, times)) = plans {
        section.plans = Some(plans);
        section.plan_times = times;
    }
    let bench = workloads::Bench::new(&hearth, community, args.seed, args.concurrency.len())?;

    // Correctness first: every workload answers without errors, the baseline returns the same data
    // as Hearth, and statement counts do not depend on the data.
    bench.warm_tokens().await?;
    for workload in args
        .workloads
        .iter()
        .copied()
        .filter(|w| *w != Workload::W4)
    {
        let probe = bench.probe_statements(workload).await?;
        section.probes.push(probe);
    }
    if let Some(baseline) = &baseline_pool {
        for workload in [Workload::W1, Workload::W2] {
            if args.workloads.contains(&workload) {
                let same = bench.compare_with_baseline(workload, baseline).await;
                section.checks.push(report::Check::new(
                    format!("{workload:?} baseline returns the same data as Hearth"),
                    same,
                ));
            }
        }
    }
    let peer = if db == Db::Postgres && !args.no_postgraphile && !args.no_load {
        let dir = args
            .postgraphile_dir
            .clone()
            .unwrap_or_else(|| server::workspace_root().join("bench/postgraphile"));
        match peer::PostGraphile::start(&dir, &database.url).await {
            Ok(peer) => {
                let same = bench.compare_with_peer(&peer).await;
                section.checks.push(report::Check::new(
                    "W2 PostGraphile returns the same clients and nested rows".to_owned(),
                    same,
                ));
                Some(peer)
            }
            Err(err) => {
                eprintln!("   PostGraphile is not available: {err}");
                section.blocked.push(format!("PostGraphile 4: {err}"));
                None
            }
        }
    } else {
        None
    };

    section.loadavg.0 = report::loadavg();
    let mut workloads = if args.no_load {
        Vec::new()
    } else {
        args.workloads.clone()
    };
    workloads.sort();
    workloads.dedup();
    for workload in workloads {
        for &concurrency in &args.concurrency {
            let cell = bench
                .hearth_cell(workload, concurrency, args.warm(), args.measure())
                .await?;
            eprintln!("   {}", cell.one_line());
            section.cells.push(cell);
            if matches!(workload, Workload::W1 | Workload::W2)
                && let Some(baseline) = &baseline_pool
            {
                let cell = bench
                    .baseline_cell(workload, baseline, concurrency, args.warm(), args.measure())
                    .await?;
                eprintln!("   {}", cell.one_line());
                section.cells.push(cell);
            }
            if workload == Workload::W2
                && let Some(peer) = &peer
            {
                let cell = bench
                    .peer_cell(peer, concurrency, args.warm(), args.measure())
                    .await?;
                eprintln!("   {}", cell.one_line());
                section.cells.push(cell);
            }
        }
    }
    if section.cells.iter().any(|c| c.failed > 0) {
        eprintln!("   hearth serve's last lines:\n{}", hearth.tail());
    }
    section.loadavg.1 = report::loadavg();
    section.server_peak_rss_kb = hearth.peak_rss_kb();
    section.peer_peak_rss_kb = peer.as_ref().and_then(|p| p.peak_rss_kb());
    section.finish_checks();
    drop(peer);
    hearth.stop();
    if let Some(baseline) = baseline_pool.and_then(|b| std::sync::Arc::try_unwrap(b).ok()) {
        baseline.close().await;
    }
    if !args.keep {
        server::drop_database(args, &database).await?;
    } else {
        eprintln!("   kept {}", database.display);
    }
    Ok(section)
}

pub fn db_name(db: Db) -> &'static str {
    match db {
        Db::Sqlite => "SQLite",
        Db::Postgres => "PostgreSQL",
        Db::Both => "both",
    }
}
