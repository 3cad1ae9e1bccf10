//! The world a property runs in: a community on a real server, the ids the generator can name, and
//! the request (headers and body) each case resolves to.

use super::*;

pub(crate) struct World {
    pub(crate) community: Community,
    pub(crate) http: reqwest::Client,
    pub(crate) pools: BTreeMap<Kind, Vec<String>>,
    /// Token id -> the token itself, for the spare tokens and those made by `createApiToken`.
    pub(crate) token_secrets: HashMap<String, String>,
    pub(crate) snapshot: Snapshot,
    /// Cases that ran, and how many succeeded, per outcome, for the summary.
    pub(crate) outcomes: BTreeMap<String, usize>,
}

impl World {
    pub(crate) async fn new() -> World {
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

    pub(crate) fn pool_id(&self, kind: Kind, index: usize) -> String {
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
    pub(crate) fn credentials(
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
    pub(crate) fn body(&self, mutation: Mutation, input: &Input) -> (Vec<u8>, Map<String, Value>) {
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
    pub(crate) async fn send(
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
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
