//! Property-based tests: random and hostile inputs to every mutation of the contract, through the real
//! HTTP endpoint with GraphQL variables.
//!
//! Every answer must be a valid success or a clean GraphQL error whose `extensions.code` is one of
//! UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT or CONFLICT: never a 5xx, never
//! INTERNAL_SERVER_ERROR, never a dropped connection. After every case the whole visible state is read
//! back as ADMIN and checked: the workflow's invariants hold, a refused mutation changed nothing (not
//! even the audit trail), and a successful one changed exactly the counts it should.
//!
//! One server per property (one `#[test]`), driven from a tokio runtime built here: proptest's runner
//! calls `block_on` for each case. Inputs are generated as abstract choices ("the 3rd client", "a lone
//! surrogate", "a 100 000-character string") and resolved against the records that exist when the case
//! runs, so ids of real records, of records of another kind, and of nothing are all exercised.
//!
//! Reproducible: the seed is fixed per property (override with `PROPTEST_RNG_SEED`), 64 cases each
//! (override with `PROPTEST_CASES`), and failures are not persisted to files.

mod common;

use common::*;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------------
// Abstract arguments
// ---------------------------------------------------------------------------------------------------

/// The kinds of records whose ids the generator can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
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

const KINDS: &[Kind] = &[
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
enum IdForm {
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
enum Arg {
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
    fn is_huge(&self) -> bool {
        matches!(self, Arg::Repeat(_, n) if *n > 1000)
    }
}

/// Who sends the request.
#[derive(Clone, Debug)]
enum ActorArg {
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
enum Input {
    Fields(Vec<(&'static str, Arg)>),
    /// `input` itself: null, missing, a string, a raw value...
    Whole(Arg),
}

#[derive(Clone, Debug)]
struct Case {
    actor: ActorArg,
    input: Input,
}

impl Case {
    fn huge_fields(&self) -> usize {
        match &self.input {
            Input::Fields(fields) => fields.iter().filter(|(_, a)| a.is_huge()).count(),
            Input::Whole(arg) => usize::from(arg.is_huge()),
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------------

/// Odd Unicode and hostile text.
const ODD_TEXT: &[&str] = &[
    "\u{200F}\u{202E}Mo\u{200E}hammed\u{202C}",
    "\u{202E}gnp.exe",
    "Zoe\u{0301}\u{0301}\u{0301}\u{0308}\u{0327}\u{0336}",
    "👩‍👩‍👧‍👦",
    "🏳️‍🌈 Rainbow",
    "\u{FEFF}Bom",
    "Non\u{FFFF}char",
    "\u{FFFE}",
    "\u{10FFFF}",
    "\u{E000}private",
    "𝕳𝖊𝖆𝖗𝖙𝖍",
    "ﷺ",
    "İstanbul",
    "STRASSE ß ẞ",
    "ǅungla",
    "Ⅻ",
    "\u{0}",
    "a\u{0}b",
    "\t\n\r",
    "Tab\there",
    "\u{7F}",
    "\u{85}Nel",
    "Line\u{2028}Para\u{2029}",
    "\u{1B}[31mred\u{1B}[0m",
    "\u{200B}",
    "\u{00A0}",
    " \u{3000} ",
    "' OR 1=1 --",
    "Robert'); DROP TABLE client;--",
    "%_\\",
    "<script>alert(1)</script>",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "../../etc/passwd",
    "null",
    "undefined",
    "NaN",
    "true",
    "0",
    "-1",
    "   ",
    "",
    "a@b.c",
    "@example.org",
    "ana@example",
    "ANA@EXAMPLE.ORG",
    "ana@@example.org",
    "ana @example.org",
    "ana@example.org\n",
    "İİİ@example.org",
    "ana@exämple.org",
    "ana+tag@sub.example.org",
];

/// Units that are repeated to reach length boundaries and huge sizes; some change length when
/// lower-cased ('İ' becomes two characters) or take several bytes.
const REPEAT_UNITS: &[&str] = &[
    "x", "é", "İ", "ẞ", "😀", "\u{0301}", "\u{0}", " ", "Ａ", "ǅ", "Σ",
];

const BOUNDARIES: &[usize] = &[99, 100, 101, 199, 200, 201, 300, 308, 319, 320, 321, 1000];

fn odd_text() -> BoxedStrategy<Arg> {
    prop_oneof![
        3 => any::<String>().prop_map(Arg::Text),
        2 => select(ODD_TEXT).prop_map(|s| Arg::Text(s.to_owned())),
        1 => "[\\x00-\\x1f\\x7f]{1,6}".prop_map(Arg::Text),
        1 => (select(ODD_TEXT), select(ODD_TEXT)).prop_map(|(a, b)| Arg::Text(format!("{a}{b}"))),
        2 => (select(REPEAT_UNITS), select(BOUNDARIES)).prop_map(|(u, n)| Arg::Repeat(u, n)),
        1 => select(REPEAT_UNITS).prop_map(|u| Arg::Repeat(u, 100_000)),
    ]
    .boxed()
}

/// Where something else was expected: numbers, booleans, lists and objects.
fn wrong_json() -> BoxedStrategy<Arg> {
    prop_oneof![
        any::<i64>().prop_map(|n| Arg::Json(json!(n))),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| Arg::Json(json!(f))),
        any::<bool>().prop_map(|b| Arg::Json(json!(b))),
        Just(Arg::Json(json!([]))),
        Just(Arg::Json(json!(["x", 1]))),
        Just(Arg::Json(json!({}))),
        Just(Arg::Json(json!({ "id": "x" }))),
        Just(Arg::Json(json!(u64::MAX))),
    ]
    .boxed()
}

const RAW: &[&[u8]] = &[
    br#""\ud800""#,
    br#""\udfff""#,
    br#""a\udc00b""#,
    br#""\ud800\ud800""#,
    br#""\udbff\udfff""#,
    b"\"\xff\xfe\"",
    b"\"\xc0\x80\"",
    b"\"\xed\xa0\x80\"",
    b"\"\xf4\x90\x80\x80\"",
    b"\"\x80\"",
    br#""\u0000""#,
    br#""\x41""#,
    b"1e400",
    b"-0",
    b"123456789012345678901234567890",
    b"NaN",
    b"\"unterminated",
];

fn raw() -> BoxedStrategy<Arg> {
    select(RAW).prop_map(Arg::Raw).boxed()
}

/// Anything hostile, whatever the field's type.
fn hostile() -> BoxedStrategy<Arg> {
    prop_oneof![
        4 => odd_text(),
        2 => wrong_json(),
        1 => raw(),
        1 => Just(Arg::Null),
        1 => Just(Arg::Missing),
    ]
    .boxed()
}

/// How a field's value is generated: something the server should accept (in a well-chosen
/// combination), or something hostile. Each field of a case is hostile one time in four, so that about
/// a third of the cases with three or four fields are entirely well-formed and successes happen.
struct Field {
    valid: BoxedStrategy<Arg>,
    hostile: BoxedStrategy<Arg>,
}

impl Field {
    fn strategy(self) -> BoxedStrategy<Arg> {
        prop_oneof![3 => self.valid, 1 => self.hostile].boxed()
    }

    /// May also be left out or null (an optional field).
    fn optional(self) -> Field {
        Field {
            valid: prop_oneof![3 => self.valid, 1 => Just(Arg::Missing), 1 => Just(Arg::Null)]
                .boxed(),
            hostile: self.hostile,
        }
    }
}

fn text(valid: impl Strategy<Value = String> + 'static) -> Field {
    Field {
        valid: valid.prop_map(Arg::Text).boxed(),
        hostile: hostile(),
    }
}

fn name() -> Field {
    text(prop_oneof![
        "[A-Z][a-z]{1,10}",
        " *[A-Z][a-z]{0,10} [A-Z][a-z]{1,10} *",
    ])
}

fn email() -> Field {
    text("[a-z]{1,6}(\\.[a-z]{1,6})?@[a-z]{1,8}\\.(org|test)")
}

fn id_of(kind: Kind) -> Field {
    let spelled = select(&[
        IdForm::Padded,
        IdForm::Upper,
        IdForm::Braced,
        IdForm::Simple,
        IdForm::Urn,
    ]);
    let broken = select(&[IdForm::Truncated, IdForm::TrailingNul]);
    Field {
        valid: prop_oneof![
            8 => any::<usize>().prop_map(move |i| Arg::Id(kind, i)),
            1 => (any::<usize>(), spelled).prop_map(move |(i, f)| Arg::IdAs(kind, i, f)),
        ]
        .boxed(),
        hostile: prop_oneof![
            3 => (select(KINDS), any::<usize>()).prop_map(|(k, i)| Arg::Id(k, i)),
            1 => (any::<usize>(), broken).prop_map(move |(i, f)| Arg::IdAs(kind, i, f)),
            2 => any::<u128>().prop_map(Arg::UnknownId),
            1 => select(&[
                "00000000-0000-0000-0000-000000000000",
                "ffffffff-ffff-ffff-ffff-ffffffffffff",
                "not-a-uuid",
                "0",
                "-1",
                "1; DROP TABLE client",
                "g0000000-0000-0000-0000-000000000000",
            ])
            .prop_map(|s| Arg::Text(s.to_owned())),
            3 => hostile(),
        ]
        .boxed(),
    }
}

/// Dates that the fixture's records make meaningful (CE entry, referral, intake, today), and others.
const ANCHOR_DATES: &[&str] = &[
    "2026-01-05",
    "2026-02-01",
    "2026-03-01",
    "2026-04-01",
    "2026-05-20",
    "2026-06-15",
    "2020-01-01",
    "1980-04-02",
];

const ODD_DATES: &[&str] = &[
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2025-02-29",
    "2024-02-29",
    "not a date",
    "",
    "2026-06-16",
    "2026-13-01",
    "2026-00-10",
    "1899-12-31",
    "1900-01-01",
    "1000-01-01",
    "0999-12-31",
    "+2026-06-01",
    "+002026-06-01",
    "-2026-06-01",
    "2026-6-1",
    "2026-06-15T00:00:00Z",
    "20260615",
    " 2026-06-15",
    "2026-06-15 ",
    "0000-00-00",
    "9999-99-99",
    "١٢٣٤-٠١-٠١",
    "2026‐06‐15",
    "２０２６-０６-１５",
];

fn date() -> Field {
    let today = date_of(TODAY);
    let days_back = move |range: std::ops::Range<i64>| {
        range.prop_map(move |back| {
            Arg::Text(
                (today - chrono::Duration::days(back))
                    .format("%Y-%m-%d")
                    .to_string(),
            )
        })
    };
    Field {
        valid: prop_oneof![
            4 => select(ANCHOR_DATES).prop_map(|d| Arg::Text(d.to_owned())),
            2 => days_back(0..200),
            1 => days_back(0..40_000),
        ]
        .boxed(),
        hostile: prop_oneof![
            3 => select(ODD_DATES).prop_map(|d| Arg::Text(d.to_owned())),
            1 => days_back(-4000..0),
            2 => hostile(),
        ]
        .boxed(),
    }
}

fn date_time() -> Field {
    Field {
        valid: prop_oneof![
            3 => Just(Arg::Missing),
            1 => Just(Arg::Null),
            2 => select(&[
                "2030-01-01T00:00:00Z",
                "2099-12-31T23:59:59+14:00",
                "9999-12-31T23:59:59Z",
                "2262-04-11T23:47:16.854775807Z",
                "2262-04-12T00:00:00Z",
                "2030-01-01T00:00:00.123456789Z",
            ])
            .prop_map(|d| Arg::Text(d.to_owned())),
        ]
        .boxed(),
        hostile: prop_oneof![
            3 => select(&[
                "2000-01-01T00:00:00Z",
                "0001-01-01T00:00:00Z",
                "1970-01-01T00:00:00Z",
                "+10000-01-01T00:00:00Z",
                "+262143-12-31T23:59:59Z",
                "2030-02-30T00:00:00Z",
                "2030-01-01T24:00:00Z",
                "2030-01-01T23:59:60Z",
                "2030-01-01",
                "2030-01-01T00:00:00",
                "2030-01-01 00:00:00Z",
                "2030-01-01T00:00:00.123456789123Z",
                "2030-01-01T00:00:00+24:00",
            ])
            .prop_map(|d| Arg::Text(d.to_owned())),
            2 => hostile(),
        ]
        .boxed(),
    }
}

fn enumeration(values: &'static [&'static str]) -> Field {
    Field {
        valid: select(values).prop_map(|v| Arg::Text(v.to_owned())).boxed(),
        hostile: prop_oneof![
            1 => select(values).prop_map(|v| Arg::Text(v.to_lowercase())),
            1 => select(values).prop_map(|v| Arg::Text(format!(" {v}"))),
            1 => select(&["ADMIN", "PENDING", "SUCCESSFUL", "PSH", "", "REFERRAL_TO_PSH"])
                .prop_map(|v| Arg::Text(v.to_owned())),
            1 => (0i64..20).prop_map(|n| Arg::Json(json!(n))),
            3 => hostile(),
        ]
        .boxed(),
    }
}

fn boolean() -> Field {
    Field {
        valid: prop_oneof![
            4 => any::<bool>().prop_map(|b| Arg::Json(json!(b))),
            2 => Just(Arg::Missing),
            1 => Just(Arg::Null),
        ]
        .boxed(),
        hostile: prop_oneof![
            1 => select(&["true", "false", "yes", ""]).prop_map(|s| Arg::Text(s.to_owned())),
            1 => select(&[0, 1, 2]).prop_map(|n| Arg::Json(json!(n))),
            2 => hostile(),
        ]
        .boxed(),
    }
}

const DESTINATIONS: &[i64] = &[101, 116, 215, 314, 410, 435, 8, 9, 17, 24, 30, 37, 99];

fn destination() -> Field {
    Field {
        valid: prop_oneof![
            1 => Just(Arg::Missing),
            2 => select(DESTINATIONS).prop_map(|n| Arg::Json(json!(n))),
        ]
        .boxed(),
        hostile: prop_oneof![
            2 => any::<i64>().prop_map(|n| Arg::Json(json!(n))),
            1 => select(vec![
                json!(0), json!(-1), json!(2147483647), json!(2147483648_i64),
                json!(-2147483649_i64), json!(1.5), json!(101.0), json!("101"), json!(1e300),
            ])
            .prop_map(Arg::Json),
            2 => hostile(),
        ]
        .boxed(),
    }
}

/// For `resultingEnrollmentId`: mostly the enrollment that fits the chosen referral.
fn resulting_enrollment() -> Field {
    let housing = id_of(Kind::HousingEnrollment);
    Field {
        valid: prop_oneof![
            6 => any::<usize>().prop_map(Arg::Fitting),
            2 => Just(Arg::Paired),
            1 => housing.valid,
            1 => Just(Arg::Missing),
        ]
        .boxed(),
        hostile: housing.hostile,
    }
}

fn actor(weights: [u32; 4]) -> BoxedStrategy<ActorArg> {
    let [admin, plm, staff_a, staff_b] = weights;
    prop_oneof![
        6 => Just(ActorArg::Fitting),
        admin => Just(ActorArg::Admin),
        plm => Just(ActorArg::Plm),
        staff_a => Just(ActorArg::StaffA),
        staff_b => Just(ActorArg::StaffB),
        1 => Just(ActorArg::Anonymous),
        1 => "[!-~]{0,60}".prop_map(ActorArg::BadToken),
        1 => any::<usize>().prop_map(ActorArg::Spare),
        1 => prop_oneof![Just(String::new()), Just(Uuid::nil().to_string()), "[!-~]{1,40}"]
            .prop_map(ActorArg::AdminAs),
        1 => Just(ActorArg::StaffAAsB),
    ]
    .boxed()
}

/// The input object: its fields, sometimes with an unknown one; sometimes not an object at all.
fn input(fields: Vec<(&'static str, Field)>) -> BoxedStrategy<Input> {
    let mut clean: BoxedStrategy<Vec<(&'static str, Arg)>> = Just(Vec::new()).boxed();
    let mut mixed = clean.clone();
    for (field, strategy) in fields {
        let push = move |(mut so_far, arg): (Vec<(&'static str, Arg)>, Arg)| {
            so_far.push((field, arg));
            so_far
        };
        clean = (clean, strategy.valid.clone()).prop_map(push).boxed();
        mixed = (mixed, strategy.strategy()).prop_map(push).boxed();
    }
    let with_extra = (mixed.clone(), hostile()).prop_map(|(mut fields, arg)| {
        fields.push(("unknownField", arg));
        fields
    });
    prop_oneof![
        8 => clean.prop_map(Input::Fields),
        10 => mixed.prop_map(Input::Fields),
        1 => with_extra.prop_map(Input::Fields),
        2 => hostile().prop_map(Input::Whole),
    ]
    .boxed()
}

fn case(weights: [u32; 4], fields: Vec<(&'static str, Field)>) -> BoxedStrategy<Case> {
    (actor(weights), input(fields))
        .prop_map(|(actor, input)| Case { actor, input })
        // One 100 000-character string per request keeps the body under the 1 MiB limit.
        .prop_filter("at most one huge field", |case| case.huge_fields() <= 1)
        .boxed()
}

const PROJECT_TYPES: &[&str] = &[
    "ES_ENTRY_EXIT",
    "ES_NIGHT_BY_NIGHT",
    "TRANSITIONAL_HOUSING",
    "PH_PERMANENT_SUPPORTIVE_HOUSING",
    "STREET_OUTREACH",
    "SERVICES_ONLY",
    "OTHER",
    "SAFE_HAVEN",
    "PH_HOUSING_ONLY",
    "PH_HOUSING_WITH_SERVICES",
    "DAY_SHELTER",
    "HOMELESSNESS_PREVENTION",
    "PH_RAPID_RE_HOUSING",
    "COORDINATED_ENTRY",
];
const PERMANENT_HOUSING: &[&str] = &[
    "PH_PERMANENT_SUPPORTIVE_HOUSING",
    "PH_HOUSING_ONLY",
    "PH_HOUSING_WITH_SERVICES",
    "PH_RAPID_RE_HOUSING",
];
const ROLES: &[&str] = &["ADMIN", "PRIORITY_LIST_MANAGER", "HOUSING_STAFF"];
const CE_EVENT_TYPES: &[&str] = &[
    "REFERRAL_TO_PREVENTION_ASSISTANCE",
    "PROBLEM_SOLVING_DIVERSION_RAPID_RESOLUTION",
    "REFERRAL_TO_CE_CRISIS_NEEDS_ASSESSMENT",
    "REFERRAL_TO_CE_HOUSING_NEEDS_ASSESSMENT",
    "REFERRAL_TO_POST_PLACEMENT_CASE_MANAGEMENT",
    "REFERRAL_TO_STREET_OUTREACH",
    "REFERRAL_TO_HOUSING_NAVIGATION",
    "REFERRAL_TO_NON_CONTINUUM_INELIGIBLE",
    "REFERRAL_TO_NON_CONTINUUM_NO_AVAILABILITY",
    "REFERRAL_TO_EMERGENCY_SHELTER",
    "REFERRAL_TO_TRANSITIONAL_HOUSING",
    "REFERRAL_TO_JOINT_TH_RRH",
    "REFERRAL_TO_RRH",
    "REFERRAL_TO_PSH",
    "REFERRAL_TO_OTHER_PH",
    "REFERRAL_TO_EMERGENCY_ASSISTANCE",
    "REFERRAL_TO_EMERGENCY_HOUSING_VOUCHER",
    "REFERRAL_TO_HOUSING_STABILITY_VOUCHER",
];
/// HUD 4.20.2 codes 10-15, 17, 18: the event types that carry a referral result.
const REFERRAL_TYPES: &[&str] = &[
    "REFERRAL_TO_EMERGENCY_SHELTER",
    "REFERRAL_TO_TRANSITIONAL_HOUSING",
    "REFERRAL_TO_JOINT_TH_RRH",
    "REFERRAL_TO_RRH",
    "REFERRAL_TO_PSH",
    "REFERRAL_TO_OTHER_PH",
    "REFERRAL_TO_EMERGENCY_HOUSING_VOUCHER",
    "REFERRAL_TO_HOUSING_STABILITY_VOUCHER",
];
const RESULTS: &[&str] = &[
    "SUCCESSFUL_CLIENT_ACCEPTED",
    "UNSUCCESSFUL_CLIENT_REJECTED",
    "UNSUCCESSFUL_PROVIDER_REJECTED",
];

// ---------------------------------------------------------------------------------------------------
// The mutations
// ---------------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mutation {
    CreateOrganization,
    CreateProject,
    CreateUser,
    GrantRole,
    CreateApiToken,
    RevokeApiToken,
    CreateClient,
    CreateEnrollment,
    RecordMoveIn,
    ExitEnrollment,
    CreateCeEvent,
    ResolveReferral,
}

impl Mutation {
    /// The field, its input type and the selection asked for.
    fn spec(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Mutation::CreateOrganization => (
                "createOrganization",
                "CreateOrganizationInput",
                "id name victimServiceProvider",
            ),
            Mutation::CreateProject => (
                "createProject",
                "CreateProjectInput",
                "id name projectType operatingStartDate operatingEndDate organization { id }",
            ),
            Mutation::CreateUser => ("createUser", "CreateUserInput", "id email name"),
            Mutation::GrantRole => ("grantRole", "GrantRoleInput", "role organization { id }"),
            Mutation::CreateApiToken => (
                "createApiToken",
                "CreateApiTokenInput",
                "token apiToken { id label expiresAt revokedAt }",
            ),
            Mutation::RevokeApiToken => ("revokeApiToken", "RevokeApiTokenInput", "id revokedAt"),
            Mutation::CreateClient => (
                "createClient",
                "CreateClientInput",
                "id firstName lastName dateOfBirth",
            ),
            Mutation::CreateEnrollment => (
                "createEnrollment",
                "CreateEnrollmentInput",
                "id entryDate project { id projectType } client { id }",
            ),
            Mutation::RecordMoveIn => ("recordMoveIn", "RecordMoveInInput", "id moveInDate"),
            Mutation::ExitEnrollment => ("exitEnrollment", "ExitEnrollmentInput", "id exitDate"),
            Mutation::CreateCeEvent => (
                "createCeEvent",
                "CreateCeEventInput",
                "id status eventType eventDate referredProject { id }",
            ),
            Mutation::ResolveReferral => (
                "resolveReferral",
                "ResolveReferralInput",
                "id status referralResult resultDate resultingEnrollment { id entryDate }",
            ),
        }
    }

    fn field(self) -> &'static str {
        self.spec().0
    }

    fn document(self) -> String {
        let (field, input_type, selection) = self.spec();
        format!("mutation($input: {input_type}!) {{ {field}(input: $input) {{ {selection} }} }}")
    }

    /// Random and hostile cases for this mutation; weights pick ADMIN, PLM, staff A, staff B.
    fn cases(self) -> BoxedStrategy<Case> {
        match self {
            Mutation::CreateOrganization => case(
                [8, 1, 1, 1],
                vec![("name", name()), ("victimServiceProvider", boolean())],
            ),
            Mutation::CreateProject => case(
                [8, 1, 1, 1],
                vec![
                    ("organizationId", id_of(Kind::Org)),
                    ("name", name()),
                    ("projectType", enumeration(PROJECT_TYPES)),
                    ("operatingStartDate", date()),
                    ("operatingEndDate", date().optional()),
                ],
            ),
            Mutation::CreateUser => case([8, 1, 1, 1], vec![("email", email()), ("name", name())]),
            Mutation::GrantRole => case(
                [8, 1, 1, 1],
                vec![
                    ("userId", id_of(Kind::User)),
                    ("organizationId", id_of(Kind::Org)),
                    ("role", enumeration(ROLES)),
                ],
            ),
            Mutation::CreateApiToken => case(
                [8, 1, 1, 1],
                vec![
                    ("userId", id_of(Kind::User)),
                    ("label", name()),
                    ("expiresAt", date_time()),
                ],
            ),
            Mutation::RevokeApiToken => case([6, 2, 2, 1], vec![("id", id_of(Kind::Token))]),
            Mutation::CreateClient => case(
                [3, 4, 3, 2],
                vec![
                    ("firstName", name()),
                    ("lastName", name()),
                    ("dateOfBirth", date().optional()),
                ],
            ),
            Mutation::CreateEnrollment => case(
                [3, 3, 4, 3],
                vec![
                    ("clientId", id_of(Kind::Client)),
                    ("projectId", id_of(Kind::Project)),
                    ("entryDate", date()),
                ],
            ),
            Mutation::RecordMoveIn => case(
                [4, 1, 4, 3],
                vec![
                    ("enrollmentId", id_of(Kind::HousingEnrollment)),
                    ("moveInDate", date()),
                ],
            ),
            Mutation::ExitEnrollment => case(
                [4, 2, 4, 3],
                vec![
                    (
                        "enrollmentId",
                        Field {
                            valid: prop_oneof![
                                3 => id_of(Kind::HousingEnrollment).valid,
                                1 => id_of(Kind::CeEnrollment).valid,
                            ]
                            .boxed(),
                            hostile: id_of(Kind::HousingEnrollment).hostile,
                        },
                    ),
                    ("exitDate", date()),
                    ("destination", destination()),
                ],
            ),
            Mutation::CreateCeEvent => case(
                [4, 6, 1, 1],
                vec![
                    ("enrollmentId", id_of(Kind::CeEnrollment)),
                    ("eventDate", date()),
                    (
                        "eventType",
                        Field {
                            valid: prop_oneof![
                                1 => enumeration(CE_EVENT_TYPES).valid,
                                1 => select(REFERRAL_TYPES).prop_map(|t| Arg::Text(t.to_owned())),
                            ]
                            .boxed(),
                            hostile: enumeration(CE_EVENT_TYPES).hostile,
                        },
                    ),
                    (
                        "referredProjectId",
                        Field {
                            valid: prop_oneof![
                                4 => any::<usize>().prop_map(Arg::Fitting),
                                1 => id_of(Kind::Project).valid,
                                1 => Just(Arg::Missing),
                            ]
                            .boxed(),
                            hostile: id_of(Kind::Project).hostile,
                        },
                    ),
                ],
            ),
            Mutation::ResolveReferral => case(
                [5, 1, 4, 3],
                vec![
                    ("ceEventId", id_of(Kind::Referral)),
                    ("referralResult", enumeration(RESULTS)),
                    (
                        "resultDate",
                        Field {
                            valid: prop_oneof![
                                3 => any::<usize>().prop_map(Arg::Fitting),
                                1 => date().valid,
                                1 => Just(Arg::Missing),
                            ]
                            .boxed(),
                            hostile: date().hostile,
                        },
                    ),
                    ("resultingEnrollmentId", resulting_enrollment()),
                ],
            ),
        }
    }
}

/// The project types a referral of `event_type` may name (HUD 4.20.C): `None` when it takes no
/// project, empty when any housing project will do (types 17 and 18).
fn fitting_project_types(event_type: &str) -> Option<&'static [&'static str]> {
    Some(match event_type {
        "REFERRAL_TO_EMERGENCY_SHELTER" => &["ES_ENTRY_EXIT", "ES_NIGHT_BY_NIGHT", "SAFE_HAVEN"],
        "REFERRAL_TO_TRANSITIONAL_HOUSING" => &["TRANSITIONAL_HOUSING"],
        "REFERRAL_TO_JOINT_TH_RRH" => &["TRANSITIONAL_HOUSING", "PH_RAPID_RE_HOUSING"],
        "REFERRAL_TO_RRH" => &["PH_RAPID_RE_HOUSING"],
        "REFERRAL_TO_PSH" => &["PH_PERMANENT_SUPPORTIVE_HOUSING"],
        "REFERRAL_TO_OTHER_PH" => &["PH_HOUSING_ONLY", "PH_HOUSING_WITH_SERVICES"],
        // Rule D2: 4.20.C is for 10-15 only; 17 is refused whatever it names (D1).
        _ => return None,
    })
}

fn date_of(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}

// ---------------------------------------------------------------------------------------------------
// The world: a community on a real server, the ids the generator can name, the last snapshot
// ---------------------------------------------------------------------------------------------------

struct World {
    community: Community,
    http: reqwest::Client,
    pools: BTreeMap<Kind, Vec<String>>,
    /// Token id -> the token itself, for the spare tokens and those made by `createApiToken`.
    token_secrets: HashMap<String, String>,
    snapshot: Snapshot,
    /// Cases that ran, and how many succeeded, per outcome, for the summary.
    outcomes: BTreeMap<String, usize>,
}

impl World {
    async fn new() -> World {
        let community = Community::new().await;
        let admin = community.admin();
        let mut pools: BTreeMap<Kind, Vec<String>> = BTreeMap::new();
        let mut token_secrets = HashMap::new();
        pools.insert(
            Kind::Org,
            vec![
                community.ce_org.clone(),
                community.housing_a.clone(),
                community.housing_b.clone(),
            ],
        );
        pools.insert(
            Kind::Project,
            vec![
                community.ce_project.clone(),
                community.psh_a.clone(),
                community.rrh_a.clone(),
                community.psh_b.clone(),
                community.es_b.clone(),
            ],
        );
        // Spare users (one without any membership) with spare tokens; the acting users are in the
        // pool too, but never the ADMIN, so that the checks as ADMIN keep working.
        let mut users = Vec::new();
        for (i, org) in [Some(&community.housing_a), None].into_iter().enumerate() {
            let data = admin
                .ok(
                    "mutation($email: String!) { createUser(input: {email: $email, name: \"Spare\"}) { id } }",
                    json!({ "email": format!("spare{i}@prop.test") }),
                )
                .await;
            let user = id(&data["createUser"]);
            if let Some(org) = org {
                grant_role(&admin, &user, org, "HOUSING_STAFF").await;
            }
            for _ in 0..2 {
                let data = admin
                    .ok(
                        "mutation($user: ID!) { createApiToken(input: {userId: $user, label: \"spare\"}) { token apiToken { id } } }",
                        json!({ "user": user }),
                    )
                    .await;
                let token = &data["createApiToken"];
                let token_id = token["apiToken"]["id"].as_str().expect("id").to_owned();
                token_secrets.insert(
                    token_id.clone(),
                    token["token"].as_str().expect("token").to_owned(),
                );
                pools.entry(Kind::Token).or_default().push(token_id);
            }
            users.push(user);
        }
        for who in [&community.plm, &community.staff_a, &community.staff_b] {
            users.push(user_id(who).await);
        }
        pools.insert(Kind::User, users);

        // Clients in CE, each referred to one housing project and enrolled there (ready to be
        // resolved successfully), plus an event that is not a referral.
        let referred = [
            ("REFERRAL_TO_PSH", &community.psh_a, &community.staff_a),
            ("REFERRAL_TO_RRH", &community.rrh_a, &community.staff_a),
            ("REFERRAL_TO_PSH", &community.psh_b, &community.staff_b),
            (
                "REFERRAL_TO_EMERGENCY_SHELTER",
                &community.es_b,
                &community.staff_b,
            ),
        ];
        // Eight clients, two referred to each project.
        for (i, (event_type, project, staff)) in referred.iter().chain(&referred).enumerate() {
            let (client, ce_enrollment) = community
                .client_in_ce("Prop", &format!("Client{i}"), "2026-01-05")
                .await;
            let event = create_ce_event(
                &community.plm,
                &ce_enrollment,
                "2026-03-01",
                event_type,
                Some(project),
            )
            .await;
            let other = create_ce_event(
                &community.plm,
                &ce_enrollment,
                "2026-02-01",
                "PROBLEM_SOLVING_DIVERSION_RAPID_RESOLUTION",
                None,
            )
            .await;
            let housing = create_enrollment(staff, &client, project, "2026-04-01").await;
            pools.entry(Kind::Client).or_default().push(client);
            pools
                .entry(Kind::CeEnrollment)
                .or_default()
                .push(ce_enrollment);
            pools.entry(Kind::Referral).or_default().push(event);
            pools.entry(Kind::CeEvent).or_default().push(other);
            pools
                .entry(Kind::HousingEnrollment)
                .or_default()
                .push(housing);
        }

        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("http client");
        let mut world = World {
            community,
            http,
            pools,
            token_secrets,
            snapshot: Snapshot::default(),
            outcomes: BTreeMap::new(),
        };
        world.snapshot = world.snapshot().await.expect("the fixture's snapshot");
        check_invariants(&world.snapshot).expect("the fixture is consistent");
        world
    }

    fn pool_id(&self, kind: Kind, index: usize) -> String {
        match self.pools.get(&kind).filter(|p| !p.is_empty()) {
            Some(pool) => pool[index % pool.len()].clone(),
            None => Uuid::from_u128(index as u128).to_string(),
        }
    }

    /// An enrollment that would resolve `referral` successfully: same client, in the referred project,
    /// starting on or after the event, resolving nothing yet.
    fn paired_enrollment(&self, referral: &str) -> Option<String> {
        let event = self.snapshot.events.get(referral)?;
        let used: HashSet<&str> = self
            .snapshot
            .events
            .values()
            .filter_map(|e| e["resultingEnrollment"]["id"].as_str())
            .collect();
        let client = event["client"]["id"].as_str()?;
        let project = event["referredProject"]["id"].as_str()?;
        self.snapshot
            .enrollments
            .values()
            .filter(|e| e["client"]["id"] == client && e["project"]["id"] == project)
            .filter(|e| e["entryDate"].as_str() >= event["eventDate"].as_str())
            .filter(|e| !used.contains(e["id"].as_str().unwrap_or("")))
            .find_map(|e| e["id"].as_str().map(str::to_owned))
    }

    /// The request's headers: the token and the organization acted as.
    fn credentials(
        &self,
        mutation: Mutation,
        actor: &ActorArg,
        input: &Map<String, Value>,
    ) -> (Option<String>, Option<String>) {
        let c = &self.community;
        let token = |gql: &Gql| gql.token.clone();
        match actor {
            ActorArg::Fitting => {
                let organization = self.fitting_organization(mutation, input);
                let who = if organization.as_deref() == Some(c.ce_org.as_str()) {
                    &c.plm
                } else if organization.as_deref() == Some(c.housing_a.as_str()) {
                    &c.staff_a
                } else if organization.as_deref() == Some(c.housing_b.as_str()) {
                    &c.staff_b
                } else {
                    return (Some(c.server.admin_token.clone()), None);
                };
                (token(who), None)
            }
            ActorArg::Admin => (Some(c.server.admin_token.clone()), None),
            ActorArg::Plm => (token(&c.plm), None),
            ActorArg::StaffA => (token(&c.staff_a), None),
            ActorArg::StaffB => (token(&c.staff_b), None),
            ActorArg::Anonymous => (None, None),
            ActorArg::BadToken(t) => (Some(t.clone()), None),
            ActorArg::Spare(i) => {
                let id = self.pool_id(Kind::Token, *i);
                (self.token_secrets.get(&id).cloned(), None)
            }
            ActorArg::AdminAs(org) => (Some(c.server.admin_token.clone()), Some(org.clone())),
            ActorArg::StaffAAsB => (token(&c.staff_a), Some(c.housing_b.clone())),
        }
    }

    /// The organization whose staff the workflow expects to make this change.
    fn fitting_organization(
        &self,
        mutation: Mutation,
        input: &Map<String, Value>,
    ) -> Option<String> {
        let field = |name: &str| input.get(name).and_then(Value::as_str).map(str::trim);
        let project_org = |project: &str| -> Option<String> {
            self.snapshot.projects.get(project)?["organization"]["id"]
                .as_str()
                .map(str::to_owned)
        };
        match mutation {
            Mutation::CreateClient | Mutation::CreateCeEvent => Some(self.community.ce_org.clone()),
            Mutation::CreateEnrollment => project_org(field("projectId")?),
            Mutation::RecordMoveIn | Mutation::ExitEnrollment => {
                let enrollment = self.snapshot.enrollments.get(field("enrollmentId")?)?;
                project_org(enrollment["project"]["id"].as_str()?)
            }
            Mutation::ResolveReferral => {
                let event = self.snapshot.events.get(field("ceEventId")?)?;
                project_org(event["referredProject"]["id"].as_str()?)
            }
            _ => None,
        }
    }

    /// The request body (JSON with the raw pieces spliced in) and the input object as resolved.
    fn body(&self, mutation: Mutation, input: &Input) -> (Vec<u8>, Map<String, Value>) {
        let mut raws: Vec<&'static [u8]> = Vec::new();
        let mut resolve = |field: &str, arg: &Arg, so_far: &Map<String, Value>| -> Option<Value> {
            let chosen = |name: &str| so_far.get(name).and_then(Value::as_str).map(str::to_owned);
            Some(match arg {
                Arg::Missing => return None,
                Arg::Null => Value::Null,
                Arg::Json(v) => v.clone(),
                Arg::Text(t) => Value::String(t.clone()),
                Arg::Repeat(unit, times) => Value::String(unit.repeat(*times)),
                Arg::Id(kind, i) => Value::String(self.pool_id(*kind, *i)),
                Arg::IdAs(kind, i, form) => {
                    let id = self.pool_id(*kind, *i);
                    let uuid = Uuid::parse_str(&id).unwrap_or_default();
                    Value::String(match form {
                        IdForm::Padded => format!("  {id}\t"),
                        IdForm::Upper => id.to_uppercase(),
                        IdForm::Braced => format!("{{{id}}}"),
                        IdForm::Simple => uuid.simple().to_string(),
                        IdForm::Urn => uuid.urn().to_string(),
                        IdForm::Truncated => id[..id.len() - 1].to_owned(),
                        IdForm::TrailingNul => format!("{id}\u{0}"),
                    })
                }
                Arg::UnknownId(n) => Value::String(Uuid::from_u128(*n).to_string()),
                Arg::Paired => Value::String(
                    chosen("ceEventId")
                        .and_then(|event| self.paired_enrollment(&event))
                        .unwrap_or_else(|| self.pool_id(Kind::HousingEnrollment, 0)),
                ),
                Arg::Fitting(i) => return self.fitting(field, *i, so_far),
                Arg::Raw(bytes) => {
                    raws.push(bytes);
                    Value::String(format!("\u{E000}RAW{}\u{E000}", raws.len() - 1))
                }
            })
        };
        let mut variables = Map::new();
        match input {
            Input::Whole(arg) => {
                if let Some(value) = resolve("input", arg, &Map::new()) {
                    variables.insert("input".to_owned(), value);
                }
            }
            Input::Fields(fields) => {
                let mut object = Map::new();
                for (field, arg) in fields {
                    if let Some(value) = resolve(field, arg, &object) {
                        object.insert((*field).to_owned(), value);
                    }
                }
                variables.insert("input".to_owned(), Value::Object(object));
            }
        }
        let body = json!({ "query": mutation.document(), "variables": variables });
        let mut bytes = serde_json::to_vec(&body).expect("serialize");
        for (i, raw) in raws.iter().enumerate() {
            let placeholder = format!("\"\u{E000}RAW{i}\u{E000}\"").into_bytes();
            if let Some(at) = find(&bytes, &placeholder) {
                bytes.splice(at..at + placeholder.len(), raw.iter().copied());
            }
        }
        let object = match variables.get("input") {
            Some(Value::Object(object)) => object.clone(),
            _ => Map::new(),
        };
        (bytes, object)
    }

    /// A value for `field` that fits the fields chosen before it, `None` to leave it out.
    fn fitting(&self, field: &str, i: usize, so_far: &Map<String, Value>) -> Option<Value> {
        let chosen = |name: &str| so_far.get(name).and_then(Value::as_str).map(str::trim);
        let successful = chosen("referralResult") == Some("SUCCESSFUL_CLIENT_ACCEPTED");
        match field {
            // A project whose type fits the event type; none for types that take none.
            "referredProjectId" => {
                let fitting = fitting_project_types(chosen("eventType").unwrap_or(""))?;
                let projects: Vec<&String> = self
                    .snapshot
                    .projects
                    .iter()
                    .filter(|(_, p)| {
                        let t = p["projectType"].as_str().unwrap_or("");
                        t != "COORDINATED_ENTRY" && (fitting.is_empty() || fitting.contains(&t))
                    })
                    .map(|(id, _)| id)
                    .collect();
                Some(Value::String(match projects.len() {
                    0 => self.pool_id(Kind::Project, i),
                    n => projects[i % n].clone(),
                }))
            }
            // The enrollment that fits a successful resolution; none for an unsuccessful one.
            "resultingEnrollmentId" => successful.then(|| {
                Value::String(
                    chosen("ceEventId")
                        .and_then(|event| self.paired_enrollment(event))
                        .unwrap_or_else(|| self.pool_id(Kind::HousingEnrollment, i)),
                )
            }),
            // Left out when successful (it defaults); else a day from the event to today.
            "resultDate" => {
                if successful {
                    return None;
                }
                let event_date = chosen("ceEventId")
                    .and_then(|event| self.snapshot.events.get(event))
                    .and_then(|event| event["eventDate"].as_str())
                    .map(date_of)
                    .unwrap_or_else(|| date_of("2026-03-01"));
                let span = (date_of(TODAY) - event_date).num_days().max(0) as usize;
                let day = event_date + chrono::Duration::days((i % (span + 1)) as i64);
                Some(Value::String(day.format("%Y-%m-%d").to_string()))
            }
            _ => Some(Value::String(self.pool_id(Kind::Project, i))),
        }
    }

    /// POSTs `body` and classifies the answer.
    async fn send(
        &self,
        body: Vec<u8>,
        token: Option<&str>,
        organization: Option<&str>,
    ) -> Result<(u16, Value), String> {
        let mut request = self
            .http
            .post(self.community.server.url("/graphql"))
            .header("Content-Type", "application/json")
            .body(body);
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        if let Some(org) = organization {
            request = request.header("X-Organization-Id", org);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("no answer (dropped connection or server panic?): {e:?}"))?;
        let status = response.status().as_u16();
        let text = response
            .text()
            .await
            .map_err(|e| format!("the answer's body broke off: {e:?}"))?;
        let body: Value = serde_json::from_str(&text)
            .map_err(|_| format!("HTTP {status} with a body that is not JSON: {text:.300}"))?;
        Ok((status, body))
    }

    /// Runs one case and checks the answer and the state after it.
    async fn check(&mut self, mutation: Mutation, case: Case) -> Result<(), String> {
        let (body, object) = self.body(mutation, &case.input);
        let (token, organization) = self.credentials(mutation, &case.actor, &object);
        let (status, reply) = self
            .send(body.clone(), token.as_deref(), organization.as_deref())
            .await?;
        let request_text = String::from_utf8_lossy(&body).into_owned();
        let answer_text = reply.to_string();
        let context = || {
            format!(
                "\n  actor: {:?}\n  request: {:.600}\n  answer (HTTP {status}): {:.1500}",
                case.actor, request_text, answer_text
            )
        };
        let outcome = classify(mutation, status, &reply, &request_text)
            .map_err(|problem| format!("{problem}{}", context()))?;
        if std::env::var_os("PROPERTIES_TRACE").is_some() {
            eprintln!(
                "{}: {:?} {:.300} -> {:.300}",
                mutation.field(),
                case.actor,
                request_text.split("\"variables\":").nth(1).unwrap_or(""),
                answer_text
            );
        }

        let after = self
            .snapshot()
            .await
            .map_err(|problem| format!("reading the state back failed: {problem}{}", context()))?;
        check_invariants(&after).map_err(|problem| {
            format!("invariant broken after the case: {problem}{}", context())
        })?;
        let before = std::mem::replace(&mut self.snapshot, after);
        let after = &self.snapshot;
        match &outcome {
            Outcome::Refused(code) => {
                *self.outcomes.entry(format!("refused {code}")).or_default() += 1;
                if *after != before {
                    return Err(format!(
                        "a refused mutation ({code}) changed the data: {}{}",
                        before.difference(after),
                        context()
                    ));
                }
            }
            Outcome::Done(data) => {
                *self.outcomes.entry("success".to_owned()).or_default() += 1;
                self.after_success(mutation, &case, data, &before)
                    .await
                    .map_err(|problem| format!("after a success: {problem}{}", context()))?;
            }
        }
        Ok(())
    }

    /// Checks what a successful mutation changed, and adds what it made to the pools.
    async fn after_success(
        &mut self,
        mutation: Mutation,
        case: &Case,
        data: &Value,
        before: &Snapshot,
    ) -> Result<(), String> {
        let after = &self.snapshot;
        let mut expected = before.counts.clone();
        let new_id = data["id"].as_str().map(str::to_owned);
        let arg_text = |field: &str| -> Option<String> {
            let Input::Fields(fields) = &case.input else {
                return None;
            };
            fields
                .iter()
                .find(|(f, _)| *f == field)
                .and_then(|(_, a)| match a {
                    Arg::Text(t) => Some(t.clone()),
                    Arg::Repeat(u, n) => Some(u.repeat(*n)),
                    _ => None,
                })
        };
        match mutation {
            Mutation::CreateOrganization => {
                expected.organizations += 1;
                clean_text(&data["name"], 200)?;
                self.pools
                    .entry(Kind::Org)
                    .or_default()
                    .push(new_id.ok_or("no id")?);
            }
            Mutation::CreateProject => {
                expected.projects += 1;
                clean_text(&data["name"], 200)?;
                self.pools
                    .entry(Kind::Project)
                    .or_default()
                    .push(new_id.ok_or("no id")?);
            }
            Mutation::CreateUser => {
                clean_text(&data["name"], 200)?;
                let email = data["email"].as_str().ok_or("no email")?;
                if email != email.trim().to_lowercase() || email.chars().count() > 320 {
                    return Err(format!(
                        "stored email {email:?} is not trimmed and lower-cased"
                    ));
                }
                self.pools
                    .entry(Kind::User)
                    .or_default()
                    .push(new_id.ok_or("no id")?);
            }
            Mutation::GrantRole => {
                if let Some(role) = arg_text("role")
                    && data["role"] != role.as_str()
                {
                    return Err(format!(
                        "granted {role} but the membership says {}",
                        data["role"]
                    ));
                }
            }
            Mutation::CreateApiToken => {
                let token = data["token"].as_str().ok_or("no token")?.to_owned();
                let token_id = data["apiToken"]["id"]
                    .as_str()
                    .ok_or("no token id")?
                    .to_owned();
                // The new token signs in as the user it was made for.
                let me = self
                    .community
                    .server
                    .as_user(&token, None)
                    .run("{ me { user { id } } }", json!({}))
                    .await;
                let expected_user =
                    match &case.input {
                        Input::Fields(fields) => fields
                            .iter()
                            .find(|(f, _)| *f == "userId")
                            .and_then(|(_, a)| match a {
                                Arg::Id(k, i) | Arg::IdAs(k, i, _) => Some(self.pool_id(*k, *i)),
                                _ => None,
                            }),
                        Input::Whole(_) => None,
                    };
                if let Some(user) = expected_user
                    && me.body["data"]["me"]["user"]["id"] != user.as_str()
                {
                    return Err(format!(
                        "the new token does not sign in as {user}: {}",
                        me.body
                    ));
                }
                self.token_secrets.insert(token_id.clone(), token);
                self.pools.entry(Kind::Token).or_default().push(token_id);
            }
            Mutation::RevokeApiToken => {
                if data["revokedAt"].is_null() {
                    return Err("revoked token has no revokedAt".into());
                }
                let token_id = data["id"].as_str().ok_or("no id")?;
                if let Some(secret) = self.token_secrets.get(token_id) {
                    let me = self
                        .community
                        .server
                        .as_user(secret, None)
                        .run("{ me { user { id } } }", json!({}))
                        .await;
                    if me.body["errors"][0]["extensions"]["code"] != "UNAUTHENTICATED" {
                        return Err(format!("a revoked token still signs in: {}", me.body));
                    }
                }
            }
            Mutation::CreateClient => {
                expected.clients += 1;
                clean_text(&data["firstName"], 100)?;
                clean_text(&data["lastName"], 100)?;
                self.pools
                    .entry(Kind::Client)
                    .or_default()
                    .push(new_id.ok_or("no id")?);
            }
            Mutation::CreateEnrollment => {
                expected.enrollments += 1;
                let kind = if data["project"]["projectType"] == "COORDINATED_ENTRY" {
                    Kind::CeEnrollment
                } else {
                    Kind::HousingEnrollment
                };
                self.pools
                    .entry(kind)
                    .or_default()
                    .push(new_id.ok_or("no id")?);
            }
            Mutation::RecordMoveIn => {
                let id = new_id.ok_or("no id")?;
                let stored = &after.enrollments[&id];
                if stored["moveInDate"] != data["moveInDate"] || data["moveInDate"].is_null() {
                    return Err(format!("moveInDate not stored: {stored}"));
                }
                if !before.enrollments[&id]["moveInDate"].is_null() {
                    return Err("moveInDate recorded twice".into());
                }
            }
            Mutation::ExitEnrollment => {
                let id = new_id.ok_or("no id")?;
                let stored = &after.enrollments[&id];
                if stored["exitDate"] != data["exitDate"] || data["exitDate"].is_null() {
                    return Err(format!("exitDate not stored: {stored}"));
                }
                if !before.enrollments[&id]["exitDate"].is_null() {
                    return Err("exited twice".into());
                }
            }
            Mutation::CreateCeEvent => {
                expected.ce_events += 1;
                let id = new_id.ok_or("no id")?;
                if data["status"] == "PENDING" {
                    expected.referrals += 1;
                    expected.pending += 1;
                    self.pools.entry(Kind::Referral).or_default().push(id);
                } else {
                    self.pools.entry(Kind::CeEvent).or_default().push(id);
                }
            }
            Mutation::ResolveReferral => {
                expected.pending -= 1;
                match data["status"].as_str() {
                    Some("SUCCESSFUL") => expected.successful += 1,
                    Some("UNSUCCESSFUL") => expected.unsuccessful += 1,
                    other => return Err(format!("resolved to status {other:?}")),
                }
                let id = new_id.ok_or("no id")?;
                if before.events[&id]["status"] != "PENDING" {
                    return Err(format!(
                        "resolved a referral that was {}",
                        before.events[&id]["status"]
                    ));
                }
            }
        }
        expected.audit = after.counts.audit;
        if after.counts.audit <= before.counts.audit {
            return Err("a successful mutation left no audit event".into());
        }
        if after.counts != expected {
            return Err(format!(
                "counts after {:?}: expected {expected:?}, found {:?}",
                mutation, after.counts
            ));
        }
        Ok(())
    }

    /// Everything ADMIN sees, read back through the API.
    async fn snapshot(&self) -> Result<Snapshot, String> {
        let admin = self.community.admin();
        let mut snapshot = Snapshot::default();
        let mut after: Option<String> = None;
        loop {
            let reply = admin.run(SNAPSHOT, json!({ "after": after })).await;
            if reply.status >= 500 || reply.body.get("errors").is_some_and(|e| !e.is_null()) {
                return Err(format!("HTTP {}: {}", reply.status, reply.body));
            }
            let data = &reply.body["data"];
            if after.is_none() {
                let organizations = data["organizations"].as_array().ok_or("no organizations")?;
                snapshot.counts.organizations = organizations.len() as i64;
                for org in organizations {
                    snapshot.organizations.push(org.clone());
                    for project in org["projects"].as_array().ok_or("no projects")? {
                        snapshot.counts.projects += 1;
                        snapshot.projects.insert(
                            project["id"].as_str().unwrap_or("").to_owned(),
                            project.clone(),
                        );
                    }
                }
                let total = |key: &str| data[key]["totalCount"].as_i64().unwrap_or(-1);
                snapshot.counts.audit = total("audit");
                snapshot.counts.referrals = total("all");
                snapshot.counts.pending = total("pending");
                snapshot.counts.successful = total("successful");
                snapshot.counts.unsuccessful = total("unsuccessful");
                snapshot.counts.clients = total("clients");
            }
            let clients = &data["clients"];
            for client in clients["nodes"].as_array().ok_or("no client nodes")? {
                let client_id = client["id"].as_str().unwrap_or("").to_owned();
                for enrollment in client["enrollments"].as_array().ok_or("no enrollments")? {
                    snapshot.counts.enrollments += 1;
                    snapshot.enrollments.insert(
                        enrollment["id"].as_str().unwrap_or("").to_owned(),
                        with_parent(enrollment, &client_id),
                    );
                }
                for event in client["ceEvents"].as_array().ok_or("no ceEvents")? {
                    snapshot.counts.ce_events += 1;
                    snapshot.events.insert(
                        event["id"].as_str().unwrap_or("").to_owned(),
                        with_parent(event, &client_id),
                    );
                }
                let mut bare = client.clone();
                if let Some(object) = bare.as_object_mut() {
                    object.remove("enrollments");
                    object.remove("ceEvents");
                }
                snapshot.clients.insert(client_id, bare);
            }
            if clients["pageInfo"]["hasNextPage"] == true {
                after = clients["pageInfo"]["endCursor"].as_str().map(str::to_owned);
            } else {
                break;
            }
        }
        Ok(snapshot)
    }
}

fn with_parent(record: &Value, client: &str) -> Value {
    let mut record = record.clone();
    record["parentClient"] = json!(client);
    record
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn clean_text(value: &Value, max: usize) -> Result<(), String> {
    let text = value
        .as_str()
        .ok_or_else(|| format!("{value} is not text"))?;
    let chars = text.chars().count();
    if text != text.trim() || chars == 0 || chars > max || text.chars().any(char::is_control) {
        return Err(format!(
            "stored text {:?} ({chars} characters) is not trimmed, 1..{max} characters without \
             control characters",
            text.chars().take(80).collect::<String>()
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------------

enum Outcome {
    Done(Value),
    Refused(String),
}

const CLEAN_CODES: &[&str] = &[
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "BAD_USER_INPUT",
    "CONFLICT",
];

/// Words that would mean an error leaked SQL, a driver, or a panic (unless the request said them).
const LEAKS: &[&str] = &[
    "select ",
    "insert into",
    "sqlx",
    "sqlite",
    "postgres",
    "violates",
    "constraint",
    "panicked",
    "backtrace",
    ".rs:",
];

fn classify(
    mutation: Mutation,
    status: u16,
    reply: &Value,
    request: &str,
) -> Result<Outcome, String> {
    if status >= 500 {
        return Err(format!("HTTP {status}"));
    }
    let errors = reply.get("errors").filter(|e| !e.is_null());
    match errors {
        Some(errors) => {
            let errors = errors
                .as_array()
                .filter(|e| !e.is_empty())
                .ok_or("`errors` is not a non-empty list")?;
            let request = request.to_lowercase();
            for error in errors {
                let code = error["extensions"]["code"].as_str().unwrap_or("(none)");
                if !CLEAN_CODES.contains(&code) {
                    return Err(format!("error code {code}"));
                }
                let message = error["message"]
                    .as_str()
                    .ok_or("an error without a message")?
                    .to_lowercase();
                if let Some(leak) = LEAKS
                    .iter()
                    .find(|w| message.contains(*w) && !request.contains(*w))
                {
                    return Err(format!("the error message leaks {leak:?}"));
                }
            }
            if !reply["data"].is_null() && !reply["data"][mutation.field()].is_null() {
                return Err("errors and a result at once".into());
            }
            if !(200..500).contains(&status) {
                return Err(format!("HTTP {status} for an error"));
            }
            Ok(Outcome::Refused(
                errors[0]["extensions"]["code"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
            ))
        }
        None => {
            if status != 200 {
                return Err(format!("HTTP {status} for a success"));
            }
            let data = &reply["data"][mutation.field()];
            if !data.is_object() {
                return Err("neither errors nor a result".into());
            }
            Ok(Outcome::Done(data.clone()))
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// The state, read back as ADMIN, and its invariants
// ---------------------------------------------------------------------------------------------------

const SNAPSHOT: &str = "query($after: String) {
  organizations { id name victimServiceProvider
    projects { id name projectType operatingStartDate operatingEndDate organization { id } } }
  audit: auditEvents(first: 1) { totalCount }
  all: referrals(first: 1) { totalCount }
  pending: referrals(status: PENDING, first: 1) { totalCount }
  successful: referrals(status: SUCCESSFUL, first: 1) { totalCount }
  unsuccessful: referrals(status: UNSUCCESSFUL, first: 1) { totalCount }
  clients(first: 50, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes {
      id firstName lastName dateOfBirth
      enrollments { id entryDate exitDate moveInDate client { id } resolvedReferral { id }
        project { id projectType operatingStartDate operatingEndDate } }
      ceEvents { id eventDate eventType status referralResult resultDate client { id }
        enrollment { id entryDate exitDate project { id projectType } }
        referredProject { id projectType }
        resultingEnrollment { id entryDate client { id } project { id } } }
    }
  }
}";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Counts {
    organizations: i64,
    projects: i64,
    clients: i64,
    enrollments: i64,
    ce_events: i64,
    referrals: i64,
    pending: i64,
    successful: i64,
    unsuccessful: i64,
    audit: i64,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Snapshot {
    counts: Counts,
    organizations: Vec<Value>,
    projects: BTreeMap<String, Value>,
    clients: BTreeMap<String, Value>,
    enrollments: BTreeMap<String, Value>,
    events: BTreeMap<String, Value>,
}

impl Snapshot {
    /// What differs from `other`, briefly.
    fn difference(&self, other: &Snapshot) -> String {
        let mut out = Vec::new();
        if self.counts != other.counts {
            out.push(format!("counts {:?} -> {:?}", self.counts, other.counts));
        }
        fn diff(
            out: &mut Vec<String>,
            what: &str,
            a: &BTreeMap<String, Value>,
            b: &BTreeMap<String, Value>,
        ) {
            for (id, value) in b {
                match a.get(id) {
                    None => out.push(format!("new {what} {value}")),
                    Some(old) if old != value => out.push(format!("{what} {old} -> {value}")),
                    _ => {}
                }
            }
            for id in a.keys().filter(|id| !b.contains_key(*id)) {
                out.push(format!("{what} {id} vanished"));
            }
        }
        diff(&mut out, "project", &self.projects, &other.projects);
        diff(&mut out, "client", &self.clients, &other.clients);
        diff(
            &mut out,
            "enrollment",
            &self.enrollments,
            &other.enrollments,
        );
        diff(&mut out, "CE event", &self.events, &other.events);
        if self.organizations != other.organizations {
            out.push("organizations differ".into());
        }
        out.join("; ")
    }
}

fn check_invariants(s: &Snapshot) -> Result<(), String> {
    let today = TODAY;
    let str_of = |v: &Value| v.as_str().map(str::to_owned);
    // Counts agree with the records.
    if s.counts.clients != s.clients.len() as i64 {
        return Err(format!(
            "clients totalCount {} but {} listed",
            s.counts.clients,
            s.clients.len()
        ));
    }
    let referral_events: Vec<&Value> = s
        .events
        .values()
        .filter(|e| REFERRAL_TYPES.contains(&e["eventType"].as_str().unwrap_or("")))
        .collect();
    let status_count = |status: &str| {
        referral_events
            .iter()
            .filter(|e| e["status"] == status)
            .count() as i64
    };
    if s.counts.referrals != referral_events.len() as i64
        || s.counts.pending != status_count("PENDING")
        || s.counts.successful != status_count("SUCCESSFUL")
        || s.counts.unsuccessful != status_count("UNSUCCESSFUL")
        || s.counts.referrals != s.counts.pending + s.counts.successful + s.counts.unsuccessful
    {
        return Err(format!(
            "referral totals {:?} disagree with the {} referral events listed",
            s.counts,
            referral_events.len()
        ));
    }
    for org in &s.organizations {
        clean_text(&org["name"], 200).map_err(|e| format!("organization {}: {e}", org["id"]))?;
    }
    for project in s.projects.values() {
        clean_text(&project["name"], 200).map_err(|e| format!("project {}: {e}", project["id"]))?;
        let start = str_of(&project["operatingStartDate"]).ok_or("project without a start")?;
        if start.as_str() < "1900-01-01" {
            return Err(format!("project starts before 1900: {project}"));
        }
        if let Some(end) = str_of(&project["operatingEndDate"])
            && end < start
        {
            return Err(format!("project ends before it starts: {project}"));
        }
    }
    for client in s.clients.values() {
        clean_text(&client["firstName"], 100)
            .map_err(|e| format!("client {}: {e}", client["id"]))?;
        clean_text(&client["lastName"], 100)
            .map_err(|e| format!("client {}: {e}", client["id"]))?;
        if let Some(dob) = str_of(&client["dateOfBirth"])
            && (dob.as_str() < "1900-01-01" || dob.as_str() > today)
        {
            return Err(format!("client born outside 1900..today: {client}"));
        }
    }
    // Enrollments.
    // (client, project) -> its stays: (entry, exit).
    type Stays = Vec<(String, Option<String>)>;
    let mut spans: HashMap<(String, String), Stays> = HashMap::new();
    for e in s.enrollments.values() {
        let bad = |what: &str| Err(format!("enrollment {what}: {e}"));
        if e["client"]["id"] != e["parentClient"] {
            return bad("listed under another client");
        }
        let entry = str_of(&e["entryDate"]).ok_or("enrollment without entryDate")?;
        let exit = str_of(&e["exitDate"]);
        let move_in = str_of(&e["moveInDate"]);
        if entry.as_str() > today {
            return bad("starts in the future");
        }
        let project = &e["project"];
        if let Some(start) = str_of(&project["operatingStartDate"])
            && entry < start
        {
            return bad("starts before its project operates");
        }
        if let Some(end) = str_of(&project["operatingEndDate"])
            && entry > end
        {
            return bad("starts after its project stopped operating");
        }
        if let Some(exit) = &exit
            && (*exit < entry || exit.as_str() > today)
        {
            return bad("exits before entry or in the future");
        }
        if let Some(move_in) = &move_in {
            if !PERMANENT_HOUSING.contains(&project["projectType"].as_str().unwrap_or("")) {
                return bad("has a move-in date outside permanent housing");
            }
            if *move_in < entry
                || move_in.as_str() > today
                || exit.as_ref().is_some_and(|x| x < move_in)
            {
                return bad("moves in outside its stay");
            }
        }
        spans
            .entry((
                e["client"]["id"].as_str().unwrap_or("").to_owned(),
                project["id"].as_str().unwrap_or("").to_owned(),
            ))
            .or_default()
            .push((entry, exit));
    }
    for ((client, project), stays) in &spans {
        for (i, a) in stays.iter().enumerate() {
            for b in &stays[i + 1..] {
                let ends = |s: &(String, Option<String>)| s.1.clone().unwrap_or_else(|| "~".into());
                if a.0 < ends(b) && b.0 < ends(a) {
                    return Err(format!(
                        "client {client} has overlapping enrollments in project {project}: {a:?} and {b:?}"
                    ));
                }
            }
        }
    }
    // CE events and referrals.
    let mut resulting: HashSet<String> = HashSet::new();
    for event in s.events.values() {
        let bad = |what: &str| Err(format!("CE event {what}: {event}"));
        if event["client"]["id"] != event["parentClient"] {
            return bad("listed under another client");
        }
        let date = str_of(&event["eventDate"]).ok_or("event without a date")?;
        let enrollment = &event["enrollment"];
        if enrollment["project"]["projectType"] != "COORDINATED_ENTRY" {
            return bad("recorded outside a CE enrollment");
        }
        if enrollment["id"]
            .as_str()
            .is_none_or(|id| !s.enrollments.contains_key(id))
        {
            return bad("recorded in an enrollment the client does not have");
        }
        if date.as_str() > today
            || str_of(&enrollment["entryDate"]).is_some_and(|entry| date < entry)
            || str_of(&enrollment["exitDate"]).is_some_and(|exit| date > exit)
        {
            return bad("dated outside its CE enrollment or in the future");
        }
        if event["referredProject"]["projectType"] == "COORDINATED_ENTRY" {
            return bad("refers to a CE project");
        }
        let is_referral = REFERRAL_TYPES.contains(&event["eventType"].as_str().unwrap_or(""));
        let result = &event["referralResult"];
        let result_date = str_of(&event["resultDate"]);
        let resulting_enrollment = &event["resultingEnrollment"];
        match event["status"].as_str() {
            Some("NOT_A_REFERRAL") | Some("PENDING") => {
                if event["status"] == "NOT_A_REFERRAL" && is_referral
                    || event["status"] == "PENDING" && !is_referral
                {
                    return bad("has a status that does not fit its type");
                }
                if !result.is_null() || result_date.is_some() || !resulting_enrollment.is_null() {
                    return bad("is unresolved but carries a result");
                }
            }
            Some("SUCCESSFUL") => {
                let Some(result_date) = result_date else {
                    return bad("is successful without a result date");
                };
                if !is_referral
                    || *result != "SUCCESSFUL_CLIENT_ACCEPTED"
                    || resulting_enrollment.is_null()
                {
                    return bad("is successful without its result or resulting enrollment");
                }
                if resulting_enrollment["client"]["id"] != event["client"]["id"] {
                    return bad("resulted in another client's enrollment");
                }
                if !event["referredProject"].is_null()
                    && resulting_enrollment["project"]["id"] != event["referredProject"]["id"]
                {
                    return bad("resulted in an enrollment outside the referred project");
                }
                if resulting_enrollment["entryDate"] != result_date.as_str() {
                    return bad("has a result date other than its enrollment's entry date");
                }
                if result_date < date {
                    return bad("resulted before it was made");
                }
                let enrollment_id = resulting_enrollment["id"].as_str().unwrap_or("").to_owned();
                if !resulting.insert(enrollment_id.clone()) {
                    return bad("shares its resulting enrollment with another referral");
                }
                match s.enrollments.get(&enrollment_id) {
                    Some(e) if e["resolvedReferral"]["id"] == event["id"] => {}
                    _ => return bad("is not the resolvedReferral of its resulting enrollment"),
                }
            }
            Some("UNSUCCESSFUL") => {
                let Some(result_date) = result_date else {
                    return bad("is unsuccessful without a result date");
                };
                if !is_referral
                    || !matches!(
                        result.as_str(),
                        Some("UNSUCCESSFUL_CLIENT_REJECTED" | "UNSUCCESSFUL_PROVIDER_REJECTED")
                    )
                    || !resulting_enrollment.is_null()
                {
                    return bad("is unsuccessful with the wrong result or an enrollment");
                }
                if result_date < date || result_date.as_str() > today {
                    return bad("has a result date before the event or in the future");
                }
            }
            _ => return bad("has an unknown status"),
        }
    }
    for e in s.enrollments.values() {
        if let Some(referral) = e["resolvedReferral"]["id"].as_str()
            && s.events
                .get(referral)
                .is_none_or(|ev| ev["resultingEnrollment"]["id"] != e["id"])
        {
            return Err(format!(
                "enrollment names a resolvedReferral that does not name it: {e}"
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------------

/// Runs `mutation`'s cases against one fresh server.
fn property(mutation: Mutation, seed: u64) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let world = RefCell::new(runtime.block_on(World::new()));
    let mut config = Config {
        failure_persistence: None,
        max_shrink_iters: 32,
        ..Config::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 64;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(seed);
    }
    let seed_used = config.rng_seed;
    let cases = config.cases;
    let mut runner = TestRunner::new(config);
    let result = runner.run(&mutation.cases(), |case| {
        let mut world = world.borrow_mut();
        runtime
            .block_on(world.check(mutation, case))
            .map_err(TestCaseError::fail)
    });
    let world = world.into_inner();
    eprintln!(
        "{} on {}: {cases} cases (seed {seed_used:?}): {:?}",
        mutation.field(),
        backend_name(),
        world.outcomes
    );
    if let Err(failure) = result {
        panic!(
            "{} (seed {seed_used:?}; rerun with PROPTEST_RNG_SEED): {failure}",
            mutation.field()
        );
    }
    drop(world);
}

#[test]
fn create_organization_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::CreateOrganization, 0x4845_4152_5448_0001);
}

#[test]
fn create_project_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::CreateProject, 0x4845_4152_5448_0002);
}

#[test]
fn create_user_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::CreateUser, 0x4845_4152_5448_0003);
}

#[test]
fn grant_role_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::GrantRole, 0x4845_4152_5448_0004);
}

#[test]
fn create_api_token_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::CreateApiToken, 0x4845_4152_5448_0005);
}

#[test]
fn revoke_api_token_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::RevokeApiToken, 0x4845_4152_5448_0006);
}

#[test]
fn create_client_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::CreateClient, 0x4845_4152_5448_0007);
}

#[test]
fn create_enrollment_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::CreateEnrollment, 0x4845_4152_5448_0008);
}

#[test]
fn record_move_in_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::RecordMoveIn, 0x4845_4152_5448_0009);
}

