//! The figures: one Markdown table per database and scale, the correctness checks, and a summary
//! across scales.

use crate::load::Phase;
use crate::seed::Counts;
use crate::workloads::CpuPerRequest;
use crate::{Result, Workload};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CellKind {
    /// `hearth serve` over HTTP.
    Hearth,
    /// One hand-written SQL statement from the bench process.
    Baseline,
    /// PostGraphile 4 over HTTP.
    PostGraphile,
}

impl CellKind {
    fn label(self) -> &'static str {
        match self {
            CellKind::Hearth => "Hearth",
            CellKind::Baseline => "baseline SQL",
            CellKind::PostGraphile => "PostGraphile 4",
        }
    }
}

/// One workload at one concurrency against one server.
pub struct Cell {
    pub workload: Workload,
    pub kind: CellKind,
    pub concurrency: usize,
    pub requests: u64,
    pub failed: u64,
    pub first_error: Option<String>,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub seconds: f64,
    pub statements_per_request: Option<f64>,
    /// VmHWM of the serving process at the end of the cell.
    pub peak_rss_kb: Option<u64>,
    pub note: Option<String>,
    pub cpu: CpuPerRequest,
}

impl Cell {
    pub fn new(workload: Workload, kind: CellKind, concurrency: usize, phase: &Phase) -> Cell {
        Cell {
            workload,
            kind,
            concurrency,
            requests: phase.requests(),
            failed: phase.failed,
            first_error: phase.first_error.clone(),
            per_second: phase.per_second(),
            p50_ms: phase.percentile_ms(0.50),
            p99_ms: phase.percentile_ms(0.99),
            seconds: phase.elapsed.as_secs_f64(),
            statements_per_request: None,
            peak_rss_kb: None,
            note: None,
            cpu: CpuPerRequest::default(),
        }
    }

    pub fn one_line(&self) -> String {
        format!(
            "{:?} {:<14} c={:<3} {:>7} req in {:>5.1} s = {:>8.1}/s  p50 {:>7.2} ms  p99 {:>7.2} ms  \
             stmts/req {}  RSS {}  CPU ms/req server {} pg {:.2} bench {:.2}{}",
            self.workload,
            self.kind.label(),
            self.concurrency,
            self.requests,
            self.seconds,
            self.per_second,
            self.p50_ms,
            self.p99_ms,
            self.statements_per_request
                .map_or("-".to_owned(), |s| format!("{s:.2}")),
            mb(self.peak_rss_kb),
            self.cpu
                .server_ms
                .map_or("-".to_owned(), |ms| format!("{ms:.2}")),
            self.cpu.postgres_ms,
            self.cpu.bench_ms,
            match &self.first_error {
                Some(err) => format!("  {} FAILED, first: {err}", self.failed),
                None => String::new(),
            }
        )
    }
}

fn ms(value: f64) -> String {
    if value.is_finite() {
        format!("{value:.2}")
    } else {
        "-".to_owned()
    }
}

fn mb(kb: Option<u64>) -> String {
    kb.map_or("-".to_owned(), |kb| format!("{:.1} MB", kb as f64 / 1024.0))
}

/// Statements per request of a read workload, one request at a time.
pub struct Probe {
    pub workload: Workload,
    pub statements: Vec<u64>,
}

impl Probe {
    pub fn min(&self) -> u64 {
        self.statements.iter().copied().min().unwrap_or(0)
    }

    pub fn max(&self) -> u64 {
        self.statements.iter().copied().max().unwrap_or(0)
    }
}

/// A correctness check and its outcome.
pub struct Check {
    pub name: String,
    pub result: std::result::Result<(), String>,
}

impl Check {
    pub fn new(name: String, result: std::result::Result<(), String>) -> Check {
        Check { name, result }
    }
}

