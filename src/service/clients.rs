//! Clients (HUD 3.01-3.03): creation and scoped reads.

use super::{Services, scope};
use crate::domain::{Actor, Sex, values};
use crate::error::AppResult;
use chrono::NaiveDate;
use entity::client;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

pub struct NewClient {
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: Option<NaiveDate>,
    /// HUD 4.21; DATA_NOT_COLLECTED when not asked.
    pub sex: Option<Sex>,
}

/// Any role may create a client; the acting organization is recorded as its creator, which makes the
/// client visible to that organization's HOUSING_STAFF.
pub async fn create(
    services: &Services,
    actor: &Actor,
    input: NewClient,
) -> AppResult<client::Model> {
    let first_name = values::person_name("firstName", &input.first_name)?;
    let last_name = values::person_name("lastName", &input.last_name)?;
    if let Some(dob) = input.date_of_birth {
        values::not_before_1900("dateOfBirth", dob)?;
        values::not_in_future("dateOfBirth", dob, services.clock.today())?;
    }
    let txn = services.write_transaction().await?;
    let client = super::audit::new_record!(
        Some(actor.user_id),
        client::ActiveModel {
            first_name_search: Set(values::name_search_key(&first_name)),
            last_name_search: Set(values::name_search_key(&last_name)),
            first_name: Set(first_name),
            last_name: Set(last_name),
            date_of_birth: Set(input.date_of_birth),
            sex: Set(input.sex.unwrap_or(Sex::DataNotCollected)),
            created_by_organization_id: Set(actor.organization_id),
        }
    )
    .insert(&txn)
    .await?;
    super::audit::commit_created(txn, actor, "createClient", client).await
}

/// A page of the clients the actor may see, optionally those whose first or last name starts with
/// `search` (case-insensitive).
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    search: Option<&str>,
    request: PageRequest,
) -> AppResult<Page<client::Model>> {
    page::keyset(conn, matching(actor, search), client::Column::Id, request).await
}

/// The ids of every client [`list`] would page through: what a total of a name search counts, for
/// the read audit (a total tells housing staff how many of their clients bear a name).
pub async fn matching_ids<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    search: Option<&str>,
) -> AppResult<Vec<Uuid>> {
    Ok(matching(actor, search)
        .select_only()
        .column(client::Column::Id)
        .into_tuple()
        .all(conn)
        .await?)
}

/// The clients in `actor`'s scope whose first or last name starts with `search`.
fn matching(actor: &Actor, search: Option<&str>) -> Select<client::Entity> {
    let mut select = client::Entity::find().filter(scope::clients(actor));
    if let Some(prefix) = search.map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = format!("{}%", escape_like(&prefix.to_lowercase()));
        select = select.filter(
            Condition::any()
                .add(
                    client::Column::FirstNameSearch
                        .like(LikeExpr::new(pattern.clone()).escape('\\')),
                )
                .add(client::Column::LastNameSearch.like(LikeExpr::new(pattern).escape('\\'))),
        );
    }
    select
}

/// Escapes LIKE's wildcards so that a search for "50%" matches the text "50%".
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

use super::page::{self, Page, PageRequest};
use sea_orm::sea_query::LikeExpr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, Select};
use uuid::Uuid;
