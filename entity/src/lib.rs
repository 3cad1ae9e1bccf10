//! SeaORM entities of Hearth's tables, one module per table.
//!
//! Column names follow the HUD HMIS CSV specification where HUD defines the element (the element is
//! named in each field's doc comment). A HUD code is a field of its list's type (`codes`), decoded
//! when the row is read. This crate holds no logic: rules live in the server's `domain` and service
//! layer; `codes` says only what a code means in HUD's data dictionary.

pub mod api_token;
pub mod app_user;
pub mod assessment;
pub mod audit_event;
pub mod ce_event;
pub mod ce_participation;
pub mod client;
pub mod codes;
pub mod decode;
pub mod enrollment;
pub mod household;
pub mod installation;
pub mod membership;
pub mod organization;
pub mod project;
pub mod referral_note;

pub mod prelude {
    pub use super::api_token::Entity as ApiToken;
    pub use super::app_user::Entity as AppUser;
    pub use super::assessment::Entity as Assessment;
    pub use super::audit_event::Entity as AuditEvent;
    pub use super::ce_event::Entity as CeEvent;
    pub use super::ce_participation::Entity as CeParticipation;
    pub use super::client::Entity as Client;
    pub use super::enrollment::Entity as Enrollment;
    pub use super::household::Entity as Household;
    pub use super::installation::Entity as Installation;
    pub use super::membership::Entity as Membership;
    pub use super::organization::Entity as Organization;
    pub use super::project::Entity as Project;
    pub use super::referral_note::Entity as ReferralNote;
}