/// One database at one scale.
pub struct Section {
    pub db: &'static str,
    pub scale: usize,
    pub seed_secs: f64,
    pub counts: Counts,
    pub cells: Vec<Cell>,
    pub probes: Vec<Probe>,
    pub checks: Vec<Check>,
    pub blocked: Vec<String>,
    pub server_peak_rss_kb: Option<u64>,
    pub peer_peak_rss_kb: Option<u64>,
    /// `--explain`: the query plans, as Markdown.
    pub plans: Option<String>,
    /// `--explain`: each statement's mean time, ms.
    pub plan_times: Vec<(String, f64)>,
    /// /proc/loadavg when the cells started and when they ended (other work on the machine).
    pub loadavg: (String, String),
}

impl Section {
    pub fn new(db: &'static str, scale: usize, seed_secs: f64, counts: Counts) -> Section {
        Section {
            db,
            scale,
            seed_secs,
            counts,
            cells: Vec::new(),
            probes: Vec::new(),
            checks: Vec::new(),
            blocked: Vec::new(),
            server_peak_rss_kb: None,
            peer_peak_rss_kb: None,
            plans: None,
            plan_times: Vec::new(),
            loadavg: (loadavg(), String::new()),
        }
    }

    /// Adds the checks that follow from the figures: no failed request, and statement counts that
    /// do not depend on the data (W1, W2: the same for every request; W3: never more than W2's).
    pub fn finish_checks(&mut self) {
        let failed: Vec<String> = self
            .cells
            .iter()
            .filter(|c| c.failed > 0)
            .map(|c| {
                format!(
                    "{:?} {} c={}: {} failed, first: {}",
                    c.workload,
                    c.kind.label(),
                    c.concurrency,
                    c.failed,
                    c.first_error.as_deref().unwrap_or("?")
                )
            })
            .collect();
        self.checks.push(Check::new(
            "every response without errors".to_owned(),
            if failed.is_empty() {
                Ok(())
            } else {
                Err(failed.join("; "))
            },
        ));
        for probe in &self.probes {
            let result = match probe.workload {
                Workload::W1 | Workload::W2 if probe.min() != probe.max() => Err(format!(
                    "statements per request vary: {:?}",
                    probe.statements
                )),
                Workload::W3 => match self.probe(Workload::W2) {
                    Some(w2) if probe.max() > w2.max() => Err(format!(
                        "a lookup ran more statements ({}) than a page of 50 ({})",
                        probe.max(),
                        w2.max()
                    )),
                    _ => Ok(()),
                },
                _ => Ok(()),
            };
            self.checks.push(Check::new(
                format!(
                    "{:?} statements per request bounded by the query's shape",
                    probe.workload
                ),
                result,
            ));
        }
    }

    pub fn probe(&self, workload: Workload) -> Option<&Probe> {
        self.probes.iter().find(|p| p.workload == workload)
    }

    pub fn checks_passed(&self) -> bool {
        self.checks.iter().all(|c| c.result.is_ok())
    }

