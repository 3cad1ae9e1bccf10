//! What an export holds (the records of its range, in HUD terms) and export, import, export again:
//! every file unchanged, a second import changing nothing, imported HUD IDs kept as given.

use super::*;

#[tokio::test]
async fn the_export_holds_the_records_of_its_range_in_hud_terms() {
    let (c, earlier) = community_with_history().await;
    let files = unzip_file(&export(&c.server.database.url));

    let clients = rows(&files["Client.csv"]);
    assert_eq!(clients.len(), 3, "{clients:?}");
    let earlier = earlier.replace('-', "");
    assert!(clients.iter().all(|row| row[0] != earlier));
    let export_id = rows(&files["Export.csv"])[0][0].clone();
    assert_eq!(export_id.len(), 32);
    for name in &FILES[1..] {
        let exported = rows(&files[*name]);
        assert!(!exported.is_empty(), "{name} is empty");
        for row in exported {
            assert_eq!(row.last(), Some(&export_id), "{name}: {row:?}");
        }
    }

    let events = rows(&files["Event.csv"]);
    let event = |code: &str| {
        events
            .iter()
            .find(|row| row[column(&files["Event.csv"], "Event")] == code)
            .unwrap_or_else(|| panic!("an event {code}"))
            .clone()
    };
    let psh = event("14");
    let location = column(&files["Event.csv"], "LocationCrisisOrPHHousing");
    assert_eq!(psh[location], c.psh_a.replace('-', ""));
    assert_eq!(psh[column(&files["Event.csv"], "ReferralResult")], "1");
    assert_eq!(psh[column(&files["Event.csv"], "ResultDate")], "2026-02-10");
    assert_eq!(
        event("13")[column(&files["Event.csv"], "ReferralResult")],
        "2"
    );
    assert_eq!(event("4")[location], "");

    let exits = rows(&files["Exit.csv"]);
    assert_eq!(exits.len(), 1);
    assert_eq!(
        exits[0][column(&files["Exit.csv"], "ExitDate")],
        "2026-04-01"
    );
    assert_eq!(exits[0][0], exits[0][1], "ExitID is the EnrollmentID");

    let client = &clients[0];
    let at = |name: &str| client[column(&files["Client.csv"], name)].as_str();
    assert_eq!(
        (
            at("SSN"),
            at("SSNDataQuality"),
            at("RaceNone"),
            at("Sex"),
            at("VeteranStatus")
        ),
        ("", "99", "99", "99", "99")
    );
    assert_eq!(at("DOB"), "1980-04-02");
    let enrollments = rows(&files["Enrollment.csv"]);
    let at = |name: &str| enrollments[0][column(&files["Enrollment.csv"], name)].clone();
    assert_eq!(at("RelationshipToHoH"), "1");
    assert_eq!(at("DisablingCondition"), "99");
    // HUD's required values (rule D6): the community's CoC, each enrollment's household.
    assert_eq!(at("EnrollmentCoC"), "XX-501");
    let household = at("HouseholdID");
    assert_eq!(household.len(), 32, "{household}");
    let projects = rows(&files["Project.csv"]);
    let continuum = column(&files["Project.csv"], "ContinuumProject");
    assert!(
        projects.iter().all(|row| row[continuum] == "1"),
        "{projects:?}"
    );
    let implementation = column(&files["Export.csv"], "ImplementationID");
    let implementation = rows(&files["Export.csv"])[0][implementation].clone();
    assert_eq!(implementation.len(), 32, "{implementation}");
    let again = unzip_file(&export(&c.server.database.url));
    assert_eq!(
        rows(&again["Export.csv"])[0][column(&again["Export.csv"], "ImplementationID")],
        implementation,
        "one ImplementationID for the installation"
    );
    assert!(
        enrollments
            .iter()
            .any(|row| row[column(&files["Enrollment.csv"], "MoveInDate")] == "2026-02-20")
    );
    let created = at("DateCreated");
    assert_eq!(created.len(), 19, "{created}");
    assert_eq!(&created[10..11], " ");
}

