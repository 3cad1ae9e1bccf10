//! Reading a row into its model without an error per NULL.
//!
//! SeaORM 2.0 reads an `Option<T>` column by reading a `T` and turning its "null" error into `None`:
//! every NULL builds that error's message (the column's name, `Debug`-formatted) and drops it
//! (sea-orm issue #3201, open). A CE event row holds a dozen NULLs (a pending referral has no
//! result, no resolver, no acknowledgement, no cancellation): under the W2 traversal, decoding CE
//! event and enrollment rows was 18% of the server's CPU, that formatting alone 7%. [`Decoded`]
//! reads the same columns through the same driver calls SeaORM makes
//! (`sqlx::Row::try_get::<Option<T>, _>`, then the code list's `ActiveEnum::try_from_value` for a
//! HUD code), with no work for a NULL. What a value decodes to, and which stored code is refused,
//! is unchanged.
//!
//! `Select::into_model::<Decoded<Model>>()` reads the entity's rows this way; the server's
//! `db::ReadModels` wraps it. A model gains a column: its `decoded!` list must name it, or the
//! struct literal below does not compile; the tests check each list against the entity's columns.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sqlx::{self, Postgres, Sqlite};
use sea_orm::{ActiveEnum, DbErr, FromQueryResult, QueryResult, RuntimeErr, TryGetable};
use std::sync::Arc;
use uuid::Uuid;

/// A model read column by column with [`Column`]: `Entity::find().into_model::<Decoded<Model>>()`.
pub struct Decoded<M>(pub M);

/// Where a field's column is: its position in the entity's own select, checked against its name
/// (a row of other columns, or of prefixed names, is read by name). sqlx finds a name through a
/// hash map per value; the position is one comparison of two short strings.
#[derive(Clone, Copy)]
pub struct At<'a> {
    pub position: usize,
    pub name: &'a str,
}

/// A field's value read from its column.
pub trait Column: Sized {
    fn read(row: &QueryResult, at: At<'_>) -> Result<Self, DbErr>;
}

/// A nullable column of a driver's row.
fn driver_get<R, T>(row: &R, at: At<'_>) -> Result<Option<T>, sqlx::Error>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'n> &'n str: sqlx::ColumnIndex<R>,
    T: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    use sqlx::Column as _;
    let in_place = row
        .columns()
        .get(at.position)
        .is_some_and(|column| column.name() == at.name);
    if in_place {
        row.try_get::<Option<T>, _>(at.position)
    } else {
        row.try_get::<Option<T>, _>(at.name)
    }
}

/// A nullable column as the driver decodes it. A row of another driver (SeaORM's mock) is read by
/// SeaORM itself.
fn nullable<T>(row: &QueryResult, at: At<'_>) -> Result<Option<T>, DbErr>
where
    T: TryGetable
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
        + for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>,
{
    let decoded = if let Some(pg) = row.try_as_pg_row() {
        driver_get(pg, at)
    } else if let Some(sqlite) = row.try_as_sqlite_row() {
        driver_get(sqlite, at)
    } else {
        return row.try_get::<Option<T>>("", at.name);
    };
    decoded.map_err(|err| DbErr::Query(RuntimeErr::SqlxError(Arc::new(err))))
}

/// A NOT NULL column that held NULL: the schema and the model disagree.
fn required<T>(value: Option<T>, column: &str) -> Result<T, DbErr> {
    value.ok_or_else(|| DbErr::Type(format!("A null value was encountered in column {column}")))
}

/// The types the driver decodes itself.
macro_rules! driver_types {
    ($($type:ty),+ $(,)?) => {$(
        impl Column for Option<$type> {
            fn read(row: &QueryResult, at: At<'_>) -> Result<Self, DbErr> {
                nullable::<$type>(row, at)
            }
        }
        impl Column for $type {
            fn read(row: &QueryResult, at: At<'_>) -> Result<Self, DbErr> {
                required(nullable::<$type>(row, at)?, at.name)
            }
        }
    )+};
}

driver_types!(Uuid, String, i32, bool, NaiveDate, DateTime<Utc>);

/// A HUD code list of `codes` (each gets this from `hud_code_enum!`): read as its stored integer,
/// then decoded by the list's own `ActiveEnum::try_from_value`, as SeaORM decodes it.
pub trait HudCode: ActiveEnum<Value = i32> {}

impl<T: HudCode> Column for Option<T> {
    fn read(row: &QueryResult, at: At<'_>) -> Result<Self, DbErr> {
        nullable::<i32>(row, at)?
            .map(|code| T::try_from_value(&code))
            .transpose()
    }
}

impl<T: HudCode> Column for T {
    fn read(row: &QueryResult, at: At<'_>) -> Result<Self, DbErr> {
        required(Option::<T>::read(row, at)?, at.name)
    }
}

/// The field at `position` of the model's columns, named `name` (after a prefix, when `pre` gives
/// one).
fn field<T: Column>(row: &QueryResult, pre: &str, position: usize, name: &str) -> Result<T, DbErr> {
    if pre.is_empty() {
        return T::read(row, At { position, name });
    }
    let name = format!("{pre}{name}");
    T::read(
        row,
        At {
            position,
            name: &name,
        },
    )
}

/// `Decoded<Model>` for each listed table: every field read from the column of its name.
macro_rules! decoded {
    ($($table:ident { $($field:ident),+ $(,)? })+) => {$(
        impl FromQueryResult for Decoded<crate::$table::Model> {
            fn from_query_result(row: &QueryResult, pre: &str) -> Result<Self, DbErr> {
                // Fields initialize in the order written: the model's, the select's.
                let mut position = 0;
                Ok(Decoded(crate::$table::Model {
                    $($field: {
                        position += 1;
                        field(row, pre, position - 1, stringify!($field))?
                    },)+
                }))
            }
        }

        impl Decoded<crate::$table::Model> {
            /// The columns read, in the model's order.
            pub const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),+];
        }
    )+};
}

