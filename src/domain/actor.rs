//! Who is asking: the signed-in user, the organization they act as and that membership's role.

use async_graphql::Enum;
use uuid::Uuid;

/// A user's role within one organization.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Runs the Hearth installation: may do everything, acting as any of its organizations.
    Admin,
    /// Coordinated Entry staff who keep the community's priority list and record referrals.
    PriorityListManager,
    /// Staff of a housing program's organization, who resolve referrals to its projects.
    HousingStaff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::PriorityListManager => "PRIORITY_LIST_MANAGER",
            Role::HousingStaff => "HOUSING_STAFF",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "ADMIN" => Some(Role::Admin),
            "PRIORITY_LIST_MANAGER" => Some(Role::PriorityListManager),
            "HOUSING_STAFF" => Some(Role::HousingStaff),
            _ => None,
        }
    }
}

/// The caller of a service: a user acting as one organization, with the role of that membership.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub role: Role,
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// ADMIN and PRIORITY_LIST_MANAGER see the whole community's client data (Coordinated Entry is
    /// community-wide); HOUSING_STAFF see only what concerns their organization.
    pub fn sees_everything(&self) -> bool {
        matches!(self.role, Role::Admin | Role::PriorityListManager)
    }
}
