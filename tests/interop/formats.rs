//! The two CSV formats: every file's exact HUD header in FY2026 and FY2024, an unknown format
//! refused, and both formats imported (FY2026 keeping 3.06 Sex, FY2024 noting gender).

use super::*;

#[tokio::test]
async fn every_exported_file_has_hud_s_exact_header_in_both_formats() {
    let (c, _) = community_with_history().await;
    let url = &c.server.database.url;
    for (year, options, listed) in [
        ("2026", &[][..], &FILES[..]),
        ("2026", &["--format", "fy2026"][..], &FILES[..]),
        ("2024", &["--format", "fy2024"][..], &FY2024_FILES[..]),
    ] {
        let files = unzip_file(&export_as(url, options));
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        let mut expected = listed.to_vec();
        expected.sort();
        assert_eq!(names, expected, "{options:?}");
        let spec = spec_headers(year);
        for name in listed {
            let header = files[*name].split("\r\n").next().expect("a header line");
            assert_eq!(header, spec[*name], "FY{year} {name}");
        }
        let version = column(&files["Export.csv"], "CSVVersion");
        let expected_version = if year == "2026" {
            "2026 v1.0"
        } else {
            "2024 v1.3"
        };
        assert_eq!(rows(&files["Export.csv"])[0][version], expected_version);
    }
}

#[tokio::test]
async fn an_unknown_format_is_refused() {
    let c = Community::new().await;
    let out = TempZip::new("refused.zip");
    let output = process::hearth(&c.server.database.url)
        .args([
            "export", "--from", FROM, "--to", TO, "--format", "fy2022", "--out",
        ])
        .arg(&*out)
        .output()
        .expect("run hearth");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("fy2026"), "{stderr}");
    assert!(!out.exists());
}

#[tokio::test]
async fn both_formats_import_fy2026_keeping_sex_and_fy2024_noting_gender() {
    let (c, _) = community_with_history().await;
    let url = &c.server.database.url;
    // FY2026: a client's 4.21 Sex comes back as imported.
    let mut files = unzip_file(&export(url));
    set_cell(&mut files, "Client.csv", 1, "Sex", "0");
    let person = cell(&files, "Client.csv", 1, "PersonalID");
    let target = TestDatabase::create().await;
    let report = import_ok(&target.url, &zip_of(&files));
    assert!(!report.contains("Gender"), "{report}");
    let again = unzip_file(&export(&target.url));
    let row = row_where(&again, "Client.csv", "PersonalID", &person);
    assert_eq!(cell(&again, "Client.csv", row, "Sex"), "0");

    // FY2024: read all the same; the Gender columns are named as not kept, Sex is 99.
    let fy2024 = export_as(url, &["--format", "fy2024"]);
    let target = TestDatabase::create().await;
    let report = import_ok(&target.url, &fy2024);
    assert!(
        report.contains("Note: Client.csv: the FY2024 3.06 Gender columns are not kept"),
        "{report}"
    );
    let again = unzip_file(&export(&target.url));
    assert!(
        rows(&again["Client.csv"])
            .iter()
            .all(|r| r[column(&again["Client.csv"], "Sex")] == "99")
    );
}