decoded! {
    ce_event {
        id, enrollment_id, household_id, client_id, event_date, event_type, prob_sol_div_rr_result,
        referral_case_manage_after, referred_project_id, referral_result, result_date,
        resulting_enrollment_id, resolved_by_user_id, resolved_as_organization_id, date_created,
        date_updated, user_id, date_deleted, hud_id, hud_user_id, acknowledged_at,
        acknowledged_by_user_id, decline_reason, cancelled_at, cancellation_reason,
    }
    enrollment {
        id, client_id, project_id, entry_date, exit_date, destination, move_in_date, date_created,
        date_updated, user_id, date_deleted, hud_id, hud_user_id, exit_hud_id, enrollment_coc,
        household_id, relationship_to_hoh,
    }
    client {
        id, first_name, last_name, first_name_search, last_name_search, date_of_birth, sex,
        created_by_organization_id, date_created, date_updated, user_id, date_deleted, hud_id,
        hud_user_id,
    }
    assessment {
        id, enrollment_id, household_id, client_id, assessment_date, assessment_location,
        assessment_type, assessment_level, prioritization_status, date_created, date_updated,
        user_id, date_deleted, hud_id, hud_user_id,
    }
    audit_event {
        id, occurred_at, user_id, organization_id, operation, record_type, record_id, changes,
        reason,
    }
    app_user { id, email, name, date_created, date_updated, date_deleted, hud_id }
    household { id, project_id, hud_id, date_created, date_updated }
}

#[cfg(test)]
mod tests {
    use super::Decoded;
    use crate::{app_user, assessment, audit_event, ce_event, client, enrollment, household};
    use sea_orm::{EntityTrait, IdenStatic, Iterable};

    fn columns<E: EntityTrait>() -> Vec<&'static str> {
        E::Column::iter().map(|c| c.as_str()).collect()
    }

    /// Each table's list in `decoded!` against the entity's own columns.
    macro_rules! listed_as_in_table {
        ($($table:ident),+) => {$(
            assert_eq!(
                Decoded::<$table::Model>::COLUMNS,
                columns::<$table::Entity>(),
                stringify!($table)
            );
        )+};
    }

    #[test]
    fn each_list_names_its_tables_columns_in_order() {
        listed_as_in_table!(
            ce_event,
            enrollment,
            client,
            assessment,
            audit_event,
            app_user,
            household
        );
    }
}
