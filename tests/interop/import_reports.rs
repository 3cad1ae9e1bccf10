//! A bad import is refused whole: every bad code, date and link reported by file and row, and
//! nothing loaded.

use super::*;

#[tokio::test]
async fn bad_codes_dates_and_links_are_each_reported_and_nothing_loads() {
    let (c, _) = community_with_history().await;
    let mut files = unzip_file(&export(&c.server.database.url));
    let edit =
        |files: &mut BTreeMap<String, String>, name: &str, row: usize, col: &str, to: &str| {
            let at = column(&files[name], col);
            let mut lines: Vec<String> = files[name].split("\r\n").map(str::to_owned).collect();
            let mut fields: Vec<String> = lines[row].split(',').map(str::to_owned).collect();
            fields[at] = to.to_owned();
            lines[row] = fields.join(",");
            files.insert(name.to_owned(), lines.join("\r\n"));
        };
    edit(&mut files, "Project.csv", 2, "ProjectType", "5");
    edit(&mut files, "Enrollment.csv", 3, "EntryDate", "2026-13-01");
    edit(&mut files, "Event.csv", 1, "EnrollmentID", "nowhere");
    edit(&mut files, "Event.csv", 4, "Event", "99");
    let zip = zip_of(&files);

    let target = TestDatabase::create().await;
    let output = import(&target.url, &zip);
    assert!(!output.status.success());
    let report = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "Project.csv line 3: ProjectType \"5\" is not a code of HUD 2.02.6 Project Type",
        "Enrollment.csv line 4: EntryDate \"2026-13-01\" is not a date (yyyy-mm-dd)",
        "Event.csv line 2: EnrollmentID \"nowhere\" is not in Enrollment.csv",
        "Event.csv line 5: Event \"99\" is not a code of HUD 4.20.2 Event",
    ] {
        assert!(
            report.contains(expected),
            "{expected} missing from:\n{report}"
        );
    }
    assert!(report.contains("Nothing was loaded"), "{report}");
    assert_eq!(counts(&target.url).await, [0; 6]);
}

#[tokio::test]
async fn the_interop_sample_is_refused_whole_with_every_bad_row_named() {
    let folder = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/interop/hmis-csv-fy2024-sample"
    );
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(folder).expect("the sample folder") {
        let path = entry.expect("an entry").path();
        let name = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        files.insert(name, std::fs::read_to_string(&path).expect("a csv"));
    }
    let zip = zip_of(&files);
    let target = TestDatabase::create().await;

    let output = import(&target.url, &zip);
    assert!(!output.status.success(), "the sample must not import");
    let report = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("nothing was loaded"), "{stderr}");
    for skipped in [
        "Affiliation.csv",
        "Assessment.csv",
        "Services.csv",
        "Funder.csv",
    ] {
        assert!(report.contains(skipped), "{skipped} not named:\n{report}");
    }
    for expected in [
        // Event.csv's rows point at enrollments and clients outside the set.
        "Event.csv line 2: EnrollmentID \"2141\" is not in Enrollment.csv and names no enrollment in Hearth",
        "Event.csv line 2: PersonalID \"6805\" is not in Client.csv and names no client in Hearth",
        "Event.csv line 3: EnrollmentID \"2148\" is not in Enrollment.csv and names no enrollment in Hearth",
        "Event.csv line 3: PersonalID \"6791\" is not in Client.csv and names no client in Hearth",
        // Worded by the same rule as createCeEvent's (domain::rules), in HUD's column names.
        "Event.csv line 2: LocationCrisisOrPHHousing is not allowed for event type ProblemSolvingDiversionRapidResolution (HUD 4.20.2 code 2)",
        // Event.csv and User.csv come from another export than Export.csv.
        "User.csv line 2: ExportID \"b6585c2320f69a2b920adb507cc9d82f\" is not the ExportID of Export.csv",
        "User.csv line 5: ExportID",
        // Values Hearth needs, missing.
        "Organization.csv line 2: VictimServiceProvider is empty",
        "Project.csv line 2: OperatingStartDate is empty",
        // Two open enrollments of one client in one project.
        "Enrollment.csv line 5: overlaps enrollment \"557331\" (line 2)",
    ] {
        assert!(
            report.contains(expected),
            "{expected} missing from:\n{report}"
        );
    }
    // A UserID that User.csv lacks is not an error.
    assert!(!report.contains("catalina"), "{report}");
    assert!(!report.contains("Client.csv line"), "{report}");
    assert_eq!(counts(&target.url).await, [0; 6]);
}
