//! HUD 2.09 CE participation on import (rule D4): referrals only to projects receiving them on the
//! event's date, from CEParticipation.csv or, without it, the project's operating period; periods
//! never overlap.

use super::*;

/// An edit of an export's files that breaks a rule; returns the start of the report's line.
type Edit = fn(&mut BTreeMap<String, String>) -> String;

/// Rule D4 as createCeEvent applies it: without CEParticipation.csv (as in FY2024) the PSH project's
/// one period starts with its operation, here moved to 2026-02-05, after the referral of 2026-02-01.
/// Returns the start of the report's line.
fn referral_before_the_project_operates(files: &mut BTreeMap<String, String>) -> String {
    files
        .remove("CEParticipation.csv")
        .expect("a FY2026 export has CEParticipation.csv");
    let psh = row_where(files, "Project.csv", "ProjectType", "3");
    set_cell(
        files,
        "Project.csv",
        psh,
        "OperatingStartDate",
        "2026-02-05",
    );
    let referral = row_where(files, "Event.csv", "Event", "14");
    format!("Event.csv line {}: project \"", referral + 1)
}

/// With CEParticipation.csv (FY2026), the file's own 2.09 periods decide: the PSH project does not
/// receive referrals in the period that covers the referral.
fn referral_in_a_period_receiving_none(files: &mut BTreeMap<String, String>) -> String {
    let psh = row_where(files, "Project.csv", "ProjectType", "3");
    let psh_id = cell(files, "Project.csv", psh, "ProjectID");
    let period = row_where(files, "CEParticipation.csv", "ProjectID", &psh_id);
    set_cell(
        files,
        "CEParticipation.csv",
        period,
        "ReceivesReferrals",
        "0",
    );
    String::new()
}

/// A second period of a project, starting inside the first (which is still open).
fn overlapping_periods(files: &mut BTreeMap<String, String>) -> String {
    let period = row_where(files, "CEParticipation.csv", "ReceivesReferrals", "1");
    let project = cell(files, "CEParticipation.csv", period, "ProjectID");
    let text = files["CEParticipation.csv"].clone();
    let line = text
        .split("\r\n")
        .nth(period)
        .expect("the period's line")
        .to_owned();
    let second = line
        .replacen(&line[..32], &"f".repeat(32), 1)
        .replace("2020-01-01", "2024-06-01");
    assert!(second.contains(&project));
    files.insert(
        "CEParticipation.csv".to_owned(),
        format!("{text}{second}\r\n"),
    );
    String::new()
}

#[tokio::test]
async fn imported_referrals_and_periods_break_no_ce_participation_rule() {
    let (c, _) = community_with_history().await;
    let exported = unzip_file(&export(&c.server.database.url));
    // (case, the edit, returning the start of the report's line; what the line says)
    #[rustfmt::skip]
    let cases: [(&str, Edit, &str); 3] = [
        ("a referral before the project operates", referral_before_the_project_operates, "does not receive CE referrals on 2026-02-01"),
        ("a referral in a period receiving none", referral_in_a_period_receiving_none, "does not receive CE referrals on 2026-02-01"),
        ("overlapping periods", overlapping_periods, "do not overlap"),
    ];
    for (name, edit, says) in cases {
        let mut files = exported.clone();
        let starts = edit(&mut files);
        let target = TestDatabase::create().await;
        let output = import(&target.url, &zip_of(&files));
        assert!(!output.status.success(), "case {name} was imported");
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(
            report
                .lines()
                .any(|l| l.starts_with(&starts) && l.contains(says)),
            "case {name}: no line {starts}...{says} in:\n{report}"
        );
        assert_eq!(counts(&target.url).await, [0; 6], "case {name}");
    }
}
