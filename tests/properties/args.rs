//! The abstract arguments a case is made of: kinds of records, id spellings, values, actors.

use super::*;

/// The kinds of records whose ids the generator can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    Org,
    Project,
    User,
    Token,
    Client,
    CeEnrollment,
    HousingEnrollment,
    Referral,
    CeEvent,
}

pub(crate) const KINDS: &[Kind] = &[
    Kind::Org,
    Kind::Project,
    Kind::User,
    Kind::Token,
    Kind::Client,
    Kind::CeEnrollment,
    Kind::HousingEnrollment,
    Kind::Referral,
    Kind::CeEvent,
];

/// How an id of a real record is written.
#[derive(Clone, Copy, Debug)]
pub(crate) enum IdForm {
    /// Surrounded by spaces.
    Padded,
    /// Upper-case hex.
    Upper,
    /// `{...}`.
    Braced,
    /// 32 hex digits, no hyphens.
    Simple,
    /// `urn:uuid:...`.
    Urn,
    /// The id with its last character cut off.
    Truncated,
    /// The id with a NUL appended.
    TrailingNul,
}

/// One argument value, as a choice resolved when the case runs.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    /// The field is left out of the input object.
    Missing,
    Null,
    /// A literal JSON value (numbers, booleans, arrays, objects where something else is expected).
    Json(Value),
    Text(String),
    /// `unit` repeated `times` times: length boundaries and 100 000-character strings.
    Repeat(&'static str, usize),
    /// The id of the `n`th (modulo) existing record of a kind.
    Id(Kind, usize),
    /// The same, written another way.
    IdAs(Kind, usize, IdForm),
    /// A well-formed UUID that names nothing.
    UnknownId(u128),
    /// For `resultingEnrollmentId`: an enrollment that fits the chosen referral, if there is one.
    Paired,
    /// For `referredProjectId`: the `n`th project whose type fits the chosen event type (left out for
    /// event types that take none).
    Fitting(usize),
    /// Bytes no JSON serializer writes: lone surrogate escapes, invalid UTF-8, out-of-range numbers.
    Raw(&'static [u8]),
}

impl Arg {
    pub(crate) fn is_huge(&self) -> bool {
        matches!(self, Arg::Repeat(_, n) if *n > 1000)
    }
}

/// Who sends the request.
#[derive(Clone, Debug)]
pub(crate) enum ActorArg {
    /// The one the workflow expects for the records the input names: the PLM for CE events, the
    /// staff of the organization that runs the project for intake, move-in, exit and resolution.
    Fitting,
    Admin,
    Plm,
    StaffA,
    StaffB,
    Anonymous,
    /// An `Authorization` header that is not a token Hearth issued.
    BadToken(String),
    /// A token from the pool (maybe revoked by an earlier case).
    Spare(usize),
    /// ADMIN with an `X-Organization-Id` that is not one of its memberships.
    AdminAs(String),
    /// Housing staff of A acting as organization B.
    StaffAAsB,
}

/// The `input` argument.
#[derive(Clone, Debug)]
pub(crate) enum Input {
    Fields(Vec<(&'static str, Arg)>),
    /// `input` itself: null, missing, a string, a raw value...
    Whole(Arg),
}

#[derive(Clone, Debug)]
pub(crate) struct Case {
    pub(crate) actor: ActorArg,
    pub(crate) input: Input,
}

impl Case {
    pub(crate) fn huge_fields(&self) -> usize {
        match &self.input {
            Input::Fields(fields) => fields.iter().filter(|(_, a)| a.is_huge()).count(),
            Input::Whole(arg) => usize::from(arg.is_huge()),
        }
    }
}
