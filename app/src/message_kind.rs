//! Groups wire messages into kinds the user can toggle, each with its own colour and shape.

use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MessageKind {
    /// Fast-leader-election notifications.
    Election,
    /// ZAB traffic: proposals, acks, commits, forwarded requests, follower sync.
    Zab,
    /// Keep-alives: quorum and session pings, and polling that carries nothing (Fetch
    /// requests, empty Fetch responses: followers and consumers asking for new records).
    Heartbeat,
    /// Records on the move: Produce requests and Fetch responses that carry records.
    Records,
    /// Client traffic: connects, requests, responses, watch notifications, controller requests.
    Client,
}

impl MessageKind {
    pub const ALL: [MessageKind; 5] = [
        MessageKind::Records,
        MessageKind::Election,
        MessageKind::Zab,
        MessageKind::Heartbeat,
        MessageKind::Client,
    ];

    /// Classifies a message by the label the core gives it (its first word is the packet type).
    pub fn of(label: &str) -> MessageKind {
        let mut words = label.split_whitespace();
        let head = words.next().unwrap_or("");
        match head {
            // `Produce t-0 (3)`, `Produce (5)`; the `Produce response` is an answer.
            "Produce" if words.next() != Some("response") => MessageKind::Records,
            // `Fetch response (3 records)` carries records; a bare `Fetch response` is an
            // empty long-poll answer, and a Fetch request only asks.
            "Fetch" => {
                if label.ends_with("records)") {
                    MessageKind::Records
                } else {
                    MessageKind::Heartbeat
                }
            }
            "VOTE" => MessageKind::Election,
            "PING" | "PING-REPLY" => MessageKind::Heartbeat,
            "PROPOSAL" | "ACK" | "COMMIT" | "REQUEST" | "FOLLOWERINFO" | "LEADERINFO"
            | "ACKEPOCH" | "NEWLEADER" | "ACK(NEWLEADER)" | "UPTODATE" | "DIFF" | "TRUNC"
            | "SNAP" | "FIN" => MessageKind::Zab,
            _ => MessageKind::Client,
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            MessageKind::Election => "election",
            MessageKind::Zab => "zab",
            MessageKind::Heartbeat => "heartbeat",
            MessageKind::Records => "records",
            MessageKind::Client => "client",
        }
    }

    /// A distinct shape per kind (colour-blind safe): diamond, circle, small dot, envelope,
    /// square.
    pub fn shape(self) -> Html {
        match self {
            MessageKind::Election => html! { <path d="M0,-7 L7,0 0,7 -7,0Z" /> },
            MessageKind::Zab => html! { <circle r="6" /> },
            MessageKind::Heartbeat => html! { <circle r="3.5" /> },
            MessageKind::Records => html! { <path d="M-7,-5 H7 V5 H-7Z M-7,-5 L0,1 7,-5" /> },
            MessageKind::Client => html! { <rect x="-5.5" y="-5.5" width="11" height="11" /> },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_fall_into_their_kind() {
        assert_eq!(MessageKind::of("VOTE myid 3 r1"), MessageKind::Election);
        assert_eq!(MessageKind::of("PROPOSAL 0x100000001"), MessageKind::Zab);
        assert_eq!(MessageKind::of("ACK(NEWLEADER)"), MessageKind::Zab);
        assert_eq!(MessageKind::of("PING"), MessageKind::Heartbeat);
        assert_eq!(MessageKind::of("create /x"), MessageKind::Client);
        assert_eq!(MessageKind::of(""), MessageKind::Client);
        assert_eq!(MessageKind::of("Produce t-0 (3)"), MessageKind::Records);
        assert_eq!(MessageKind::of("Produce (5)"), MessageKind::Records);
        assert_eq!(MessageKind::of("Produce response"), MessageKind::Client);
        assert_eq!(MessageKind::of("Fetch t-0 @5"), MessageKind::Heartbeat);
        assert_eq!(MessageKind::of("Fetch (3)"), MessageKind::Heartbeat);
        assert_eq!(
            MessageKind::of("Fetch response (3 records)"),
            MessageKind::Records
        );
        assert_eq!(MessageKind::of("Fetch response"), MessageKind::Heartbeat);
        for l in [
            "ListOffsets",
            "ListOffsets response",
            "Metadata",
            "Metadata response",
            "CreateTopics my-topic",
            "LeaderAndIsr (3)",
            "UpdateMetadata (3)",
            "AlterIsr t-0 [1, 2]",
        ] {
            assert_eq!(MessageKind::of(l), MessageKind::Client, "{l}");
        }
    }
}