    fn cell(&self, workload: Workload, kind: CellKind, concurrency: usize) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| c.workload == workload && c.kind == kind && c.concurrency == concurrency)
    }

    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "\n### {}, {} clients\n\nSeeded in {:.1} s: {}.\n",
            self.db,
            thousands(self.scale),
            self.seed_secs,
            self.counts.describe()
        );
        let _ = writeln!(
            out,
            "| workload | server | concurrency | requests | req/s | p50 ms | p99 ms | SQL statements/req | peak RSS | CPU ms/req: server · PostgreSQL · bench |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for cell in &self.cells {
            let cpu = format!(
                "{} · {:.2} · {:.2}",
                cell.cpu
                    .server_ms
                    .map_or("-".to_owned(), |ms| format!("{ms:.2}")),
                cell.cpu.postgres_ms,
                cell.cpu.bench_ms
            );
            let rss = match cell.kind {
                CellKind::Baseline => "(bench process)".to_owned(),
                _ => mb(cell.peak_rss_kb),
            };
            let statements = cell
                .statements_per_request
                .map_or("n/a".to_owned(), |s| format!("{s:.2}"));
            let _ = writeln!(
                out,
                "| {:?} | {} | {} | {} | {:.0} | {} | {} | {statements} | {rss} | {cpu} |",
                cell.workload,
                cell.kind.label(),
                cell.concurrency,
                cell.requests,
                cell.per_second,
                ms(cell.p50_ms),
                ms(cell.p99_ms),
            );
        }
        let notes: Vec<&String> = self.cells.iter().filter_map(|c| c.note.as_ref()).collect();
        if let Some(note) = notes.first() {
            let _ = writeln!(out, "\nW4: {note} (per cell).");
        }

        // Ratios at each concurrency.
        let mut ratios = String::new();
        for workload in [Workload::W1, Workload::W2] {
            let mut levels: Vec<usize> = self
                .cells
                .iter()
                .filter(|c| c.workload == workload && c.kind == CellKind::Hearth)
                .map(|c| c.concurrency)
                .collect();
            levels.dedup();
            for concurrency in levels {
                let Some(hearth) = self.cell(workload, CellKind::Hearth, concurrency) else {
                    continue;
                };
                let baseline = self.cell(workload, CellKind::Baseline, concurrency);
                let peer = self.cell(workload, CellKind::PostGraphile, concurrency);
                if baseline.is_none() && peer.is_none() {
                    continue;
                }
                let _ = writeln!(
                    ratios,
                    "| {:?} | {} | {:.0} | {} | {} | {} | {} |",
                    workload,
                    concurrency,
                    hearth.per_second,
                    baseline.map_or("-".to_owned(), |b| format!("{:.0}", b.per_second)),
                    baseline.map_or("-".to_owned(), |b| format!(
                        "{:.2}",
                        hearth.per_second / b.per_second
                    )),
                    peer.map_or("-".to_owned(), |p| format!("{:.0}", p.per_second)),
                    peer.map_or("-".to_owned(), |p| format!(
                        "{:.2}",
                        hearth.per_second / p.per_second
                    )),
                );
            }
        }
        if !ratios.is_empty() {
            let _ = writeln!(
                out,
                "\n| workload | concurrency | Hearth req/s | baseline req/s | Hearth / baseline | PostGraphile req/s | Hearth / PostGraphile |"
            );
            let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
            out.push_str(&ratios);
        }

        let _ = writeln!(
            out,
            "\nLoad average (1, 5, 15 min) when the cells started: {}; when they ended: {}.",
            self.loadavg.0, self.loadavg.1
        );
        let _ = writeln!(
            out,
            "\nServer peak RSS (VmHWM) over the whole run: Hearth {}{}.",
            mb(self.server_peak_rss_kb),
            match self.peer_peak_rss_kb {
                Some(kb) => format!(", PostGraphile {}", mb(Some(kb))),
                None => String::new(),
            }
        );
        if !self.probes.is_empty() {
            let _ = writeln!(
                out,
                "\nSQL statements per request, one request at a time (8 requests each): {}.",
                self.probes
                    .iter()
                    .map(|p| format!("{:?} {:?}", p.workload, p.statements))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let _ = writeln!(out, "\nChecks:");
        for check in &self.checks {
            match &check.result {
                Ok(()) => {
                    let _ = writeln!(out, "- ok: {}", check.name);
                }
                Err(err) => {
                    let _ = writeln!(out, "- FAILED: {}: {err}", check.name);
                }
            }
        }
        for blocked in &self.blocked {
            let _ = writeln!(out, "- BLOCKED: {blocked}");
        }
        if let Some(plans) = &self.plans {
            out.push_str(plans);
        }
        out
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Across scales: each Hearth workload's figures per database, one column per scale.
pub fn summary(sections: &[Section]) -> String {
    let mut out = String::new();
    let mut scales: Vec<usize> = sections.iter().map(|s| s.scale).collect();
    scales.sort_unstable();
    scales.dedup();
    let mut dbs: Vec<&str> = sections.iter().map(|s| s.db).collect();
    dbs.dedup();
    let _ = writeln!(
        out,
        "\n### Summary: Hearth req/s · p50 / p99 ms · statements/req, by scale\n"
    );
    let mut header = "| database | workload | concurrency |".to_owned();
    let mut rule = "|---|---|---:|".to_owned();
    for scale in &scales {
        let _ = write!(header, " {} clients |", thousands(*scale));
        rule.push_str("---:|");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    let mut sorted_dbs = dbs.clone();
    sorted_dbs.sort_unstable();
    sorted_dbs.dedup();
    for db in sorted_dbs {
        for workload in [Workload::W1, Workload::W2, Workload::W3, Workload::W4] {
            let mut levels: Vec<usize> = sections
                .iter()
                .filter(|s| s.db == db)
                .flat_map(|s| s.cells.iter())
                .filter(|c| c.workload == workload && c.kind == CellKind::Hearth)
                .map(|c| c.concurrency)
                .collect();
            levels.sort_unstable();
            levels.dedup();
            for concurrency in levels {
                let mut row = format!("| {db} | {workload:?} | {concurrency} |");
                for scale in &scales {
                    let cell = sections
                        .iter()
                        .find(|s| s.db == db && s.scale == *scale)
                        .and_then(|s| s.cell(workload, CellKind::Hearth, concurrency));
                    match cell {
                        Some(c) => {
                            let _ = write!(
                                row,
                                " {:.0} · {:.1} / {:.1} · {} |",
                                c.per_second,
                                c.p50_ms,
                                c.p99_ms,
                                c.statements_per_request
                                    .map_or("-".to_owned(), |s| format!("{s:.1}"))
                            );
                        }
                        None => row.push_str(" - |"),
                    }
                }
                let _ = writeln!(out, "{row}");
            }
        }
    }
    plan_summary(sections, &scales, &mut out);
    out
}

/// `--explain` across scales: each statement's mean time, so that growth with the table shows.
fn plan_summary(sections: &[Section], scales: &[usize], out: &mut String) {
    let mut dbs: Vec<&str> = sections
        .iter()
        .filter(|s| !s.plan_times.is_empty())
        .map(|s| s.db)
        .collect();
    dbs.sort_unstable();
    dbs.dedup();
    for db in dbs {
        let _ = writeln!(
            out,
            "\n### {db}: mean time of each statement (ms, from the bench process), by scale\n"
        );
        let mut header = "| statement |".to_owned();
        let mut rule = "|---|".to_owned();
        for scale in scales {
            let _ = write!(header, " {} clients |", thousands(*scale));
            rule.push_str("---:|");
        }
        let _ = writeln!(out, "{header}\n{rule}");
        let names: Vec<&String> = sections
            .iter()
            .find(|s| s.db == db && !s.plan_times.is_empty())
            .map(|s| s.plan_times.iter().map(|(n, _)| n).collect())
            .unwrap_or_default();
        for name in names {
            let mut row = format!("| {name} |");
            for scale in scales {
                let time = sections
                    .iter()
                    .find(|s| s.db == db && s.scale == *scale)
                    .and_then(|s| s.plan_times.iter().find(|(n, _)| n == name));
                match time {
                    Some((_, ms)) => {
                        let _ = write!(row, " {ms:.3} |");
                    }
                    None => row.push_str(" - |"),
                }
            }
            let _ = writeln!(out, "{row}");
        }
    }
}

/// The 1, 5 and 15 minute load averages.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The machine, from /proc/cpuinfo and /proc/meminfo.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cores = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(str::trim)
        .unwrap_or("?");
    let memory = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or("?".to_owned(), |kb| {
            format!("{:.1} GiB", kb / 1024.0 / 1024.0)
        });
    format!("Machine: {cores} cores ({model}), {memory} memory")
}

pub fn append(path: &Path, text: &str) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    writeln!(file, "{text}")?;
    Ok(())
}
