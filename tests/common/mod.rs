//! Shared set-up for the black-box tests: a real Hearth server on a random port, over a real database,
//! driven through HTTP exactly as a client would.
//!
//! The database is a fresh SQLite file by default. With `TEST_DATABASE_URL=postgres://...` every test
//! gets its own fresh PostgreSQL database on that server instead (dropped when the test ends), so the
//! same tests prove both back ends. Organizations, users and tokens are made through the public API.

#![allow(dead_code)]

use chrono::NaiveDate;
use hearth::app::{self, AppState};
use hearth::config::{CommunitySettings, DatabaseSettings, ServerSettings};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::net::SocketAddr;
use uuid::Uuid;

/// "Today" for every test server: tests set the clock rather than depend on the calendar.
pub const TODAY: &str = "2026-06-15";

pub fn today() -> NaiveDate {
    date(TODAY)
}

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
}

/// Which database back end the tests run on.
pub fn backend_name() -> &'static str {
    if postgres_admin_url().is_some() {
        "postgres"
    } else {
        "sqlite"
    }
}

fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
}

/// A database made for one test, removed when the test ends.
pub struct TestDatabase {
    pub url: String,
    cleanup: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        match postgres_admin_url() {
            Some(admin_url) => {
                let name = format!("hearth_test_{}", Uuid::new_v4().simple());
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create the test database");
                admin.close().await.ok();
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(base, _)| base)
                    .unwrap_or(&admin_url);
                TestDatabase {
                    url: format!("{base}/{name}"),
                    cleanup: Some((admin_url.clone(), name)),
                }
            }
            None => {
                let dir = std::env::temp_dir().join("hearth-tests");
                std::fs::create_dir_all(&dir).expect("create the temp dir");
                let file = dir.join(format!("{}.db", Uuid::new_v4().simple()));
                TestDatabase {
                    url: format!("sqlite://{}?mode=rwc", file.display()),
                    cleanup: None,
                }
            }
        }
    }

    pub fn settings(&self) -> DatabaseSettings {
        DatabaseSettings {
            database_url: self.url.clone(),
            db_max_connections: 10,
            db_acquire_timeout_secs: 10,
            db_statement_timeout_secs: 30,
            read_replica_url: None,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.cleanup.take() {
            // Drop is not async: drop the database from a thread of its own.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(async {
                    if let Ok(admin) = Database::connect(&admin_url).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                    }
                });
                Ok::<(), std::io::Error>(())
            })
            .join();
        }
    }
}

pub fn server_settings() -> ServerSettings {
    ServerSettings {
        bind: "127.0.0.1:0".parse().expect("address"),
        ..ServerSettings::default()
    }
}

/// A running Hearth server and an ADMIN's token.
pub struct TestServer {
    pub address: SocketAddr,
    pub admin_token: String,
    pub services: hearth::service::Services,
    pub http: reqwest::Client,
    pub database: TestDatabase,
}

/// The test community: UTC, today fixed, HUD's example CoC code.
pub fn community() -> CommunitySettings {
    CommunitySettings {
        time_zone: chrono_tz::Tz::UTC,
        today: Some(today()),
        coc_code: "XX-501".to_owned(),
    }
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(server_settings()).await
    }

    pub async fn start_with(settings: ServerSettings) -> TestServer {
        let database = TestDatabase::create().await;
        let services = hearth::open(&database.settings(), &community())
            .await
            .expect("open the database");
        let admin =
            hearth::service::admin::create_admin(&services, "admin@hearth.test", Some("Ada Admin"))
                .await
                .expect("create the admin");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let state = AppState::new(services.clone(), settings);
        tokio::spawn(async move { app::serve(listener, state).await });
        TestServer {
            address,
            admin_token: admin.token,
            services,
            http: reqwest::Client::new(),
            database,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// The address of GraphQL over WebSocket.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/graphql/ws", self.address)
    }

    /// A client acting with `token` (and, if given, as `organization`).
    pub fn as_user(&self, token: &str, organization: Option<&str>) -> Gql {
        Gql {
            http: self.http.clone(),
            url: self.url("/graphql"),
            token: Some(token.to_owned()),
            organization: organization.map(str::to_owned),
        }
    }

    pub fn admin(&self) -> Gql {
        self.as_user(&self.admin_token, None)
    }

    pub fn anonymous(&self) -> Gql {
        Gql {
            http: self.http.clone(),
            url: self.url("/graphql"),
            token: None,
            organization: None,
        }
    }
}

