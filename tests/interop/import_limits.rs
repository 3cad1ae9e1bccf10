//! What an import may cost (rule F5): a zip expanding past the limit, a line that never ends, and the
//! first thousand bad rows reported then counted.

use super::*;

/// The community's export with Client.csv replaced by `client_csv`.
async fn export_with_client_csv(client_csv: impl FnOnce(&str) -> String) -> (Community, TempZip) {
    let (c, _) = community_with_history().await;
    let mut files = unzip_file(&export(&c.server.database.url));
    let replaced = client_csv(&files["Client.csv"]);
    files.insert("Client.csv".to_owned(), replaced);
    let zip = zip_of(&files);
    (c, zip)
}

#[tokio::test]
async fn a_zip_expanding_past_the_limit_is_refused_and_nothing_loads() {
    // 4 MB of rows that deflate to a few kilobytes, against a limit of 1 MB.
    let (_c, zip) =
        export_with_client_csv(|text| format!("{text}{}", "x,x,x,x\r\n".repeat(450_000))).await;
    assert!(std::fs::metadata(&*zip).expect("the zip").len() < 100_000);
    let target = TestDatabase::create().await;
    let output = process::hearth(&target.url)
        .env("HEARTH_IMPORT_MAX_BYTES", "1000000")
        .arg("import")
        .arg(&*zip)
        .output()
        .expect("run hearth import");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("HEARTH_IMPORT_MAX_BYTES"), "{stderr}");
    assert!(
        output.stdout.len() < 1000,
        "no row report for a refused zip"
    );
    assert_eq!(counts(&target.url).await, [0; 6]);
}

#[tokio::test]
async fn a_line_that_never_ends_is_refused_and_nothing_loads() {
    let (_c, zip) = export_with_client_csv(|text| format!("{text}{}", "y".repeat(3 << 20))).await;
    let target = TestDatabase::create().await;
    let output = import(&target.url, &zip);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Client.csv: a line is longer than"),
        "{stderr}"
    );
    assert_eq!(counts(&target.url).await, [0; 6]);
}

#[tokio::test]
async fn the_first_thousand_bad_rows_are_reported_then_counted() {
    let (_c, zip) = export_with_client_csv(|text| {
        let id = column(text, "PersonalID");
        let dob = column(text, "DOB");
        let mut lines: Vec<String> = text.trim_end().split("\r\n").map(str::to_owned).collect();
        let template: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
        for n in 0..1_500 {
            let mut fields = template.clone();
            fields[id] = format!("bad{n}");
            fields[dob] = "2026-13-01".to_owned();
            lines.push(fields.join(","));
        }
        lines.join("\r\n") + "\r\n"
    })
    .await;
    let target = TestDatabase::create().await;
    let output = import(&target.url, &zip);
    assert!(!output.status.success());
    let report = String::from_utf8_lossy(&output.stdout);
    let shown = report
        .lines()
        .filter(|l| l.starts_with("Client.csv line"))
        .count();
    assert_eq!(shown, 1_000, "{report:.2000}");
    assert!(
        report.contains("... and 500 more problem(s)"),
        "{report:.2000}"
    );
    assert!(
        report.contains("Nothing was loaded: 1500 problem(s)."),
        "{report:.2000}"
    );
    assert_eq!(counts(&target.url).await, [0; 6]);
}
