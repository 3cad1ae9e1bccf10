//! The workflow's rules (domain::rules) applied to imported rows as to API calls; names the API
//! accepts; events 17 from other systems.

use super::*;

#[tokio::test]
async fn each_workflow_rule_refuses_the_imported_row_that_breaks_it() {
    let (c, _) = community_with_history().await;
    let files = unzip_file(&export(&c.server.database.url));
    let project_of_type = |code: &str| {
        let row = row_where(&files, "Project.csv", "ProjectType", code);
        cell(&files, "Project.csv", row, "ProjectID")
    };
    let ce_project = project_of_type("14");
    let ce_enrollment = row_where(&files, "Enrollment.csv", "ProjectID", &ce_project);
    let psh_referral = row_where(&files, "Event.csv", "Event", "14");
    let rrh_referral = row_where(&files, "Event.csv", "Event", "13");
    let psh_enrollment = cell(
        &files,
        "Enrollment.csv",
        row_where(&files, "Enrollment.csv", "ProjectID", &project_of_type("3")),
        "EnrollmentID",
    );
    // (file, row, column, value, the rule's words in HUD's column names)
    let cases: Vec<(&str, usize, &str, String, &str)> = vec![
        (
            "Enrollment.csv",
            1,
            "EntryDate",
            "2019-06-01".into(),
            "EntryDate 2019-06-01 is before the project's OperatingStartDate",
        ),
        (
            "Enrollment.csv",
            1,
            "EntryDate",
            "2026-07-01".into(),
            "EntryDate 2026-07-01 is in the future",
        ),
        (
            "Enrollment.csv",
            ce_enrollment,
            "MoveInDate",
            "2026-03-01".into(),
            "MoveInDate applies only to permanent housing projects",
        ),
        (
            "Exit.csv",
            1,
            "ExitDate",
            "2020-01-02".into(),
            "ExitDate 2020-01-02 is before the EntryDate",
        ),
        (
            "Event.csv",
            psh_referral,
            "EventDate",
            "2020-01-02".into(),
            "EventDate 2020-01-02 is before the CE enrollment's EntryDate",
        ),
        (
            "Event.csv",
            rrh_referral,
            "ResultDate",
            "2026-02-01".into(),
            "ResultDate 2026-02-01 is before the EventDate 2026-03-01",
        ),
        (
            "Event.csv",
            rrh_referral,
            "ResultDate",
            "2026-07-01".into(),
            "ResultDate 2026-07-01 is in the future",
        ),
        (
            "Event.csv",
            psh_referral,
            "ProbSolDivRRResult",
            "1".into(),
            "ProbSolDivRRResult (HUD 4.20.A) is only for event type ProblemSolvingDiversionRapidResolution",
        ),
        (
            "Event.csv",
            psh_referral,
            "LocationCrisisOrPHHousing",
            ce_project.clone(),
            "LocationCrisisOrPHHousing names a Coordinated Entry project",
        ),
        (
            "Event.csv",
            psh_referral,
            "LocationCrisisOrPHHousing",
            project_of_type("13"),
            "LocationCrisisOrPHHousing names a project of type PhRapidReHousing (HUD 2.02.6 code 13), which does not fit event type ReferralToPsh",
        ),
        // Rule A1, as recordAssessment applies it.
        (
            "Assessment.csv",
            1,
            "AssessmentDate",
            "2020-01-02".into(),
            "AssessmentDate 2020-01-02 is before the CE enrollment's EntryDate",
        ),
        (
            "Assessment.csv",
            1,
            "AssessmentDate",
            "2026-07-01".into(),
            "AssessmentDate 2026-07-01 is in the future",
        ),
        (
            "Assessment.csv",
            1,
            "EnrollmentID",
            psh_enrollment,
            "the enrollment is not in a Coordinated Entry project",
        ),
        (
            "Assessment.csv",
            1,
            "AssessmentLocation",
            "   ".into(),
            "AssessmentLocation must be 1 to 250 characters",
        ),
    ];
    for (file, row, name, value, expected) in cases {
        let mut edited = files.clone();
        set_cell(&mut edited, file, row, name, &value);
        let target = TestDatabase::create().await;
        let output = import(&target.url, &zip_of(&edited));
        assert!(
            !output.status.success(),
            "{file} {name} {value} was imported"
        );
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(
            report.contains(&format!("{file} line {}: {expected}", row + 1)),
            "{file} {name} {value}: \"{expected}\" missing from:\n{report}"
        );
        assert_eq!(counts(&target.url).await, [0; 6]);
    }
}

#[tokio::test]
async fn a_name_the_api_accepts_imports_though_lower_casing_lengthens_it() {
    let (c, _) = community_with_history().await;
    let mut files = unzip_file(&export(&c.server.database.url));
    // 100 characters that lower-case to 200: the API accepts it, and so must the import.
    set_cell(&mut files, "Client.csv", 1, "FirstName", &"İ".repeat(100));
    let target = TestDatabase::create().await;
    import_ok(&target.url, &zip_of(&files));
    assert_eq!(
        counts(&target.url).await[3],
        3,
        "{:?}",
        counts(&target.url).await
    );
}

#[tokio::test]
async fn events_17_from_other_systems_still_import() {
    // Rule D1: createCeEvent refuses event 17, but a file from before its retirement loads.
    let (c, _) = community_with_history().await;
    let mut files = unzip_file(&export(&c.server.database.url));
    let referral = row_where(&files, "Event.csv", "Event", "14");
    set_cell(&mut files, "Event.csv", referral, "Event", "17");
    let target = TestDatabase::create().await;
    import_ok(&target.url, &zip_of(&files));
    let again = unzip_file(&export(&target.url));
    // Read, stored and exported as it came (row_where fails if no row has Event 17).
    row_where(&again, "Event.csv", "Event", "17");
}