/// A GraphQL client over HTTP.
#[derive(Clone)]
pub struct Gql {
    pub http: reqwest::Client,
    pub url: String,
    pub token: Option<String>,
    pub organization: Option<String>,
}

/// A GraphQL response: its HTTP status and JSON body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    /// `data`, asserting there were no errors.
    pub fn data(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none_or(Value::is_null),
            "unexpected errors: {}",
            self.body
        );
        &self.body["data"]
    }

    /// The `extensions.code` of the first error, asserting there is one.
    pub fn error_code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("expected an error with a code, got {}", self.body))
    }

    pub fn error_message(&self) -> &str {
        self.body["errors"][0]["message"].as_str().unwrap_or("")
    }

    /// Asserts the first error's code is `code` and returns its message.
    pub fn expect_error(&self, code: &str) -> &str {
        assert_eq!(self.error_code(), code, "body: {}", self.body);
        self.error_message()
    }

    /// For table-driven tests: asserts the first error's code is `code` and its message contains
    /// `says`, naming `case` in any failure; returns the message.
    #[track_caller]
    pub fn expect_refused(&self, case: &str, code: &str, says: &str) -> &str {
        assert_eq!(
            self.body["errors"][0]["extensions"]["code"].as_str(),
            Some(code),
            "case {case}: {}",
            self.body
        );
        let message = self.error_message();
        assert!(
            message.contains(says),
            "case {case}: {message:?} does not contain {says:?}"
        );
        message
    }

    /// For table-driven tests: `data`, asserting there were no errors, naming `case` in any failure.
    #[track_caller]
    pub fn expect_ok(&self, case: &str) -> &Value {
        assert!(
            self.body.get("errors").is_none_or(Value::is_null),
            "case {case}: unexpected errors: {}",
            self.body
        );
        &self.body["data"]
    }
}

impl Gql {
    pub fn acting_as(&self, organization: &str) -> Gql {
        Gql {
            organization: Some(organization.to_owned()),
            ..self.clone()
        }
    }

    pub async fn run(&self, query: &str, variables: Value) -> Reply {
        let mut request = self
            .http
            .post(&self.url)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(org) = &self.organization {
            request = request.header("X-Organization-Id", org);
        }
        let response = request.send().await.expect("send the request");
        let status = response.status().as_u16();
        let body = response.json().await.expect("a JSON body");
        Reply { status, body }
    }

    /// Runs `query` and returns its data, failing the test on any error.
    pub async fn ok(&self, query: &str, variables: Value) -> Value {
        self.run(query, variables).await.data().clone()
    }
}

/// A community to test with, made through the public API: a CE lead agency with a Priority List
/// Manager and a CE project, and two housing organizations with staff and projects.
pub struct Community {
    pub server: TestServer,
    pub ce_org: String,
    pub ce_project: String,
    pub plm: Gql,
    pub housing_a: String,
    pub staff_a: Gql,
    pub psh_a: String,
    pub rrh_a: String,
    pub housing_b: String,
    pub staff_b: Gql,
    pub psh_b: String,
    pub es_b: String,
}

