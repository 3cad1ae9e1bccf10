//! Households (HUD 3.14 Household ID, 3.15 Relationship to Head of Household): the GraphQL type and
//! the inputs of household intake, joining and exit.

use super::LIST_FANOUT;
use super::client::Enrollment;
use super::context::ContextExt;
use super::loaders::{HouseholdAges, MembersOfHousehold, list_field};
use super::organization::Project;
use super::scalars::Date;
use crate::domain::household::household_type;
use crate::domain::rules::household::HeadExit;
use crate::domain::{HouseholdType, RelationshipToHoH};
use crate::error::AppError;
use crate::service::households::{NewHouseholdMember, NewMember};
use crate::service::parse_id;
use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::household;

pub struct Household(pub household::Model);

/// The enrollments of people who enter one project together; one of them is the head.
#[Object]
impl Household {
    /// HouseholdID.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The project every member is enrolled in.
    async fn project(&self, ctx: &Context<'_>) -> Result<Project> {
        super::client::project(ctx, self.0.project_id).await
    }
    /// The head of household's enrollment (RelationshipToHoH SELF_HEAD_OF_HOUSEHOLD).
    async fn head_of_household(&self, ctx: &Context<'_>) -> Result<Enrollment> {
        let head = self.members_in_scope(ctx).await?.into_iter().next();
        head.filter(|e| e.relationship_to_hoh == RelationshipToHoH::SelfHeadOfHousehold)
            .map(Enrollment)
            .ok_or_else(|| {
                AppError::internal(format!("household {} has no head in scope", self.0.id)).into()
            })
    }
    /// Every enrollment of the household the caller may see, head first.
    #[graphql(complexity = "LIST_FANOUT * child_complexity")]
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<Enrollment>> {
        list_field(ctx.loaders(), MembersOfHousehold(self.0.id), Enrollment).await
    }
    /// From every member's age on the head's entry date (rule H7; under 18: a child).
    async fn household_type(&self, ctx: &Context<'_>) -> Result<HouseholdType> {
        let facts = ctx
            .loaders()
            .load_one(HouseholdAges(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(match facts.head_entry {
            Some(entry) => household_type(entry, facts.births),
            None => HouseholdType::Unknown,
        })
    }
}

impl Household {
    async fn members_in_scope(&self, ctx: &Context<'_>) -> Result<Vec<entity::enrollment::Model>> {
        Ok(ctx
            .loaders()
            .load_one(MembersOfHousehold(self.0.id))
            .await?
            .unwrap_or_default())
    }
}

/// A member entering with the head of household.
#[derive(InputObject)]
pub struct HouseholdMemberInput {
    /// The member's client record.
    client_id: ID,
    /// HUD 3.15, to the head; not SELF_HEAD_OF_HOUSEHOLD.
    relationship_to_ho_h: RelationshipToHoH,
    /// Default: the head's entryDate; not before it.
    entry_date: Option<Date>,
}

/// Someone joining a household after its head entered (a baby born after entry).
#[derive(InputObject)]
pub struct AddHouseholdMemberInput {
    /// The household joined (`Household.id`).
    household_id: ID,
    /// The member's client record.
    client_id: ID,
    /// HUD 3.15, to the head; not SELF_HEAD_OF_HOUSEHOLD.
    relationship_to_ho_h: RelationshipToHoH,
    /// Not before the head's entryDate, under the project's date rules.
    entry_date: Date,
}

pub fn members(inputs: Vec<HouseholdMemberInput>) -> Result<Vec<NewMember>, AppError> {
    inputs
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            Ok(NewMember {
                client_id: parse_id(&format!("members[{i}].clientId"), &m.client_id)?,
                relationship: m.relationship_to_ho_h,
                entry_date: m.entry_date.map(|d| d.0),
            })
        })
        .collect()
}

pub fn new_member(input: AddHouseholdMemberInput) -> Result<NewHouseholdMember, AppError> {
    Ok(NewHouseholdMember {
        household_id: parse_id("householdId", &input.household_id)?,
        client_id: parse_id("clientId", &input.client_id)?,
        relationship: input.relationship_to_ho_h,
        entry_date: input.entry_date.0,
    })
}

/// How the head's exit leaves the household: both ways at once is a contradiction.
pub fn head_exit(
    whole_household: Option<bool>,
    new_head: Option<ID>,
) -> Result<HeadExit, AppError> {
    match (whole_household.unwrap_or(false), new_head) {
        (true, Some(_)) => Err(AppError::bad_input(
            "Give either wholeHousehold: true (everyone exits) or newHeadOfHouseholdId (someone \
             stays as the head), not both",
        )),
        (true, None) => Ok(HeadExit::WholeHousehold),
        (false, Some(id)) => Ok(HeadExit::NewHead(parse_id("newHeadOfHouseholdId", &id)?)),
        (false, None) => Ok(HeadExit::Alone),
    }
}