#[test]
fn exit_enrollment_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::ExitEnrollment, 0x4845_4152_5448_000a);
}

#[test]
fn create_ce_event_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::CreateCeEvent, 0x4845_4152_5448_000b);
}

#[test]
fn resolve_referral_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::ResolveReferral, 0x4845_4152_5448_000c);
}

/// Inputs chosen by hand, sent to every mutation whatever the random cases hit: text that grows when
/// lower-cased ('İ' becomes "i̇") right at each column's limit, and the far ends of every scalar.
#[test]
fn known_edge_inputs_answer_cleanly_on_every_mutation() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let mut world = World::new().await;
        let text = |s: String| Arg::Text(s);
        let at_limit = |unit: &'static str, n: usize| Arg::Repeat(unit, n);
        let valid_email = || text("edge@example.org".to_owned());
        type EdgeCase = (Mutation, ActorArg, Vec<(&'static str, Arg)>);
        let cases: Vec<EdgeCase> = vec![
            (
                Mutation::CreateClient,
                ActorArg::Plm,
                vec![
                    ("firstName", at_limit("İ", 100)),
                    ("lastName", text("Edge".into())),
                ],
            ),
            (
                Mutation::CreateClient,
                ActorArg::Plm,
                vec![
                    ("firstName", text("Edge".into())),
                    ("lastName", at_limit("İ", 100)),
                ],
            ),
            (
                Mutation::CreateClient,
                ActorArg::Plm,
                vec![
                    ("firstName", at_limit("ẞ", 100)),
                    ("lastName", at_limit("Σ", 100)),
                ],
            ),
            (
                Mutation::CreateClient,
                ActorArg::Plm,
                vec![
                    ("firstName", at_limit("😀", 100)),
                    ("lastName", at_limit("e\u{301}", 50)),
                ],
            ),
            (
                Mutation::CreateUser,
                ActorArg::Admin,
                vec![
                    ("email", text(format!("{}@example.org", "İ".repeat(300)))),
                    ("name", text("Edge".into())),
                ],
            ),
            (
                Mutation::CreateUser,
                ActorArg::Admin,
                vec![
                    ("email", text(format!("{}@example.org", "x".repeat(308)))),
                    ("name", text("Edge".into())),
                ],
            ),
            (
                Mutation::CreateUser,
                ActorArg::Admin,
                vec![("email", valid_email()), ("name", at_limit("İ", 200))],
            ),
            (
                Mutation::CreateOrganization,
                ActorArg::Admin,
                vec![("name", at_limit("İ", 200))],
            ),
            (
                Mutation::CreateProject,
                ActorArg::Admin,
                vec![
                    ("organizationId", Arg::Id(Kind::Org, 1)),
                    ("name", at_limit("😀", 200)),
                    ("projectType", text("OTHER".into())),
                    ("operatingStartDate", text("9999-12-31".into())),
                    ("operatingEndDate", text("9999-12-31".into())),
                ],
            ),
            (
                Mutation::CreateProject,
                ActorArg::Admin,
                vec![
                    ("organizationId", Arg::Id(Kind::Org, 1)),
                    ("name", text("Far".into())),
                    ("projectType", text("OTHER".into())),
                    ("operatingStartDate", text("1000-01-01".into())),
                ],
            ),
            (
                Mutation::CreateApiToken,
                ActorArg::Admin,
                vec![
                    ("userId", Arg::Id(Kind::User, 0)),
                    ("label", at_limit("İ", 200)),
                    ("expiresAt", text("9999-12-31T23:59:59Z".into())),
                ],
            ),
            (
                Mutation::CreateApiToken,
                ActorArg::Admin,
                vec![
                    ("userId", Arg::Id(Kind::User, 0)),
                    ("label", text("far".into())),
                    ("expiresAt", text("+262142-12-31T23:59:59Z".into())),
                ],
            ),
            (
                Mutation::ExitEnrollment,
                ActorArg::Fitting,
                vec![
                    ("enrollmentId", Arg::Id(Kind::HousingEnrollment, 0)),
                    ("exitDate", text(TODAY.into())),
                    ("destination", Arg::Json(json!(i32::MAX))),
                ],
            ),
            (
                Mutation::CreateEnrollment,
                ActorArg::Admin,
                vec![
                    ("clientId", Arg::Id(Kind::Client, 0)),
                    ("projectId", Arg::Id(Kind::Project, 1)),
                    ("entryDate", text("1000-01-01".into())),
                ],
            ),
            (
                Mutation::CreateCeEvent,
                ActorArg::Plm,
                vec![
                    ("enrollmentId", Arg::Id(Kind::CeEnrollment, 0)),
                    ("eventDate", text("9999-12-31".into())),
                    ("eventType", text("REFERRAL_TO_PSH".into())),
                    ("referredProjectId", Arg::Id(Kind::Project, 1)),
                ],
            ),
            (
                Mutation::ResolveReferral,
                ActorArg::Admin,
                vec![
                    ("ceEventId", Arg::Id(Kind::Referral, 0)),
                    (
                        "referralResult",
                        text("UNSUCCESSFUL_CLIENT_REJECTED".into()),
                    ),
                    ("resultDate", text("9999-12-31".into())),
                ],
            ),
            (
                Mutation::RevokeApiToken,
                ActorArg::Admin,
                vec![("id", Arg::Id(Kind::Token, 0))],
            ),
            (
                Mutation::GrantRole,
                ActorArg::Admin,
                vec![
                    ("userId", Arg::Id(Kind::User, 1)),
                    ("organizationId", Arg::Id(Kind::Org, 2)),
                    ("role", text("HOUSING_STAFF".into())),
                ],
            ),
            (
                Mutation::RecordMoveIn,
                ActorArg::Fitting,
                vec![
                    ("enrollmentId", Arg::Id(Kind::HousingEnrollment, 1)),
                    ("moveInDate", text("9999-12-31".into())),
                ],
            ),
        ];
        let mut failures = Vec::new();
        for (mutation, actor, fields) in cases {
            let case = Case {
                actor,
                input: Input::Fields(fields),
            };
            let summary = format!("{} {:?}", mutation.field(), case.input);
            if let Err(problem) = world.check(mutation, case).await {
                failures.push(format!("{summary:.300}\n  {problem}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} edge inputs failed:\n{}",
            failures.len(),
            failures.join("\n\n")
        );
    });
}