impl Community {
    pub async fn new() -> Community {
        let server = TestServer::start().await;
        let admin = server.admin();
        let ce_org = create_organization(&admin, "Metro CE Lead Agency").await;
        let ce_project = create_project(
            &admin,
            &ce_org,
            "Metro Coordinated Entry",
            "COORDINATED_ENTRY",
        )
        .await;
        let housing_a = create_organization(&admin, "Hope Housing").await;
        let psh_a = create_project(
            &admin,
            &housing_a,
            "Hope PSH",
            "PH_PERMANENT_SUPPORTIVE_HOUSING",
        )
        .await;
        let rrh_a = create_project(&admin, &housing_a, "Hope RRH", "PH_RAPID_RE_HOUSING").await;
        let housing_b = create_organization(&admin, "Harbor Homes").await;
        let psh_b = create_project(
            &admin,
            &housing_b,
            "Harbor PSH",
            "PH_PERMANENT_SUPPORTIVE_HOUSING",
        )
        .await;
        let es_b = create_project(&admin, &housing_b, "Harbor Shelter", "ES_ENTRY_EXIT").await;
        let plm_token =
            create_member(&admin, "plm@ce.test", &ce_org, "PRIORITY_LIST_MANAGER").await;
        let staff_a_token =
            create_member(&admin, "staff@hope.test", &housing_a, "HOUSING_STAFF").await;
        let staff_b_token =
            create_member(&admin, "staff@harbor.test", &housing_b, "HOUSING_STAFF").await;
        let plm = server.as_user(&plm_token, None);
        let staff_a = server.as_user(&staff_a_token, None);
        let staff_b = server.as_user(&staff_b_token, None);
        Community {
            server,
            ce_org,
            ce_project,
            plm,
            housing_a,
            staff_a,
            psh_a,
            rrh_a,
            housing_b,
            staff_b,
            psh_b,
            es_b,
        }
    }

    pub fn admin(&self) -> Gql {
        self.server.admin()
    }

    /// A new user with `role` in `org`, signed in (their only membership: no organization to choose).
    pub async fn member(&self, email: &str, org: &str, role: &str) -> Gql {
        let token = create_member(&self.admin(), email, org, role).await;
        self.server.as_user(&token, None)
    }

    /// A client with a CE enrollment starting `ce_entry`, made by the PLM; returns (client, CE enrollment).
    pub async fn client_in_ce(&self, first: &str, last: &str, ce_entry: &str) -> (String, String) {
        let client = create_client(&self.plm, first, last).await;
        let enrollment = create_enrollment(&self.plm, &client, &self.ce_project, ce_entry).await;
        (client, enrollment)
    }

    /// A pending referral of a new client to `project`: returns (client, CE enrollment, CE event).
    pub async fn referral(
        &self,
        event_type: &str,
        project: &str,
        event_date: &str,
    ) -> (String, String, String) {
        let (client, ce_enrollment) = self.client_in_ce("Rae", "Referred", "2026-01-05").await;
        let event = create_ce_event(
            &self.plm,
            &ce_enrollment,
            event_date,
            event_type,
            Some(project),
        )
        .await;
        (client, ce_enrollment, event)
    }
}

pub async fn create_organization(admin: &Gql, name: &str) -> String {
    let data = admin
        .ok(
            "mutation($name: String!) { createOrganization(input: {name: $name}) { id } }",
            json!({ "name": name }),
        )
        .await;
    id(&data["createOrganization"])
}

pub async fn create_project(admin: &Gql, org: &str, name: &str, project_type: &str) -> String {
    let data = admin
        .ok(
            "mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }",
            json!({ "input": {
                "organizationId": org, "name": name, "projectType": project_type,
                "operatingStartDate": "2020-01-01"
            }}),
        )
        .await;
    id(&data["createProject"])
}

/// Creates a user with `role` in `org` and returns a token for them.
pub async fn create_member(admin: &Gql, email: &str, org: &str, role: &str) -> String {
    let data = admin
        .ok(
            "mutation($email: String!) { createUser(input: {email: $email, name: \"Test User\"}) { id } }",
            json!({ "email": email }),
        )
        .await;
    let user = id(&data["createUser"]);
    grant_role(admin, &user, org, role).await;
    create_token(admin, &user).await
}

pub async fn grant_role(admin: &Gql, user: &str, org: &str, role: &str) {
    admin
        .ok(
            "mutation($input: GrantRoleInput!) { grantRole(input: $input) { role } }",
            json!({ "input": { "userId": user, "organizationId": org, "role": role } }),
        )
        .await;
}

pub async fn create_token(admin: &Gql, user: &str) -> String {
    let data = admin
        .ok(
            "mutation($user: ID!) { createApiToken(input: {userId: $user, label: \"test\"}) { token } }",
            json!({ "user": user }),
        )
        .await;
    data["createApiToken"]["token"]
        .as_str()
        .expect("token")
        .to_owned()
}

