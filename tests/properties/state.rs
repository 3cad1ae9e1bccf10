//! The whole visible state, read back as ADMIN: the query, its counts and records, and how two
//! snapshots differ.

use super::*;

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
pub(crate) struct Counts {
    pub(crate) organizations: i64,
    pub(crate) projects: i64,
    pub(crate) clients: i64,
    pub(crate) enrollments: i64,
    pub(crate) ce_events: i64,
    pub(crate) referrals: i64,
    pub(crate) pending: i64,
    pub(crate) successful: i64,
    pub(crate) unsuccessful: i64,
    pub(crate) audit: i64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Snapshot {
    pub(crate) counts: Counts,
    pub(crate) organizations: Vec<Value>,
    pub(crate) projects: BTreeMap<String, Value>,
    pub(crate) clients: BTreeMap<String, Value>,
    pub(crate) enrollments: BTreeMap<String, Value>,
    pub(crate) events: BTreeMap<String, Value>,
}

impl Snapshot {
    /// What differs from `other`, briefly.
    pub(crate) fn difference(&self, other: &Snapshot) -> String {
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

impl World {
    /// Everything ADMIN sees, read back through the API.
    pub(crate) async fn snapshot(&self) -> Result<Snapshot, String> {
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
