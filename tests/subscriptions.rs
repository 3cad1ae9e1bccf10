//! The `referralUpdated` subscription over WebSocket at /graphql/ws, with the graphql-transport-ws
//! protocol: who is told of which referral being created and resolved.

mod common;

use common::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const REFERRAL_UPDATED: &str =
    "subscription { referralUpdated { id status referralResult referredProject { id } } }";

/// How long to wait for a message that must come.
const EXPECTED: Duration = Duration::from_secs(10);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A community whose server relays referral changes through PostgreSQL's LISTEN/NOTIFY, as every
/// `hearth serve` does (`app::serve`); on SQLite changes fan out in-process.
async fn serving_community() -> Community {
    Community::new().await
}

/// Opens /graphql/ws asking for the graphql-transport-ws sub-protocol.
async fn open_socket(community: &Community) -> Socket {
    let mut request = format!("ws://{}/graphql/ws", community.server.address)
        .into_client_request()
        .expect("a WebSocket request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("the WebSocket handshake");
    assert_eq!(
        response
            .headers()
            .get("Sec-WebSocket-Protocol")
            .and_then(|v| v.to_str().ok()),
        Some("graphql-transport-ws")
    );
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .expect("send a message");
}

/// The next protocol message (a JSON text frame), or None when none comes within `wait`.
async fn receive(socket: &mut Socket, wait: Duration) -> Option<Value> {
    loop {
        let frame = match tokio::time::timeout(wait, socket.next()).await {
            Err(_) => return None,
            Ok(None) => panic!("the server closed the connection"),
            Ok(Some(frame)) => frame.expect("a WebSocket frame"),
        };
        match frame {
            Message::Text(text) => {
                let message: Value = serde_json::from_str(&text).expect("a JSON message");
                if message["type"] == "ping" {
                    send(socket, json!({ "type": "pong" })).await;
                    continue;
                }
                return Some(message);
            }
            Message::Close(frame) => panic!("the server closed the connection: {frame:?}"),
            // WebSocket pings are answered by tungstenite itself.
            _ => continue,
        }
    }
}

/// A signed-in subscriber to `referralUpdated`.
struct Subscriber {
    socket: Socket,
}

impl Subscriber {
    async fn start(community: &Community, who: &Gql, organization: &str) -> Subscriber {
        let mut socket = open_socket(community).await;
        let token = who.token.clone().expect("a token");
        send(
            &mut socket,
            json!({ "type": "connection_init", "payload": {
                "Authorization": format!("Bearer {token}"),
                "X-Organization-Id": organization,
            }}),
        )
        .await;
        let ack = receive(&mut socket, EXPECTED)
            .await
            .expect("connection_ack");
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        send(
            &mut socket,
            json!({ "id": "1", "type": "subscribe", "payload": { "query": REFERRAL_UPDATED } }),
        )
        .await;
        Subscriber { socket }
    }

    /// The next `referralUpdated` event, or None when none comes within `wait`.
    async fn next_event(&mut self, wait: Duration) -> Option<Value> {
        let message = receive(&mut self.socket, wait).await?;
        assert_eq!(message["type"], "next", "{message}");
        assert_eq!(message["id"], "1", "{message}");
        assert!(message["payload"]["errors"].is_null(), "{message}");
        Some(message["payload"]["data"]["referralUpdated"].clone())
    }

    /// The next event whose id is not one of `ignored` (which must come).
    async fn next_event_except(&mut self, ignored: &HashSet<String>) -> Value {
        loop {
            let event = self
                .next_event(EXPECTED)
                .await
                .expect("a referralUpdated event");
            if !ignored.contains(&id(&event)) {
                return event;
            }
        }
    }

    /// The server starts listening for the subscription some time after `subscribe`; until the
    /// subscriber hears of a referral made after it subscribed, it may miss changes. Makes referrals
    /// to `project` until one is heard of, and returns their ids (to skip later).
    async fn until_listening(&mut self, community: &Community, project: &str) -> HashSet<String> {
        let mut warm_up = HashSet::new();
        for _ in 0..50 {
            let (_, _, event) = community
                .referral("REFERRAL_TO_PSH", project, "2026-03-01")
                .await;
            warm_up.insert(event);
            if let Some(heard) = self.next_event(Duration::from_millis(200)).await {
                assert!(warm_up.contains(&id(&heard)), "unexpected event {heard}");
                return warm_up;
            }
        }
        panic!("the subscription never started listening");
    }
}

#[tokio::test]
async fn housing_staff_are_told_when_a_referral_to_their_project_is_created_and_resolved() {
    let community = serving_community().await;
    let mut staff_a = Subscriber::start(&community, &community.staff_a, &community.housing_a).await;
    let warm_up = staff_a.until_listening(&community, &community.psh_a).await;

    let (_, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    let created = staff_a.next_event_except(&warm_up).await;
    assert_eq!(created["id"], event.as_str());
    assert_eq!(created["status"], "PENDING");
    assert_eq!(created["referredProject"]["id"], community.psh_a.as_str());

    resolve(
        &community.staff_a,
        &event,
        "UNSUCCESSFUL_PROVIDER_REJECTED",
        Some("2026-03-02"),
        None,
    )
    .await
    .data();
    let resolved = staff_a.next_event_except(&warm_up).await;
    assert_eq!(resolved["id"], event.as_str());
    assert_eq!(resolved["status"], "UNSUCCESSFUL");
    assert_eq!(resolved["referralResult"], "UNSUCCESSFUL_PROVIDER_REJECTED");
}

#[tokio::test]
async fn housing_staff_are_not_sent_referrals_to_another_organizations_projects() {
    let community = serving_community().await;
    let mut staff_a = Subscriber::start(&community, &community.staff_a, &community.housing_a).await;
    let warm_up = staff_a.until_listening(&community, &community.psh_a).await;

    // A referral to org B's project, created and resolved, and a referral naming no project...
    let (_, ce_enrollment, to_b) = community
        .referral("REFERRAL_TO_PSH", &community.psh_b, "2026-03-01")
        .await;
    resolve(
        &community.staff_b,
        &to_b,
        "UNSUCCESSFUL_CLIENT_REJECTED",
        Some("2026-03-02"),
        None,
    )
    .await
    .data();
    let no_project = create_ce_event(
        &community.plm,
        &ce_enrollment,
        "2026-03-01",
        "REFERRAL_TO_HOUSING_STABILITY_VOUCHER",
        None,
    )
    .await;
    // ...then one to org A's project. Changes are delivered in order, so anything sent about the
    // others would arrive before this one.
    let (_, _, to_a) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    let heard = staff_a.next_event_except(&warm_up).await;
    assert_ne!(heard["id"], to_b.as_str(), "told of org B's referral");
    assert_ne!(
        heard["id"],
        no_project.as_str(),
        "told of a referral naming no project"
    );
    assert_eq!(heard["id"], to_a.as_str());
    assert_eq!(heard["referredProject"]["id"], community.psh_a.as_str());
}

#[tokio::test]
async fn priority_list_managers_are_told_of_every_referral() {
    let community = serving_community().await;
    let mut plm = Subscriber::start(&community, &community.plm, &community.ce_org).await;
    let warm_up = plm.until_listening(&community, &community.psh_a).await;

    let (_, _, to_b) = community
        .referral("REFERRAL_TO_PSH", &community.psh_b, "2026-03-01")
        .await;
    let (_, _, to_a) = community
        .referral("REFERRAL_TO_RRH", &community.rrh_a, "2026-03-01")
        .await;
    resolve(
        &community.staff_b,
        &to_b,
        "UNSUCCESSFUL_CLIENT_REJECTED",
        Some("2026-03-02"),
        None,
    )
    .await
    .data();
    let heard: Vec<(Value, Value)> = [
        plm.next_event_except(&warm_up).await,
        plm.next_event_except(&warm_up).await,
        plm.next_event_except(&warm_up).await,
    ]
    .into_iter()
    .map(|event| (event["id"].clone(), event["status"].clone()))
    .collect();
    assert_eq!(
        heard,
        vec![
            (json!(to_b), json!("PENDING")),
            (json!(to_a), json!("PENDING")),
            (json!(to_b), json!("UNSUCCESSFUL")),
        ]
    );
}

#[tokio::test]
async fn subscription_with_an_unknown_token_is_refused() {
    let community = serving_community().await;
    let mut socket = open_socket(&community).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": {
            "Authorization": "Bearer hth_not-a-real-token",
        }}),
    )
    .await;
    let answer = tokio::time::timeout(EXPECTED, socket.next())
        .await
        .expect("an answer to connection_init");
    match answer {
        // The connection is closed without an acknowledgement.
        None | Some(Ok(Message::Close(_))) | Some(Err(_)) => {}
        Some(Ok(other)) => panic!("expected the connection to close, got {other:?}"),
    }
}