#[tokio::test]
async fn export_import_export_writes_every_file_unchanged() {
    let (c, _) = community_with_history().await;
    let first = export(&c.server.database.url);

    let empty = TestDatabase::create().await;
    let report = import_ok(&empty.url, &first);
    assert!(report.contains("Loaded."), "{report}");
    let second = export(&empty.url);

    let before = unzip_file(&first);
    let after = unzip_file(&second);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    assert_ne!(before["Export.csv"], after["Export.csv"], "a new ExportID");
    let (before, after) = (comparable(&before), comparable(&after));
    for (name, text) in &before {
        assert_eq!(&after[name], text, "{name} changed in the round trip");
    }

    // The successful referral finds its resulting enrollment again (Event.csv has no column for it).
    let db = Database::connect(&empty.url).await.expect("connect");
    let resolved = entity::ce_event::Entity::find()
        .filter(entity::ce_event::Column::ResultingEnrollmentId.is_not_null())
        .all(&db)
        .await
        .expect("events");
    assert_eq!(resolved.len(), 1);
    assert_eq!(
        resolved[0].referral_result,
        Some(entity::codes::ReferralResult::SuccessfulClientAccepted)
    );
    db.close().await.ok();
}

#[tokio::test]
async fn importing_the_same_export_again_changes_nothing() {
    let (c, _) = community_with_history().await;
    let zip = export(&c.server.database.url);
    let target = TestDatabase::create().await;

    import_ok(&target.url, &zip);
    let loaded = counts(&target.url).await;
    let first = comparable(&unzip_file(&export(&target.url)));

    let again = import_ok(&target.url, &zip);
    assert!(
        again.contains("Client.csv: 3 row(s), 0 added, 3 already in Hearth"),
        "{again}"
    );
    assert_eq!(counts(&target.url).await, loaded);
    assert_eq!(comparable(&unzip_file(&export(&target.url))), first);
}

#[tokio::test]
async fn imported_hud_ids_and_unknown_user_ids_are_kept_as_given() {
    let (c, _) = community_with_history().await;
    let mut files = unzip_file(&export(&c.server.database.url));
    // Give one client another HMIS's PersonalID everywhere, and its record a UserID that no user has.
    let client = rows(&files["Client.csv"])[0][0].clone();
    for name in ["Client.csv", "Enrollment.csv", "Event.csv"] {
        let text = files[name].replace(&client, "C-1001");
        files.insert(name.to_owned(), text);
    }
    let user_column = column(&files["Client.csv"], "UserID");
    let mut lines: Vec<String> = files["Client.csv"]
        .split("\r\n")
        .map(str::to_owned)
        .collect();
    let mut fields: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    fields[user_column] = "caseworker7".to_owned();
    lines[1] = fields.join(",");
    files.insert("Client.csv".to_owned(), lines.join("\r\n"));
    let edited = zip_of(&files);

    let target = TestDatabase::create().await;
    import_ok(&target.url, &edited);
    let exported = unzip_file(&export(&target.url));
    // The client got a new UUID: its row may sort elsewhere, but every row is written back as read.
    assert_eq!(sorted_lines(&exported), sorted_lines(&files));
    let client_row = rows(&exported["Client.csv"])
        .into_iter()
        .find(|row| row[0] == "C-1001")
        .expect("the client keeps its PersonalID");
    assert_eq!(client_row[user_column], "caseworker7");
}

/// Every UserID an exported file names is a row of User.csv: the user who last changed each
/// record, whichever file it is in (an assessor who recorded only a 4.19 assessment included).
#[tokio::test]
async fn every_user_id_of_an_export_is_in_its_user_file() {
    let (c, _) = community_with_history().await;
    let files = unzip_file(&export(&c.server.database.url));
    let user_file = &files["User.csv"];
    let users: Vec<String> = rows(user_file)
        .into_iter()
        .map(|row| row[column(user_file, "UserID")].clone())
        .collect();
    for name in FILES
        .iter()
        .filter(|name| !["Export.csv", "User.csv"].contains(name))
    {
        let text = &files[*name];
        let user = column(text, "UserID");
        for row in rows(text) {
            assert!(
                users.contains(&row[user]),
                "{name}: UserID {} is not in User.csv {users:?}",
                row[user]
            );
        }
    }
}
