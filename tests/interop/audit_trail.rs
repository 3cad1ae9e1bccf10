//! Every imported record is in the audit trail, naming the user given in the file.

use super::*;

/// The audit rows an import wrote, by the email of the user they name.
async fn import_trail(database_url: &str) -> Vec<(String, String)> {
    let db: DatabaseConnection = Database::connect(database_url)
        .await
        .expect("connect to the test database");
    let rows = entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Operation.eq("hearth import"))
        .all(&db)
        .await
        .expect("read the audit trail");
    let users: BTreeMap<uuid::Uuid, String> = entity::app_user::Entity::find()
        .all(&db)
        .await
        .expect("read the users")
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    db.close().await.ok();
    rows.into_iter()
        .map(|event| (event.record_type, users[&event.user_id].clone()))
        .collect()
}

#[tokio::test]
async fn every_imported_record_is_in_the_audit_trail() {
    let (c, _) = community_with_history().await;
    let zip = export(&c.server.database.url);
    // Without --as: the command itself.
    let target = TestDatabase::create().await;
    import_ok(&target.url, &zip);
    let trail = import_trail(&target.url).await;
    let [organizations, users, projects, clients, enrollments, events] = counts(&target.url).await;
    // The command's own user is one of the users, and imported nothing itself; each project comes
    // with its HUD 2.09 period, each enrollment with its household (of one, here); and the one
    // 4.19 assessment.
    let assessments = trail
        .iter()
        .filter(|(table, _)| table == "assessment")
        .count() as u64;
    assert_eq!(assessments, 1);
    assert_eq!(
        trail.len() as u64,
        organizations
            + (users - 1)
            + 2 * projects
            + clients
            + 2 * enrollments
            + events
            + assessments
    );
    assert!(
        trail
            .iter()
            .all(|(_, who)| who == "hearth-import@hearth.invalid")
    );
    assert!(trail.iter().any(|(kind, _)| kind == "client"));

    // With --as: the ADMIN named.
    let target = TestDatabase::create().await;
    run(process::hearth(&target.url).args(["create-admin", "--email", "lead@hmis.test"]));
    let output = process::hearth(&target.url)
        .args(["import", "--as", "lead@hmis.test"])
        .arg(&*zip)
        .output()
        .expect("run hearth import");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let trail = import_trail(&target.url).await;
    assert!(!trail.is_empty());
    assert!(trail.iter().all(|(_, who)| who == "lead@hmis.test"));
}
