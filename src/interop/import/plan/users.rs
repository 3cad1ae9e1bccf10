//! User.csv: its users, and the Hearth users that other rows' UserIDs name. An email belongs to one
//! user, in the file set and in Hearth.

use super::{CHUNK, Resolver, Tally, find_keyed, target};
use crate::error::AppResult;
use crate::interop::columns;
use crate::interop::import::parse::UserRow;
use crate::interop::import::read::Table;
use crate::service::batch::Batch;
use entity::app_user;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;
use uuid::Uuid;

/// Plans and writes User.csv's users: the other files' rows name them.
pub(super) async fn resolve(r: &mut Resolver<'_>, users: &Table<UserRow>) -> AppResult<()> {
    let existing = find_keyed::<app_user::Entity>(r.txn, users.rows.iter().map(|u| &u.key)).await?;
    let taken = email_owners(r, users).await?;
    let mut first_with_email: HashMap<String, u64> = HashMap::new();
    let mut tally = Tally {
        rows: users.read,
        ..Tally::default()
    };
    let mut plan = Batch::default();
    for row in &users.rows {
        let target = target::<app_user::Entity>(&row.key, &existing);
        let before = r.problems.count();
        if let Some(first) = first_with_email.insert(row.email.clone(), row.line) {
            r.problems.add(
                &columns::USER_FILE,
                row.line,
                format!("UserEmail {} is already on line {first}", row.email),
            );
        }
        if let Some(owner) = taken.get(&row.email)
            && *owner != target.id
        {
            r.problems.add(
                &columns::USER_FILE,
                row.line,
                format!(
                    "UserEmail {} belongs to another Hearth user ({})",
                    row.email,
                    owner.simple()
                ),
            );
        }
        tally.count(target);
        // A user whose email is taken is not written (the email is unique); rows naming it keep
        // their UserID as given, and the import fails on this row's problem.
        if r.problems.count() > before {
            continue;
        }
        r.users.known.file.insert(row.key.text(), target.id);
        if !target.present {
            plan.users.push(app_user::ActiveModel {
                id: Set(target.id),
                email: Set(row.email.clone()),
                name: Set(row.name.clone()),
                date_created: Set(row.audit.date_created),
                date_updated: Set(row.audit.date_updated),
                date_deleted: Set(row.audit.date_deleted),
                hud_id: Set(row.key.imported()),
            });
        }
    }
    r.tally(&columns::USER_FILE, tally);
    r.flush(&mut plan).await
}

/// The Hearth users that already have User.csv's emails, by email.
async fn email_owners(
    r: &Resolver<'_>,
    users: &Table<UserRow>,
) -> AppResult<HashMap<String, Uuid>> {
    let emails: Vec<String> = users.rows.iter().map(|u| u.email.clone()).collect();
    let mut taken = HashMap::new();
    for chunk in emails.chunks(CHUNK) {
        let owners = app_user::Entity::find()
            .filter(app_user::Column::Email.is_in(chunk.to_vec()))
            .all(r.txn)
            .await?;
        taken.extend(owners.into_iter().map(|u| (u.email, u.id)));
    }
    Ok(taken)
}
