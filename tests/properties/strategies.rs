//! The proptest strategies: hostile text, JSON and raw bytes, each field's valid and hostile values,
//! actors and input objects, and the HUD code lists they pick from.

use super::*;

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
pub(crate) struct Field {
    pub(crate) valid: BoxedStrategy<Arg>,
    pub(crate) hostile: BoxedStrategy<Arg>,
}

impl Field {
    pub(crate) fn strategy(self) -> BoxedStrategy<Arg> {
        prop_oneof![3 => self.valid, 1 => self.hostile].boxed()
    }

    /// May also be left out or null (an optional field).
    pub(crate) fn optional(self) -> Field {
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

pub(crate) fn name() -> Field {
    text(prop_oneof![
        "[A-Z][a-z]{1,10}",
        " *[A-Z][a-z]{0,10} [A-Z][a-z]{1,10} *",
    ])
}

pub(crate) fn email() -> Field {
    text("[a-z]{1,6}(\\.[a-z]{1,6})?@[a-z]{1,8}\\.(org|test)")
}

pub(crate) fn id_of(kind: Kind) -> Field {
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

pub(crate) fn date() -> Field {
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

pub(crate) fn date_time() -> Field {
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

pub(crate) fn enumeration(values: &'static [&'static str]) -> Field {
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

pub(crate) fn boolean() -> Field {
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

pub(crate) fn destination() -> Field {
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
pub(crate) fn resulting_enrollment() -> Field {
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

pub(crate) fn case(weights: [u32; 4], fields: Vec<(&'static str, Field)>) -> BoxedStrategy<Case> {
    (actor(weights), input(fields))
        .prop_map(|(actor, input)| Case { actor, input })
        // One 100 000-character string per request keeps the body under the 1 MiB limit.
        .prop_filter("at most one huge field", |case| case.huge_fields() <= 1)
        .boxed()
}

pub(crate) const PROJECT_TYPES: &[&str] = &[
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
pub(crate) const PERMANENT_HOUSING: &[&str] = &[
    "PH_PERMANENT_SUPPORTIVE_HOUSING",
    "PH_HOUSING_ONLY",
    "PH_HOUSING_WITH_SERVICES",
    "PH_RAPID_RE_HOUSING",
];
pub(crate) const ROLES: &[&str] = &["ADMIN", "PRIORITY_LIST_MANAGER", "HOUSING_STAFF"];
pub(crate) const CE_EVENT_TYPES: &[&str] = &[
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
pub(crate) const REFERRAL_TYPES: &[&str] = &[
    "REFERRAL_TO_EMERGENCY_SHELTER",
    "REFERRAL_TO_TRANSITIONAL_HOUSING",
    "REFERRAL_TO_JOINT_TH_RRH",
    "REFERRAL_TO_RRH",
    "REFERRAL_TO_PSH",
    "REFERRAL_TO_OTHER_PH",
    "REFERRAL_TO_EMERGENCY_HOUSING_VOUCHER",
    "REFERRAL_TO_HOUSING_STABILITY_VOUCHER",
];
pub(crate) const RESULTS: &[&str] = &[
    "SUCCESSFUL_CLIENT_ACCEPTED",
    "UNSUCCESSFUL_CLIENT_REJECTED",
    "UNSUCCESSFUL_PROVIDER_REJECTED",
];

pub(crate) fn date_of(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}
