//! HUD 3.14/3.15 households on import: a foreign HouseholdID is kept, a household with two heads is
//! refused.

use super::*;

#[tokio::test]
async fn a_foreign_household_is_kept_and_one_with_two_heads_is_refused() {
    let (c, _) = community_with_history().await;
    let mut files = unzip_file(&export(&c.server.database.url));
    let ce_project = cell(&files, "Enrollment.csv", 1, "ProjectID");
    let members: Vec<usize> = (1..files["Enrollment.csv"].trim_end().split("\r\n").count())
        .filter(|&row| cell(&files, "Enrollment.csv", row, "ProjectID") == ce_project)
        .take(2)
        .collect();
    assert_eq!(members.len(), 2);
    for &row in &members {
        set_cell(&mut files, "Enrollment.csv", row, "HouseholdID", "HH-17");
    }
    // Both heads (RelationshipToHoH 1): refused, naming the household.
    let target = TestDatabase::create().await;
    let output = import(&target.url, &zip_of(&files));
    assert!(!output.status.success());
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains("household HH-17 has 2 heads"), "{report}");
    assert_eq!(counts(&target.url).await, [0; 6]);

    // One head and a partner: the household is kept as the file gives it.
    set_cell(
        &mut files,
        "Enrollment.csv",
        members[1],
        "RelationshipToHoH",
        "3",
    );
    import_ok(&target.url, &zip_of(&files));
    let again = unzip_file(&export(&target.url));
    let kept: Vec<(String, String)> = rows(&again["Enrollment.csv"])
        .into_iter()
        .filter(|r| r[column(&again["Enrollment.csv"], "HouseholdID")] == "HH-17")
        .map(|r| {
            (
                r[column(&again["Enrollment.csv"], "EnrollmentID")].clone(),
                r[column(&again["Enrollment.csv"], "RelationshipToHoH")].clone(),
            )
        })
        .collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
    let mut relationships: Vec<&str> = kept.iter().map(|(_, r)| r.as_str()).collect();
    relationships.sort();
    assert_eq!(relationships, ["1", "3"]);
}
