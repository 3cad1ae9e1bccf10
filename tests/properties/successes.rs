//! What a successful mutation must have changed (counts, stored text, tokens), and the new records
//! it adds to the pools.

use super::*;

impl World {
    /// Checks what a successful mutation changed, and adds what it made to the pools.
    pub(crate) async fn after_success(
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
}

pub(crate) fn clean_text(value: &Value, max: usize) -> Result<(), String> {
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
