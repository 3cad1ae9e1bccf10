//! User.csv: its users, and the Hearth users that other rows' UserIDs name. An email belongs to one
//! user, in the file set and in Hearth.

use super::{CHUNK, Resolver, Target, find_keyed, target};
use crate::error::AppResult;
use crate::interop::columns;
use crate::interop::format::HudKey;
use entity::app_user;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub(super) async fn resolve(r: &mut Resolver<'_>) -> AppResult<()> {
    let set = r.set;
    let existing =
        find_keyed::<app_user::Entity>(r.txn, set.users.rows.iter().map(|u| u.key.clone())).await?;
    let taken = email_owners(r).await?;
    let mut first_with_email: HashMap<String, u64> = HashMap::new();
    let mut targets: Vec<Target> = Vec::new();
    for row in &set.users.rows {
        let target = target::<app_user::Entity>(&row.key, &existing);
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
        r.users.known.file.insert(row.key.text(), target.id);
        if !target.present {
            r.plan.users.push(app_user::ActiveModel {
                id: Set(target.id),
                email: Set(row.email.clone()),
                name: Set(row.name.clone()),
                date_created: Set(row.audit.date_created),
                date_updated: Set(row.audit.date_updated),
                date_deleted: Set(row.audit.date_deleted),
                hud_id: Set(row.key.imported()),
            });
        }
        targets.push(target);
    }
    r.plan
        .tally(set, &columns::USER_FILE, set.users.read, &targets);
    named_hearth_users(r).await
}

/// The Hearth users that already have User.csv's emails, by email.
async fn email_owners(r: &Resolver<'_>) -> AppResult<HashMap<String, Uuid>> {
    let emails: Vec<String> = r.set.users.rows.iter().map(|u| u.email.clone()).collect();
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

/// The Hearth users that the other files' UserIDs name, when User.csv lacks them.
async fn named_hearth_users(r: &mut Resolver<'_>) -> AppResult<()> {
    let set = r.set;
    let named_keys: HashSet<HudKey> = set
        .organizations
        .rows
        .iter()
        .map(|r| &r.audit)
        .chain(set.projects.rows.iter().map(|r| &r.audit))
        .chain(set.clients.rows.iter().map(|r| &r.audit))
        .chain(set.enrollments.rows.iter().map(|r| &r.audit))
        .chain(set.events.rows.iter().map(|r| &r.audit))
        .filter_map(|a| HudKey::parse(a.user.as_deref()?).ok().flatten())
        .collect();
    let outside = r.users.known.outside(named_keys.iter());
    for (key, user) in find_keyed::<app_user::Entity>(r.txn, outside).await? {
        r.users.known.hearth.insert(key, user.id);
    }
    Ok(())
}
