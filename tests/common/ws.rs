//! A minimal graphql-transport-ws client over a real WebSocket, for subscription tests.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

pub struct Subscriber {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Subscriber {
    /// Connects to `ws_url`, authenticates in `connection_init` and waits for `connection_ack`.
    pub async fn connect(ws_url: &str, token: &str, organization: Option<&str>) -> Subscriber {
        let mut subscriber = Subscriber::open(ws_url).await;
        let ack = subscriber.init(token, organization).await;
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        subscriber
    }

    /// Opens the WebSocket with the graphql-transport-ws sub-protocol, sending nothing.
    pub async fn open(ws_url: &str) -> Subscriber {
        let mut request = ws_url.into_client_request().expect("a WebSocket URL");
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().expect("header value"),
        );
        let (socket, _) = connect_async(request).await.expect("connect the WebSocket");
        Subscriber { socket }
    }

    /// Sends `connection_init` with `token` (and `organization`) and returns the server's answer.
    pub async fn init(&mut self, token: &str, organization: Option<&str>) -> Value {
        let mut payload = json!({ "Authorization": format!("Bearer {token}") });
        if let Some(org) = organization {
            payload["X-Organization-Id"] = json!(org);
        }
        self.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        self.next_message(Duration::from_secs(10)).await
    }

    pub async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::Text(message.to_string().into()))
            .await
            .expect("send on the WebSocket");
    }

    /// Starts a subscription with id `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str) {
        self.send(json!({ "id": id, "type": "subscribe", "payload": { "query": query } }))
            .await;
    }

    /// The next JSON message from the server (pings are answered and skipped), within `wait`.
    pub async fn next_message(&mut self, wait: Duration) -> Value {
        loop {
            let frame = tokio::time::timeout(wait, self.socket.next())
                .await
                .expect("a message before the timeout")
                .expect("the WebSocket is open")
                .expect("a WebSocket frame");
            match frame {
                Message::Text(text) => {
                    let message: Value = serde_json::from_str(&text).expect("a JSON message");
                    if message["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    return message;
                }
                Message::Close(frame) => {
                    return json!({ "type": "__closed", "code": frame.map(|f| u16::from(f.code)) });
                }
                _ => continue,
            }
        }
    }

    /// Runs a query or mutation as operation `id` and returns its one `next` payload (data and
    /// errors), after which the server must complete the operation.
    pub async fn execute(&mut self, id: &str, query: &str) -> Value {
        self.subscribe(id, query).await;
        let message = self.next_message(Duration::from_secs(10)).await;
        assert_eq!(message["type"], "next", "{message}");
        assert_eq!(message["id"], id, "{message}");
        let complete = self.next_message(Duration::from_secs(10)).await;
        assert_eq!(complete["type"], "complete", "{complete}");
        message["payload"].clone()
    }

    /// The payload of the next `next` message, within `wait`.
    pub async fn next_data(&mut self, wait: Duration) -> Value {
        let message = self.next_message(wait).await;
        assert_eq!(message["type"], "next", "{message}");
        message["payload"]["data"].clone()
    }

    /// Whether the server closes the socket (with a close frame, or by ending the connection)
    /// within `wait`, whatever it sends before.
    pub async fn ends_within(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return false,
                Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => return true,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// The payload of the next `next` message if one arrives within `wait`.
    pub async fn next_data_within(&mut self, wait: Duration) -> Option<Value> {
        match tokio::time::timeout(wait, self.socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let message: Value = serde_json::from_str(&text).expect("a JSON message");
                (message["type"] == "next").then(|| message["payload"]["data"].clone())
            }
            _ => None,
        }
    }

    /// Reads and drops messages until none arrives for `quiet`.
    pub async fn drain(&mut self, quiet: Duration) {
        while self.next_data_within(quiet).await.is_some() {}
    }

    /// Asserts nothing arrives within `wait`.
    pub async fn expect_silence(&mut self, wait: Duration) {
        if let Ok(Some(Ok(Message::Text(text)))) =
            tokio::time::timeout(wait, self.socket.next()).await
        {
            panic!("expected no message, got {text}");
        }
    }
}