pub async fn create_client(who: &Gql, first: &str, last: &str) -> String {
    let data = who
        .ok(
            "mutation($input: CreateClientInput!) { createClient(input: $input) { id } }",
            json!({ "input": { "firstName": first, "lastName": last, "dateOfBirth": "1980-04-02" } }),
        )
        .await;
    id(&data["createClient"])
}

pub const CREATE_ENROLLMENT: &str =
    "mutation($input: CreateEnrollmentInput!) { createEnrollment(input: $input) { id entryDate } }";

pub async fn create_enrollment(who: &Gql, client: &str, project: &str, entry: &str) -> String {
    let data = who
        .ok(
            CREATE_ENROLLMENT,
            json!({ "input": { "clientId": client, "projectId": project, "entryDate": entry } }),
        )
        .await;
    id(&data["createEnrollment"])
}

pub const CREATE_CE_EVENT: &str =
    "mutation($input: CreateCeEventInput!) { createCeEvent(input: $input) { id status } }";

pub async fn create_ce_event(
    who: &Gql,
    enrollment: &str,
    event_date: &str,
    event_type: &str,
    referred_project: Option<&str>,
) -> String {
    let data = who
        .ok(
            CREATE_CE_EVENT,
            json!({ "input": {
                "enrollmentId": enrollment, "eventDate": event_date, "eventType": event_type,
                "referredProjectId": referred_project
            }}),
        )
        .await;
    id(&data["createCeEvent"])
}

pub const RESOLVE_REFERRAL: &str = "mutation($input: ResolveReferralInput!) {
  resolveReferral(input: $input) {
    id status referralResult resultDate resultingEnrollment { id }
  }
}";

pub fn id(value: &Value) -> String {
    value["id"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an id in {value}"))
        .to_owned()
}

// ---------------------------------------------------------------------------------------------------
// Helpers for the workflow tests: more projects, mutations that return the whole reply, and reads that
// show a record's state after a mutation was refused.
// ---------------------------------------------------------------------------------------------------

/// A project with the given operating dates (the plain [`create_project`] starts 2020-01-01, open-ended).
pub async fn create_project_dated(
    admin: &Gql,
    org: &str,
    name: &str,
    project_type: &str,
    start: &str,
    end: Option<&str>,
) -> String {
    let data = admin
        .ok(
            "mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }",
            json!({ "input": {
                "organizationId": org, "name": name, "projectType": project_type,
                "operatingStartDate": start, "operatingEndDate": end
            }}),
        )
        .await;
    id(&data["createProject"])
}

/// The signed-in user's id (from `me`).
pub async fn user_id(who: &Gql) -> String {
    let data = who.ok("{ me { user { id } } }", json!({})).await;
    data["me"]["user"]["id"]
        .as_str()
        .expect("user id")
        .to_owned()
}

/// A new client with a date of birth; the whole reply.
pub async fn try_create_client(who: &Gql, first: &str, last: &str, dob: Option<&str>) -> Reply {
    who.run(
        "mutation($input: CreateClientInput!) {
           createClient(input: $input) { id firstName lastName dateOfBirth }
         }",
        json!({ "input": { "firstName": first, "lastName": last, "dateOfBirth": dob } }),
    )
    .await
}

/// Intake; the whole reply.
pub async fn try_create_enrollment(who: &Gql, client: &str, project: &str, entry: &str) -> Reply {
    who.run(
        CREATE_ENROLLMENT,
        json!({ "input": { "clientId": client, "projectId": project, "entryDate": entry } }),
    )
    .await
}

pub const RECORD_MOVE_IN: &str = "mutation($input: RecordMoveInInput!) {
  recordMoveIn(input: $input) { id moveInDate }
}";

pub async fn try_record_move_in(who: &Gql, enrollment: &str, move_in: &str) -> Reply {
    who.run(
        RECORD_MOVE_IN,
        json!({ "input": { "enrollmentId": enrollment, "moveInDate": move_in } }),
    )
    .await
}

pub async fn record_move_in(who: &Gql, enrollment: &str, move_in: &str) {
    try_record_move_in(who, enrollment, move_in).await.data();
}

