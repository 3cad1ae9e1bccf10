//! Inputs chosen by hand and sent to every mutation: text that grows when lower-cased right at each
//! column's limit, and the far ends of every scalar.

use super::*;

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
