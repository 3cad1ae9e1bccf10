//! Who may resolve: ADMIN any referral; a referral naming no project, a PLM of the CE organization;
//! otherwise housing staff of the referred organization or a PLM of the referral's agency.

use super::*;

#[tokio::test]
async fn admin_may_resolve_any_referral() {
    let community = Community::new().await;
    let admin = community.admin();
    let (_, _, to_a) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    let (client_b, _, to_b) = community
        .referral("REFERRAL_TO_PSH", &community.psh_b, "2026-03-01")
        .await;
    let (_, _, without_project) = referral_without_project(&community).await;

    let reply = resolve(&admin, &to_a, PROVIDER_REJECTED, Some("2026-03-02"), None).await;
    assert_eq!(reply.data()["resolveReferral"]["status"], "UNSUCCESSFUL");
    let housing = create_enrollment(
        &community.staff_b,
        &client_b,
        &community.psh_b,
        "2026-03-05",
    )
    .await;
    let reply = resolve(&admin, &to_b, SUCCESSFUL, None, Some(&housing)).await;
    assert_eq!(reply.data()["resolveReferral"]["status"], "SUCCESSFUL");
    let reply = resolve(
        &admin,
        &without_project,
        CLIENT_REJECTED,
        Some("2026-03-02"),
        None,
    )
    .await;
    assert_eq!(reply.data()["resolveReferral"]["status"], "UNSUCCESSFUL");

    assert_eq!(
        read_ce_event(&community.plm, &to_a).await["status"],
        "UNSUCCESSFUL"
    );
    let stored = read_ce_event(&community.plm, &to_b).await;
    assert_eq!(stored["resultingEnrollment"]["id"], housing.as_str());
    assert_eq!(
        read_ce_event(&community.plm, &without_project).await["status"],
        "UNSUCCESSFUL"
    );
}

#[tokio::test]
async fn referral_without_a_project_is_resolved_by_a_plm_of_the_ce_organization() {
    let community = Community::new().await;
    let (_, _, event) = referral_without_project(&community).await;
    let reply = resolve(
        &community.plm,
        &event,
        CLIENT_REJECTED,
        Some("2026-03-03"),
        None,
    )
    .await;
    let resolved = reply.data()["resolveReferral"].clone();
    assert_eq!(resolved["status"], "UNSUCCESSFUL");
    assert_eq!(resolved["resultDate"], "2026-03-03");
    assert_eq!(
        read_ce_event(&community.plm, &event).await["status"],
        "UNSUCCESSFUL"
    );
}

#[tokio::test]
async fn referral_without_a_project_succeeds_with_an_enrollment_of_the_plms_organization() {
    let community = Community::new().await;
    let voucher_program = create_project(
        &community.admin(),
        &community.ce_org,
        "Metro Voucher Housing",
        "PH_HOUSING_ONLY",
    )
    .await;
    let (client, _, event) = referral_without_project(&community).await;
    let housing = create_enrollment(&community.plm, &client, &voucher_program, "2026-03-08").await;
    let reply = resolve(&community.plm, &event, SUCCESSFUL, None, Some(&housing)).await;
    let resolved = reply.data()["resolveReferral"].clone();
    assert_eq!(resolved["status"], "SUCCESSFUL");
    assert_eq!(resolved["resultDate"], "2026-03-08");
    let enrollment = read_enrollment(&community.plm, &housing).await;
    assert_eq!(enrollment["resolvedReferral"]["id"], event.as_str());
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
