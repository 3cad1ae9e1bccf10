//! The workflow's invariants over a snapshot: counts agree with records, dates fall inside stays and
//! operating periods, and every referral's status fits its result and resulting enrollment.

use super::*;

pub(crate) fn check_invariants(s: &Snapshot) -> Result<(), String> {
    let today = TODAY;
    let str_of = |v: &Value| v.as_str().map(str::to_owned);
    // Counts agree with the records.
    if s.counts.clients != s.clients.len() as i64 {
        return Err(format!(
            "clients totalCount {} but {} listed",
            s.counts.clients,
            s.clients.len()
        ));
    }
    let referral_events: Vec<&Value> = s
        .events
        .values()
        .filter(|e| REFERRAL_TYPES.contains(&e["eventType"].as_str().unwrap_or("")))
        .collect();
    let status_count = |status: &str| {
        referral_events
            .iter()
            .filter(|e| e["status"] == status)
            .count() as i64
    };
    if s.counts.referrals != referral_events.len() as i64
        || s.counts.pending != status_count("PENDING")
        || s.counts.successful != status_count("SUCCESSFUL")
        || s.counts.unsuccessful != status_count("UNSUCCESSFUL")
        || s.counts.referrals != s.counts.pending + s.counts.successful + s.counts.unsuccessful
    {
        return Err(format!(
            "referral totals {:?} disagree with the {} referral events listed",
            s.counts,
            referral_events.len()
        ));
    }
    for org in &s.organizations {
        clean_text(&org["name"], 200).map_err(|e| format!("organization {}: {e}", org["id"]))?;
    }
    for project in s.projects.values() {
        clean_text(&project["name"], 200).map_err(|e| format!("project {}: {e}", project["id"]))?;
        let start = str_of(&project["operatingStartDate"]).ok_or("project without a start")?;
        if start.as_str() < "1900-01-01" {
            return Err(format!("project starts before 1900: {project}"));
        }
        if let Some(end) = str_of(&project["operatingEndDate"])
            && end < start
        {
            return Err(format!("project ends before it starts: {project}"));
        }
    }
    for client in s.clients.values() {
        clean_text(&client["firstName"], 100)
            .map_err(|e| format!("client {}: {e}", client["id"]))?;
        clean_text(&client["lastName"], 100)
            .map_err(|e| format!("client {}: {e}", client["id"]))?;
        if let Some(dob) = str_of(&client["dateOfBirth"])
            && (dob.as_str() < "1900-01-01" || dob.as_str() > today)
        {
            return Err(format!("client born outside 1900..today: {client}"));
        }
    }
    // Enrollments.
    // (client, project) -> its stays: (entry, exit).
    type Stays = Vec<(String, Option<String>)>;
    let mut spans: HashMap<(String, String), Stays> = HashMap::new();
    for e in s.enrollments.values() {
        let bad = |what: &str| Err(format!("enrollment {what}: {e}"));
        if e["client"]["id"] != e["parentClient"] {
            return bad("listed under another client");
        }
        let entry = str_of(&e["entryDate"]).ok_or("enrollment without entryDate")?;
        let exit = str_of(&e["exitDate"]);
        let move_in = str_of(&e["moveInDate"]);
        if entry.as_str() > today {
            return bad("starts in the future");
        }
        let project = &e["project"];
        if let Some(start) = str_of(&project["operatingStartDate"])
            && entry < start
        {
            return bad("starts before its project operates");
        }
        if let Some(end) = str_of(&project["operatingEndDate"])
            && entry > end
        {
            return bad("starts after its project stopped operating");
        }
        if let Some(exit) = &exit
            && (*exit < entry || exit.as_str() > today)
        {
            return bad("exits before entry or in the future");
        }
        if let Some(move_in) = &move_in {
            if !PERMANENT_HOUSING.contains(&project["projectType"].as_str().unwrap_or("")) {
                return bad("has a move-in date outside permanent housing");
            }
            if *move_in < entry
                || move_in.as_str() > today
                || exit.as_ref().is_some_and(|x| x < move_in)
            {
                return bad("moves in outside its stay");
            }
        }
        spans
            .entry((
                e["client"]["id"].as_str().unwrap_or("").to_owned(),
                project["id"].as_str().unwrap_or("").to_owned(),
            ))
            .or_default()
            .push((entry, exit));
    }
    for ((client, project), stays) in &spans {
        for (i, a) in stays.iter().enumerate() {
            for b in &stays[i + 1..] {
                let ends = |s: &(String, Option<String>)| s.1.clone().unwrap_or_else(|| "~".into());
                if a.0 < ends(b) && b.0 < ends(a) {
                    return Err(format!(
                        "client {client} has overlapping enrollments in project {project}: {a:?} and {b:?}"
                    ));
                }
            }
        }
    }
    // CE events and referrals.
    let mut resulting: HashSet<String> = HashSet::new();
    for event in s.events.values() {
        let bad = |what: &str| Err(format!("CE event {what}: {event}"));
        if event["client"]["id"] != event["parentClient"] {
            return bad("listed under another client");
        }
        let date = str_of(&event["eventDate"]).ok_or("event without a date")?;
        let enrollment = &event["enrollment"];
        if enrollment["project"]["projectType"] != "COORDINATED_ENTRY" {
            return bad("recorded outside a CE enrollment");
        }
        if enrollment["id"]
            .as_str()
            .is_none_or(|id| !s.enrollments.contains_key(id))
        {
            return bad("recorded in an enrollment the client does not have");
        }
        if date.as_str() > today
            || str_of(&enrollment["entryDate"]).is_some_and(|entry| date < entry)
            || str_of(&enrollment["exitDate"]).is_some_and(|exit| date > exit)
        {
            return bad("dated outside its CE enrollment or in the future");
        }
        if event["referredProject"]["projectType"] == "COORDINATED_ENTRY" {
            return bad("refers to a CE project");
        }
        let is_referral = REFERRAL_TYPES.contains(&event["eventType"].as_str().unwrap_or(""));
        let result = &event["referralResult"];
        let result_date = str_of(&event["resultDate"]);
        let resulting_enrollment = &event["resultingEnrollment"];
        match event["status"].as_str() {
            Some("NOT_A_REFERRAL") | Some("PENDING") => {
                if event["status"] == "NOT_A_REFERRAL" && is_referral
                    || event["status"] == "PENDING" && !is_referral
                {
                    return bad("has a status that does not fit its type");
                }
                if !result.is_null() || result_date.is_some() || !resulting_enrollment.is_null() {
                    return bad("is unresolved but carries a result");
                }
            }
            Some("SUCCESSFUL") => {
                let Some(result_date) = result_date else {
                    return bad("is successful without a result date");
                };
                if !is_referral
                    || *result != "SUCCESSFUL_CLIENT_ACCEPTED"
                    || resulting_enrollment.is_null()
                {
                    return bad("is successful without its result or resulting enrollment");
                }
                if resulting_enrollment["client"]["id"] != event["client"]["id"] {
                    return bad("resulted in another client's enrollment");
                }
                if !event["referredProject"].is_null()
                    && resulting_enrollment["project"]["id"] != event["referredProject"]["id"]
                {
                    return bad("resulted in an enrollment outside the referred project");
                }
                if resulting_enrollment["entryDate"] != result_date.as_str() {
                    return bad("has a result date other than its enrollment's entry date");
                }
                if result_date < date {
                    return bad("resulted before it was made");
                }
                let enrollment_id = resulting_enrollment["id"].as_str().unwrap_or("").to_owned();
                if !resulting.insert(enrollment_id.clone()) {
                    return bad("shares its resulting enrollment with another referral");
                }
                match s.enrollments.get(&enrollment_id) {
                    Some(e) if e["resolvedReferral"]["id"] == event["id"] => {}
                    _ => return bad("is not the resolvedReferral of its resulting enrollment"),
                }
            }
            Some("UNSUCCESSFUL") => {
                let Some(result_date) = result_date else {
                    return bad("is unsuccessful without a result date");
                };
                if !is_referral
                    || !matches!(
                        result.as_str(),
                        Some("UNSUCCESSFUL_CLIENT_REJECTED" | "UNSUCCESSFUL_PROVIDER_REJECTED")
                    )
                    || !resulting_enrollment.is_null()
                {
                    return bad("is unsuccessful with the wrong result or an enrollment");
                }
                if result_date < date || result_date.as_str() > today {
                    return bad("has a result date before the event or in the future");
                }
            }
            _ => return bad("has an unknown status"),
        }
    }
    for e in s.enrollments.values() {
        if let Some(referral) = e["resolvedReferral"]["id"].as_str()
            && s.events
                .get(referral)
                .is_none_or(|ev| ev["resultingEnrollment"]["id"] != e["id"])
        {
            return Err(format!(
                "enrollment names a resolvedReferral that does not name it: {e}"
            ));
        }
    }
    Ok(())
}
