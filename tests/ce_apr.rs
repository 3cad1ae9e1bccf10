//! HUD's CE APR (rule A3) through the API: small communities whose every answer is worked out by
//! hand (the community below, and one beside each test of a rule of HUD's CE APR programming
//! specifications), then `ceApr` and `GET /reports/ce-apr.zip` must give exactly those.
//!
//! The report covers 2026-01-01..2026-03-31 (events count until 90 days after, 2026-06-29):
//! - Ava, single adult: assessed 01-10 (phone, placed, crisis) and 02-20 (in person, placed,
//!   housing): counted once, by the latest. Events: housing navigation 01-12 (before that latest
//!   assessment: not hers for Q9) and a PSH referral 02-25, successful.
//! - Bea with her child (With Children and Adults): assessed 02-01 (virtual, placed); problem
//!   solving 02-05, housed in a safe alternative.
//! - Cody, 15 and alone (With Only Children): assessed 03-01 (phone, not placed); no events.
//! - Dan, no date of birth (Unknown): assessed 03-15 (in person, placed); an RRH referral 03-20
//!   cancelled as made in error (never counted); a PSH referral 04-10, after the range but within
//!   90 days, still pending: his event, with no result.
//! - Gus, single adult: assessed 03-05 (phone, placed), street outreach 03-10, assessed again 04-15
//!   (after the range) and referred to RRH 04-20: that referral follows the later assessment, so
//!   his event is the street outreach.
//! - Eli was assessed 2025-12-20 only (before the range): in no table.

mod ce_apr_support;
mod common;

use ce_apr_support::*;
use common::*;
use serde_json::json;

const PROBLEM_SOLVING: &str = "PROBLEM_SOLVING_DIVERSION_RAPID_RESOLUTION";
const OUTREACH: &str = "REFERRAL_TO_STREET_OUTREACH";
const NAVIGATION: &str = "REFERRAL_TO_HOUSING_NAVIGATION";

/// The community of the module's comment.
async fn community() -> Community {
    let c = Community::new().await;
    let ce = c.ce_project.clone();

    let ava = person(&c, "Ava", Some("1980-01-01")).await;
    let ava_ce = create_enrollment(&c.plm, &ava, &ce, "2026-01-05").await;
    assess(&c, &ava_ce, "2026-01-10", "PHONE", CRISIS, true).await;
    event(&c, &ava_ce, "2026-01-12", NAVIGATION).await;
    assess(&c, &ava_ce, "2026-02-20", "IN_PERSON", HOUSING, true).await;
    let psh = referral(&c, &ava_ce, "2026-02-25", "REFERRAL_TO_PSH", &c.psh_a).await;
    let housed = create_enrollment(&c.staff_a, &ava, &c.psh_a, "2026-03-01").await;
    let accepted = "SUCCESSFUL_CLIENT_ACCEPTED";
    resolve(
        &c.staff_a,
        &psh,
        accepted,
        Some("2026-03-01"),
        Some(&housed),
    )
    .await
    .data();

    let bea = person(&c, "Bea", Some("1985-03-03")).await;
    let kid = person(&c, "Bo", Some("2015-07-07")).await;
    let (bea_ce, _) = family(&c, &bea, "2026-01-05", &[(&kid, "CHILD")]).await;
    assess(&c, &bea_ce, "2026-02-01", "VIRTUAL", HOUSING, true).await;
    let housed = json!({ "safeAlternativeHoused": true });
    event_with(&c, &bea_ce, "2026-02-05", PROBLEM_SOLVING, housed).await;

    let cody_ce = alone(&c, "Cody", Some("2010-09-01"), &ce, "2026-02-15").await;
    assess(&c, &cody_ce, "2026-03-01", "PHONE", CRISIS, false).await;

    let dan_ce = alone(&c, "Dan", None, &ce, "2026-03-01").await;
    assess(&c, &dan_ce, "2026-03-15", "IN_PERSON", HOUSING, true).await;
    let mistaken = referral(&c, &dan_ce, "2026-03-20", "REFERRAL_TO_RRH", &c.rrh_a).await;
    c.plm
        .ok(
            "mutation($id: ID!) { cancelReferral(input: { ceEventId: $id, reason: \"Wrong client\" }) { id } }",
            json!({ "id": mistaken }),
        )
        .await;
    referral(&c, &dan_ce, "2026-04-10", "REFERRAL_TO_PSH", &c.psh_b).await;

    let gus_ce = alone(&c, "Gus", Some("1975-05-05"), &ce, "2026-03-01").await;
    assess(&c, &gus_ce, "2026-03-05", "PHONE", HOUSING, true).await;
    event(&c, &gus_ce, "2026-03-10", OUTREACH).await;
    assess(&c, &gus_ce, "2026-04-15", "IN_PERSON", HOUSING, true).await;
    referral(&c, &gus_ce, "2026-04-20", "REFERRAL_TO_RRH", &c.rrh_a).await;

    let eli_ce = alone(&c, "Eli", Some("1970-01-01"), &ce, "2025-12-01").await;
    assess(&c, &eli_ce, "2025-12-20", "PHONE", HOUSING, true).await;
    c
}

