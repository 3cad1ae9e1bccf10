//! Who may resolve: ADMIN any referral; a referral naming no project, a PLM of the CE organization;
//! otherwise housing staff of the referred organization or a PLM of the referral's agency.

use super::*;

/// A resolution that is allowed: who makes it, of which referral, with what result.
struct Allowed<'a> {
    name: &'static str,
    who: &'a Gql,
    /// The referred project; none for a referral of event type 18.
    referred: Option<&'a str>,
    result: &'static str,
    result_date: Option<&'static str>,
    /// The resulting enrollment: who makes it, in which project, from which date.
    resulting: Option<(&'a Gql, &'a str, &'static str)>,
    /// The resolution's status and result date.
    status: &'static str,
    dated: &'static str,
}

#[tokio::test]
async fn an_admin_resolves_any_referral_and_a_plm_of_the_ce_organization_one_naming_no_project() {
    let community = Community::new().await;
    let admin = community.admin();
    let c = &community;
    let voucher_program = create_project(
        &admin,
        &c.ce_org,
        "Metro Voucher Housing",
        "PH_HOUSING_ONLY",
    )
    .await;
    let cases = [
        Allowed {
            name: "an ADMIN, unsuccessful, to org A",
            who: &admin,
            referred: Some(&c.psh_a),
            result: PROVIDER_REJECTED,
            result_date: Some("2026-03-02"),
            resulting: None,
            status: "UNSUCCESSFUL",
            dated: "2026-03-02",
        },
        Allowed {
            name: "an ADMIN, successful, to org B",
            who: &admin,
            referred: Some(&c.psh_b),
            result: SUCCESSFUL,
            result_date: None,
            resulting: Some((&c.staff_b, &c.psh_b, "2026-03-05")),
            status: "SUCCESSFUL",
            dated: "2026-03-05",
        },
        Allowed {
            name: "an ADMIN, no project",
            who: &admin,
            referred: None,
            result: CLIENT_REJECTED,
            result_date: Some("2026-03-02"),
            resulting: None,
            status: "UNSUCCESSFUL",
            dated: "2026-03-02",
        },
        Allowed {
            name: "the PLM, unsuccessful, no project",
            who: &c.plm,
            referred: None,
            result: CLIENT_REJECTED,
            result_date: Some("2026-03-03"),
            resulting: None,
            status: "UNSUCCESSFUL",
            dated: "2026-03-03",
        },
        // The enrollment is in a program of the PLM's own organization.
        Allowed {
            name: "the PLM, successful, no project",
            who: &c.plm,
            referred: None,
            result: SUCCESSFUL,
            result_date: None,
            resulting: Some((&c.plm, &voucher_program, "2026-03-08")),
            status: "SUCCESSFUL",
            dated: "2026-03-08",
        },
    ];
    for case in cases {
        let name = case.name;
        let (client, _, event) = match case.referred {
            Some(project) => c.referral("REFERRAL_TO_PSH", project, "2026-03-01").await,
            None => referral_without_project(c).await,
        };
        let housing = match case.resulting {
            Some((who, project, entry)) => {
                Some(create_enrollment(who, &client, project, entry).await)
            }
            None => None,
        };
        let reply = resolve(
            case.who,
            &event,
            case.result,
            case.result_date,
            housing.as_deref(),
        )
        .await;
        let resolved = &reply.expect_ok(name)["resolveReferral"];
        assert_eq!(resolved["status"], case.status, "case {name}: {resolved}");
        assert_eq!(
            resolved["resultDate"], case.dated,
            "case {name}: {resolved}"
        );
        let stored = read_ce_event(&c.plm, &event).await;
        assert_eq!(stored["status"], case.status, "case {name}: {stored}");
        match &housing {
            Some(housing) => {
                assert_eq!(
                    stored["resultingEnrollment"]["id"],
                    housing.as_str(),
                    "case {name}: {stored}"
                );
                let enrollment = read_enrollment(&c.plm, housing).await;
                assert_eq!(
                    enrollment["resolvedReferral"]["id"],
                    event.as_str(),
                    "case {name}: {enrollment}"
                );
            }
            None => assert!(
                stored["resultingEnrollment"].is_null(),
                "case {name}: {stored}"
            ),
        }
    }
}

#[tokio::test]
async fn only_housing_staff_of_the_referred_organization_or_a_plm_of_the_referral_s_agency_resolve()
{
    use Referral::*;
    use Resulting::*;
    use Who::*;
    let community = Community::new().await;
    let callers = Callers::new(&community).await;
    // Org B's staff cannot see a referral to org A's project, so it is NOT_FOUND (not FORBIDDEN); a
    // PLM sees every CE event, but one recorded in another agency's CE project is FORBIDDEN.
    let (_, _, to_a) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    assert!(read_ce_event(&community.staff_b, &to_a).await.is_null());
    let (_, _, voucher) = referral_without_project(&community).await;
    assert!(!read_ce_event(&callers.other_plm, &voucher).await.is_null());
    #[rustfmt::skip]
    let cases = [
        Refusal { name: "staff of another organization", who: StaffB, referral: ToPshA, result: PROVIDER_REJECTED, result_date: Some("2026-03-02"), resulting: NoEnrollment, code: "NOT_FOUND", says: "No CE event with id" },
        Refusal { name: "a PLM, unsuccessful", who: Plm, referral: ToPshA, result: PROVIDER_REJECTED, result_date: Some("2026-03-02"), resulting: NoEnrollment, code: "FORBIDDEN", says: "Only HOUSING_STAFF of the organization that operates the referred project" },
        Refusal { name: "a PLM, successful", who: Plm, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: InPshA("2026-03-10"), code: "FORBIDDEN", says: "Only HOUSING_STAFF of the organization that operates the referred project" },
        // The right organization but the wrong role.
        Refusal { name: "a PLM of the referred organization", who: PlmOfA, referral: ToPshA, result: PROVIDER_REJECTED, result_date: Some("2026-03-02"), resulting: NoEnrollment, code: "FORBIDDEN", says: "Only HOUSING_STAFF of the organization that operates the referred project" },
        Refusal { name: "a PLM of another agency, no project", who: OtherPlm, referral: WithoutProject, result: CLIENT_REJECTED, result_date: Some("2026-03-03"), resulting: NoEnrollment, code: "FORBIDDEN", says: "only a PRIORITY_LIST_MANAGER of the organization operating the CE project" },
        Refusal { name: "housing staff, no project", who: StaffA, referral: WithoutProject, result: CLIENT_REJECTED, result_date: Some("2026-03-03"), resulting: NoEnrollment, code: "NOT_FOUND", says: "No CE event with id" },
        Refusal { name: "the CE agency's housing staff, no project", who: CeStaff, referral: WithoutProject, result: CLIENT_REJECTED, result_date: Some("2026-03-03"), resulting: NoEnrollment, code: "NOT_FOUND", says: "No CE event with id" },
    ];
    assert_refused(&community, &callers, &cases).await;
}
