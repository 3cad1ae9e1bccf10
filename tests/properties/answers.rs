//! Classifying an answer (a clean success or a clean refusal, nothing else) and running one case:
//! the answer, then the state read back, its invariants, and what a refusal may not change.

use super::*;

pub(crate) enum Outcome {
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

pub(crate) fn classify(
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

impl World {
    /// Runs one case and checks the answer and the state after it.
    pub(crate) async fn check(&mut self, mutation: Mutation, case: Case) -> Result<(), String> {
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
}