pub const EXIT_ENROLLMENT: &str = "mutation($input: ExitEnrollmentInput!) {
  exitEnrollment(input: $input) { id exitDate }
}";

pub async fn try_exit_enrollment(who: &Gql, enrollment: &str, exit: &str) -> Reply {
    who.run(
        EXIT_ENROLLMENT,
        json!({ "input": { "enrollmentId": enrollment, "exitDate": exit } }),
    )
    .await
}

pub async fn exit_enrollment(who: &Gql, enrollment: &str, exit: &str) {
    try_exit_enrollment(who, enrollment, exit).await.data();
}

/// Records a CE event; the whole reply.
pub async fn try_create_ce_event(
    who: &Gql,
    enrollment: &str,
    event_date: &str,
    event_type: &str,
    referred_project: Option<&str>,
) -> Reply {
    who.run(
        CREATE_CE_EVENT,
        json!({ "input": {
            "enrollmentId": enrollment, "eventDate": event_date, "eventType": event_type,
            "referredProjectId": referred_project
        }}),
    )
    .await
}

/// Resolves a referral; the whole reply.
pub async fn resolve(
    who: &Gql,
    event: &str,
    result: &str,
    result_date: Option<&str>,
    resulting_enrollment: Option<&str>,
) -> Reply {
    who.run(
        RESOLVE_REFERRAL,
        json!({ "input": {
            "ceEventId": event, "referralResult": result, "resultDate": result_date,
            "resultingEnrollmentId": resulting_enrollment
        }}),
    )
    .await
}

/// A CE event as `who` sees it (null when out of scope).
pub async fn read_ce_event(who: &Gql, event: &str) -> Value {
    let data = who
        .ok(
            "query($id: ID!) { ceEvent(id: $id) {
               id status eventType eventDate referralResult resultDate
               resultingEnrollment { id } referredProject { id } client { id } enrollment { id }
               dateCreated dateUpdated
             } }",
            json!({ "id": event }),
        )
        .await;
    data["ceEvent"].clone()
}

/// An enrollment as `who` sees it (null when out of scope).
pub async fn read_enrollment(who: &Gql, enrollment: &str) -> Value {
    let data = who
        .ok(
            "query($id: ID!) { enrollment(id: $id) {
               id entryDate exitDate moveInDate project { id } client { id }
               ceEvents { id } resolvedReferral { id }
             } }",
            json!({ "id": enrollment }),
        )
        .await;
    data["enrollment"].clone()
}

/// A client as `who` sees it (null when out of scope).
pub async fn read_client(who: &Gql, client: &str) -> Value {
    let data = who
        .ok(
            "query($id: ID!) { client(id: $id) {
               id firstName lastName dateOfBirth enrollments { id entryDate project { id } }
             } }",
            json!({ "id": client }),
        )
        .await;
    data["client"].clone()
}

/// Asserts the referral is still unresolved, as the community-wide `who` (PLM or ADMIN) sees it.
pub async fn assert_pending(who: &Gql, event: &str) {
    let event = read_ce_event(who, event).await;
    assert_eq!(event["status"], "PENDING", "{event}");
    assert!(event["referralResult"].is_null(), "{event}");
    assert!(event["resultDate"].is_null(), "{event}");
    assert!(event["resultingEnrollment"].is_null(), "{event}");
}

/// A well-formed id that names nothing.
pub fn unknown_id() -> String {
    Uuid::new_v4().to_string()
}
pub mod process;
pub mod ws;

/// Runs `UPDATE {table} SET {assignment} WHERE id = <id>` on the test server's database behind the
/// API's back (to stage data the API would never write). SQLite keeps UUIDs as 16-byte blobs.
pub async fn update_behind_the_api(server: &TestServer, table: &str, assignment: &str, id: &str) {
    use sea_orm::ConnectionTrait;
    let db = &server.services.db;
    let key = if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        format!("x'{}'", id.replace('-', ""))
    } else {
        format!("'{id}'")
    };
    db.execute_unprepared(&format!("UPDATE {table} SET {assignment} WHERE id = {key}"))
        .await
        .expect("the update");
}