#[tokio::test]
async fn rule_a3_each_question_counts_what_hud_asks() {
    let c = community().await;
    let report = &first_quarter(&c).await;
    let questions: Vec<&str> = report["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .filter_map(|t| t["question"].as_str())
        .collect();
    assert_eq!(questions, ["Q9a", "Q9b", "Q9c", "Q9d", "Q10"]);
    assert_eq!(
        report["tables"][0]["columns"],
        json!([
            "Total",
            "Without Children",
            "With Children and Adults",
            "With Only Children",
            "Unknown Household Type"
        ])
    );
    //                                    Total, without, with children, only children, unknown
    table(report, "Q9a").has(&[
        ("Phone", &[2, 1, 0, 1, 0]),
        ("Virtual", &[1, 0, 1, 0, 0]),
        ("In-person", &[2, 1, 0, 0, 1]),
        ("Total Households Assessed", &[5, 2, 1, 1, 1]),
    ]);
    table(report, "Q9b").has(&[
        (
            "Placed on Prioritization List (Prioritized)",
            &[4, 2, 1, 0, 1],
        ),
        ("Not Placed on Prioritization List", &[1, 0, 0, 1, 0]),
    ]);
    let problem_solving = "Problem Solving/Diversion/Rapid Resolution intervention or service";
    table(report, "Q9c").has(&[
        (problem_solving, &[1, 0, 1, 0, 0]),
        ("Referral to Prevention Assistance project", &[0; 5]),
        ("Total", &[1, 0, 1, 0, 0]),
        (
            "Result: Client housed/Re-Housed in a safe alternative",
            &[1, 0, 1, 0, 0],
        ),
    ]);
    table(report, "Q9d").has(&[
        ("PSH project resource opening", &[2, 1, 0, 0, 1]),
        ("Street Outreach project or services", &[1, 1, 0, 0, 0]),
        ("Housing Navigation project or services", &[0; 5]),
        ("RRH project resource opening", &[0; 5]),
        ("Total", &[3, 2, 0, 0, 1]),
        (
            "Result: successful referral: client accepted",
            &[1, 1, 0, 0, 0],
        ),
        ("Result: Unsuccessful referral: client rejected", &[0; 5]),
        ("No result recorded", &[1, 0, 0, 0, 1]),
    ]);
    //                                   occurrences, successful, client rej., provider rej., safe alternative, aftercare
    table(report, "Q10").has(&[
        ("Crisis Needs Assessment", &[2, 0, 0, 0, 0, 0]),
        ("Housing Needs Assessment", &[4, 0, 0, 0, 0, 0]),
        (problem_solving, &[1, 0, 0, 0, 1, 0]),
        (
            "Referral to Street Outreach project or services",
            &[1, 0, 0, 0, 0, 0],
        ),
        (
            "Referral to Housing Navigation project or services",
            &[1, 0, 0, 0, 0, 0],
        ),
        (
            "Referral to PSH project resource opening",
            &[1, 1, 0, 0, 0, 0],
        ),
    ]);
    assert_eq!(
        row(report, "Q10", "Referral to RRH project resource opening"),
        [0; 6],
        "the cancelled referral is not activity"
    );
}

#[tokio::test]
async fn a_range_without_activity_counts_nothing_and_the_roles_are_checked() {
    let c = community().await;
    let report = &ce_apr(&c, "2024-01-01", "2024-12-31").await;
    assert_eq!(row(report, "Q9a", "Total Households Assessed"), [0; 5]);
    assert_eq!(row(report, "Q10", "Housing Needs Assessment"), [0; 6]);
    // (case, who asks, the range, the code answered, what it says)
    #[rustfmt::skip]
    let cases = [
        ("by housing staff", &c.staff_a, "2026-01-01", "2026-03-31", "FORBIDDEN", "Only a PRIORITY_LIST_MANAGER (or ADMIN) reads the CE APR"),
        ("a range ending before it starts", &c.plm, "2026-03-31", "2026-01-01", "BAD_USER_INPUT", "before"),
    ];
    for (name, who, from, to, code, says) in cases {
        try_ce_apr(who, from, to)
            .await
            .expect_refused(name, code, says);
    }
}

#[tokio::test]
async fn the_download_is_one_csv_per_question_in_hud_s_upload_shape() {
    let c = community().await;
    let response = download(&c, c.plm.token.clone()).await;
    assert_eq!(response.status().as_u16(), 200);
    let mut zip = unzip(response).await;
    let mut names: Vec<String> = zip
        .file_names()
        .map(|name| name.expect("a name").into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["Q10.csv", "Q9a.csv", "Q9b.csv", "Q9c.csv", "Q9d.csv"]
    );
    let q9b = csv_rows(&mut zip, "Q9b.csv");
    assert_eq!(
        q9b[0],
        [
            " ",
            "Total",
            "Without Children",
            "With Children and Adults",
            "With Only Children",
            "Unknown Household Type"
        ]
    );
    let prioritized = "Placed on Prioritization List (Prioritized)";
    assert_eq!(q9b[1], [prioritized, "4", "2", "1", "0", "1"]);
    let percent = "Percent of Assessed Prioritized Of the total HH Assessed report the percent of \
                   those placed on the prioritization list";
    assert_eq!(
        q9b[3],
        [percent, "0.8000", "1.0000", "1.0000", "0.0000", "1.0000"]
    );
    let q10 = csv_rows(&mut zip, "Q10.csv");
    assert_eq!(q10[0][0], "Assessment/Event");
    assert_eq!(q10[1], ["Crisis Needs Assessment", "2", "", "", "", "", ""]);

    assert_eq!(download(&c, None).await.status().as_u16(), 401);
    let staff = download(&c, c.staff_a.token.clone()).await;
    assert_eq!(staff.status().as_u16(), 403);
}

/// HUD's report universe (steps 1-7 of the CE APR specifications): only CE data of continuum
/// projects (2.02.5) of the CoC reported on, recorded while the project was a Coordinated Entry
/// access point by its 2.09 record, counts; the latest assessment and the event are chosen among
/// those records only. Report 2026-01-01..2026-03-31:
/// - Metro CE (the community's CE project) stops being an access point from 02-01 and is one again
///   from 03-01.
/// - Ann, single adult, in Metro CE: assessed 01-15 (phone, placed, crisis level), street outreach
///   01-20; assessed again 02-10 (in person, not placed, housing level) and housing navigation
///   02-12, both while Metro CE was no access point: not HUD's. Her latest assessment is therefore
///   01-15 (Q9a Phone, Q9b placed) and her event the street outreach (Q9d).
/// - Ben, in "Outside CE" (continuumProject false): assessed 01-20 (virtual), problem solving 01-22:
///   in no table.
/// - Cat, in "Neighbor CE" (CoC XX-502, another CoC's project): assessed 01-25 (virtual): in no
///   table.
/// - Q10 counts Ann's 01-15 crisis assessment and her street outreach only.
#[tokio::test]
async fn only_access_points_of_continuum_projects_of_this_coc_count() {
    let c = Community::new().await;
    participation(&c, &c.ce_project, "2026-02-01", false).await;
    participation(&c, &c.ce_project, "2026-03-01", true).await;
    let outside = ce_project(&c, "Outside CE", json!({ "continuumProject": false })).await;
    let neighbor = ce_project(&c, "Neighbor CE", json!({ "cocCode": "XX-502" })).await;

    let ann_ce = alone(&c, "Ann", Some("1980-01-01"), &c.ce_project, "2026-01-05").await;
    assess(&c, &ann_ce, "2026-01-15", "PHONE", CRISIS, true).await;
    event(&c, &ann_ce, "2026-01-20", OUTREACH).await;
    assess(&c, &ann_ce, "2026-02-10", "IN_PERSON", HOUSING, false).await;
    event(&c, &ann_ce, "2026-02-12", NAVIGATION).await;

    let ben_ce = alone(&c, "Ben", Some("1981-01-01"), &outside, "2026-01-05").await;
    assess(&c, &ben_ce, "2026-01-20", "VIRTUAL", HOUSING, true).await;
    event(&c, &ben_ce, "2026-01-22", PROBLEM_SOLVING).await;

    let cat_ce = alone(&c, "Cat", Some("1982-01-01"), &neighbor, "2026-01-05").await;
    assess(&c, &cat_ce, "2026-01-25", "VIRTUAL", HOUSING, true).await;

    let report = &first_quarter(&c).await;
    //                                    Total, without, with children, only children, unknown
    table(report, "Q9a").has(&[
        ("Phone", &[1, 1, 0, 0, 0]),
        ("Virtual", &[0; 5]),
        ("In-person", &[0; 5]),
        ("Total Households Assessed", &[1, 1, 0, 0, 0]),
    ]);
    table(report, "Q9b").has(&[
        (
            "Placed on Prioritization List (Prioritized)",
            &[1, 1, 0, 0, 0],
        ),
        ("Not Placed on Prioritization List", &[0; 5]),
    ]);
    table(report, "Q9d").has(&[
        ("Street Outreach project or services", &[1, 1, 0, 0, 0]),
        ("Housing Navigation project or services", &[0; 5]),
    ]);
    assert_eq!(row(report, "Q9c", "Total"), [0; 5]);
    //                                   occurrences, successful, client rej., provider rej., safe alternative, aftercare
    table(report, "Q10").has(&[
        ("Crisis Needs Assessment", &[1, 0, 0, 0, 0, 0]),
        ("Housing Needs Assessment", &[0; 6]),
        (
            "Referral to Street Outreach project or services",
            &[1, 0, 0, 0, 0, 0],
        ),
        (
            "Referral to Housing Navigation project or services",
            &[0; 6],
        ),
        (
            "Problem Solving/Diversion/Rapid Resolution intervention or service",
            &[0; 6],
        ),
    ]);
}

/// Q9c/Q9d, the household's event: events dated before the latest assessment that falls after the
/// report's end (and within its 90 days) are still the household's; HUD: "[date of event] < any
/// [dates of assessment] between [report end date] and ([report end date] + 90 days)", the latest
/// of those in HUD's Data Lab test kit. Report 2026-01-01..2026-03-31 (90 days: 2026-06-29):
/// - Dee, single adult: assessed 03-10 (in the range, placed); street outreach 03-15; assessed again
///   04-10 and 05-10 (after the range); housing navigation 04-20; an RRH referral 05-20.
/// - Her events on or after 03-10 and before 05-10 (the latest assessment after the range) are
///   03-15 and 04-20; the latest is the housing navigation: Q9d counts her there. The RRH referral
///   (after 05-10) and the street outreach (not the latest) are not hers.
#[tokio::test]
async fn events_count_until_the_latest_assessment_after_the_report_end() {
    let c = Community::new().await;
    let dee_ce = alone(&c, "Dee", Some("1979-04-04"), &c.ce_project, "2026-03-01").await;
    assess(&c, &dee_ce, "2026-03-10", "PHONE", HOUSING, true).await;
    event(&c, &dee_ce, "2026-03-15", OUTREACH).await;
    assess(&c, &dee_ce, "2026-04-10", "PHONE", HOUSING, true).await;
    event(&c, &dee_ce, "2026-04-20", NAVIGATION).await;
    assess(&c, &dee_ce, "2026-05-10", "IN_PERSON", HOUSING, true).await;
    referral(&c, &dee_ce, "2026-05-20", "REFERRAL_TO_RRH", &c.rrh_a).await;

    let report = &first_quarter(&c).await;
    //                                    Total, without, with children, only children, unknown
    table(report, "Q9d").has(&[
        ("Housing Navigation project or services", &[1, 1, 0, 0, 0]),
        ("Street Outreach project or services", &[0; 5]),
        ("RRH project resource opening", &[0; 5]),
        ("Total", &[1, 1, 0, 0, 0]),
    ]);
    // Q9a counts her by the 03-10 assessment, the latest in the range.
    table(report, "Q9a").has(&[
        ("Phone", &[1, 1, 0, 0, 0]),
        ("Total Households Assessed", &[1, 1, 0, 0, 0]),
    ]);
}

/// The columns' household type: the ages of the members present on the assessment's date, each
/// taken as the HMIS Reporting Glossary takes a client's age, on the later of the report's start
/// and the member's own entry date (not on the assessment's date, nor on the head's entry date).
/// Report 2026-01-01..2026-03-31:
/// - Eve (born 1990) and her son Finn (born 2008-02-15) enter 01-05; Eve is assessed 03-01 (phone).
///   Finn's age on 01-05 (his entry, later than the report's start): 17, a child, though 18 on the
///   assessment's date: With Children and Adults.
/// - Ivy (born 1980) enters 01-05; her son Jay (born 2008-03-01) joins the household 03-05; Ivy is
///   assessed 03-10 (virtual). Jay's age on 03-05 (his own entry): 18, an adult (17 on his
///   mother's entry date): Without Children.
/// - Kim (born 1975) and her daughter Lou (born 2008-01-10) enter 2025-11-01; Kim is assessed
///   03-20 (in person). Lou's age on 01-01 (the report's start, later than her entry): 17, a
///   child: With Children and Adults.
#[tokio::test]
async fn household_type_takes_each_member_s_age_when_the_report_or_their_stay_began() {
    let c = Community::new().await;
    let eve = person(&c, "Eve", Some("1990-06-06")).await;
    let finn = person(&c, "Finn", Some("2008-02-15")).await;
    let (eve_ce, _) = family(&c, &eve, "2026-01-05", &[(&finn, "CHILD")]).await;
    assess(&c, &eve_ce, "2026-03-01", "PHONE", HOUSING, true).await;

    let ivy = person(&c, "Ivy", Some("1980-08-08")).await;
    let jay = person(&c, "Jay", Some("2008-03-01")).await;
    let (ivy_ce, ivy_household) = family(&c, &ivy, "2026-01-05", &[]).await;
    c.plm
        .ok(
            "mutation($input: AddHouseholdMemberInput!) { addHouseholdMember(input: $input) { id } }",
            json!({ "input": { "householdId": ivy_household, "clientId": jay,
                "relationshipToHoH": "CHILD", "entryDate": "2026-03-05" } }),
        )
        .await;
    assess(&c, &ivy_ce, "2026-03-10", "VIRTUAL", HOUSING, true).await;

    let kim = person(&c, "Kim", Some("1975-01-01")).await;
    let lou = person(&c, "Lou", Some("2008-01-10")).await;
    let (kim_ce, _) = family(&c, &kim, "2025-11-01", &[(&lou, "CHILD")]).await;
    assess(&c, &kim_ce, "2026-03-20", "IN_PERSON", HOUSING, true).await;

    let report = &first_quarter(&c).await;
    //                                    Total, without, with children, only children, unknown
    table(report, "Q9a").has(&[
        ("Phone", &[1, 0, 1, 0, 0]),
        ("Virtual", &[1, 1, 0, 0, 0]),
        ("In-person", &[1, 0, 1, 0, 0]),
        ("Total Households Assessed", &[3, 1, 2, 0, 0]),
    ]);
}

/// Q9d "No result recorded" is one of HUD's result rows, which count the households whose event is
/// a referral carrying a 4.20.D result (events 10-15, 17, 18) by that result; HUD's Data Lab test
/// kit counts there only those referrals without a result. Report 2026-01-01..2026-03-31:
/// - Moe, single adult: assessed 02-01; post-placement case management 02-05, "enrolled in
///   aftercare" not answered: his event, in Q9d row 1, but no result row (4.20.D is not collected
///   for event 5).
/// - Ned, single adult: assessed 02-01; a PSH referral 02-10, still pending: No result recorded.
#[tokio::test]
async fn no_result_recorded_counts_only_referrals_that_carry_a_result() {
    let c = Community::new().await;
    let moe_ce = alone(&c, "Moe", Some("1970-07-07"), &c.ce_project, "2026-01-10").await;
    assess(&c, &moe_ce, "2026-02-01", "PHONE", HOUSING, true).await;
    let case_management = "REFERRAL_TO_POST_PLACEMENT_CASE_MANAGEMENT";
    event(&c, &moe_ce, "2026-02-05", case_management).await;
    let ned_ce = alone(&c, "Ned", Some("1971-07-07"), &c.ce_project, "2026-01-10").await;
    assess(&c, &ned_ce, "2026-02-01", "PHONE", HOUSING, true).await;
    referral(&c, &ned_ce, "2026-02-10", "REFERRAL_TO_PSH", &c.psh_a).await;

    let report = &first_quarter(&c).await;
    //                                    Total, without, with children, only children, unknown
    table(report, "Q9d").has(&[
        ("Post-placement/follow-up case management", &[1, 1, 0, 0, 0]),
        ("PSH project resource opening", &[1, 1, 0, 0, 0]),
        ("Total", &[2, 2, 0, 0, 0]),
        ("No result recorded", &[1, 1, 0, 0, 0]),
        ("Result: Enrolled in Aftercare project", &[0; 5]),
    ]);
}

/// Every table's title, header and row labels as HUD's CE APR programming specifications (FY2026)
/// print them, in HUD's order, in the download (the GraphQL tables carry the same titles and
/// columns, and the count rows of the same labels).
#[tokio::test]
async fn every_table_is_labelled_as_hud_prints_it() {
    let c = Community::new().await;
    let household = [
        " ",
        "Total",
        "Without Children",
        "With Children and Adults",
        "With Only Children",
        "Unknown Household Type",
    ];
    let q10_header = [
        "Assessment/Event",
        "Total Occurrences",
        "Successful Referral",
        "Unsuccessful Referral: client rejected",
        "Unsuccessful Referral: provider rejected",
        "Re-housed in safe alternative",
        "Enrolled in aftercare",
    ];
    let access = [
        "Referral to Prevention Assistance project",
        "Problem Solving/Diversion/Rapid Resolution intervention or service",
        "Referral to scheduled Coordinated Entry Crisis Needs Assessment",
        "Referral to scheduled Coordinated Entry Housing Needs Assessment",
    ];
    let q9d_events = [
        "Post-placement/follow-up case management",
        "Street Outreach project or services",
        "Housing Navigation project or services",
        "Non-continuum services: Ineligible for continuum services",
        "Non continuum services: No availability in continuum services",
        "Emergency Shelter bed opening",
        "Transitional Housing bed/unit opening",
        "Joint TH-RRH project/unit/resource opening",
        "RRH project resource opening",
        "PSH project resource opening",
        "Other PH project",
        "Referral to emergency assistance/flex fund/furniture assistance",
        "Referral to Emergency Housing Voucher (EHV)",
        "Referral to a Housing Stability Voucher",
    ];
    let q10_events = [
        "Referral to post-placement/follow-up case management",
        "Referral to Street Outreach project or services",
        "Referral to Housing Navigation project or services",
        "Referral to Non-continuum services: Ineligible for continuum services",
        "Referral to Non continuum services: No availability in continuum services",
        "Referral to Emergency Shelter bed opening",
        "Referral to Transitional Housing bed/unit opening",
        "Referral to Joint TH-RRH project/unit/resource opening",
        "Referral to RRH project resource opening",
        "Referral to PSH project resource opening",
        "Referral to Other PH project/unit/resource opening",
        "Referral to emergency assistance/flex fund/furniture assistance",
        "Referral to Emergency Housing Voucher (EHV)",
        "Referral to a Housing Stability Voucher",
    ];
    let mut q9c: Vec<&str> = access.to_vec();
    q9c.extend([
        "Total",
        "Result: Client housed/Re-Housed in a safe alternative",
        "Percent of successful referrals to Problem Solving/Diversion/Rapid Resolution",
    ]);
    let mut q9d: Vec<&str> = q9d_events.to_vec();
    q9d.extend([
        "Total",
        "Of the total HH prioritized (Q9b row 1) what percentage received a referral",
        "Result: successful referral: client accepted",
        "Result: Unsuccessful referral: client rejected",
        "Result: Unsuccessful referral: provider rejected",
        "No result recorded",
        "Result: Enrolled in Aftercare project",
        "Percent of successful referrals to residential projects",
    ]);
    let mut q10: Vec<&str> = vec!["Crisis Needs Assessment", "Housing Needs Assessment"];
    q10.extend(access);
    q10.extend(q10_events);
    let expected: [(&str, &str, &[&str], Vec<&str>); 5] = [
        (
            "Q9a",
            "Assessment Type - Households Assessed in the Date Range",
            &household,
            vec!["Phone", "Virtual", "In-person", "Total Households Assessed"],
        ),
        (
            "Q9b",
            "Prioritization Status - Households Prioritized in the Date Range",
            &household,
            vec![
                "Placed on Prioritization List (Prioritized)",
                "Not Placed on Prioritization List",
                "Percent of Assessed Prioritized Of the total HH Assessed report the percent of \
                 those placed on the prioritization list",
            ],
        ),
        (
            "Q9c",
            "Access Events - Households with an Access Event",
            &household,
            q9c,
        ),
        (
            "Q9d",
            "Referral Events - Households Who Were Referred",
            &household,
            q9d,
        ),
        (
            "Q10",
            "Total Coordinated Entry Activity During the Year",
            &q10_header,
            q10,
        ),
    ];

    let report = first_quarter(&c).await;
    let tables = report["tables"].as_array().expect("tables");
    let mut zip = unzip(download(&c, c.plm.token.clone()).await).await;
    for (table, (question, title, header, labels)) in tables.iter().zip(expected) {
        assert_eq!(table["question"], question);
        assert_eq!(table["title"], title, "{question}'s title");
        assert_eq!(table["columns"], json!(header[1..]), "{question}'s columns");
        let rows = csv_rows(&mut zip, &format!("{question}.csv"));
        assert_eq!(rows[0], header, "{question}'s header");
        let csv_labels: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
        assert_eq!(csv_labels, labels, "{question}'s rows");
        // GraphQL carries the count rows, in the same order.
        let count_labels: Vec<&str> = table["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|r| r["label"].as_str())
            .collect();
        let counted: Vec<&str> = labels
            .iter()
            .copied()
            .filter(|l| !l.starts_with("Percent") && !l.starts_with("Of the total"))
            .collect();
        assert_eq!(count_labels, counted, "{question}'s count rows");
    }
}

/// Q9a-Q9d count households: one that changed heads (rule H4) and whose both heads were assessed
/// counts once, by the latest of their assessments. Report 2026-01-01..2026-03-31:
/// - Oli (born 1960) and his partner Pam (born 1962) enter 01-05; Oli is assessed 01-10 (phone,
///   placed); Oli exits 02-01 and Pam becomes the head; Pam is assessed 02-15 (virtual, not placed).
/// - One household, by the 02-15 assessment: Virtual, not placed. On 02-15 only Pam is present
///   (Oli exited 02-01): Without Children.
#[tokio::test]
async fn a_household_assessed_under_two_heads_counts_once() {
    let c = Community::new().await;
    let oli = person(&c, "Oli", Some("1960-10-10")).await;
    let pam = person(&c, "Pam", Some("1962-10-10")).await;
    let data = c
        .plm
        .ok(
            "mutation($input: CreateEnrollmentInput!) { createEnrollment(input: $input) {
               id household { members { id client { id } } } } }",
            json!({ "input": { "clientId": oli, "projectId": c.ce_project, "entryDate": "2026-01-05",
                "members": [{ "clientId": pam, "relationshipToHoH": "SPOUSE_OR_PARTNER" }] } }),
        )
        .await;
    let oli_ce = id(&data["createEnrollment"]);
    let pam_ce = data["createEnrollment"]["household"]["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["client"]["id"] == pam.as_str())
        .map(id)
        .expect("Pam's enrollment");
    assess(&c, &oli_ce, "2026-01-10", "PHONE", HOUSING, true).await;
    c.plm
        .ok(
            "mutation($input: ExitEnrollmentInput!) { exitEnrollment(input: $input) { id } }",
            json!({ "input": { "enrollmentId": oli_ce, "exitDate": "2026-02-01",
                "newHeadOfHouseholdId": pam_ce } }),
        )
        .await;
    assess(&c, &pam_ce, "2026-02-15", "VIRTUAL", HOUSING, false).await;

    let report = &first_quarter(&c).await;
    //                                    Total, without, with children, only children, unknown
    table(report, "Q9a").has(&[
        ("Phone", &[0; 5]),
        ("Virtual", &[1, 1, 0, 0, 0]),
        ("Total Households Assessed", &[1, 1, 0, 0, 0]),
    ]);
    table(report, "Q9b").has(&[
        ("Not Placed on Prioritization List", &[1, 1, 0, 0, 0]),
        ("Placed on Prioritization List (Prioritized)", &[0; 5]),
    ]);
    // Q10 still counts both assessments.
    assert_eq!(
        row(report, "Q10", "Housing Needs Assessment"),
        [2, 0, 0, 0, 0, 0]
    );
}
