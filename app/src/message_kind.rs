//! Groups wire messages into kinds the user can toggle, each with its own colour and shape.

use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MessageKind {
    /// Fast-leader-election notifications.
    Election,
    /// ZAB traffic: proposals, acks, commits, forwarded requests, follower sync.
    Zab,
    /// Keep-alives: quorum and session pings.
    Heartbeat,
    /// Client traffic: connects, requests, responses, watch notifications.
    Client,
}

impl MessageKind {
    pub const ALL: [MessageKind; 4] = [
        MessageKind::Election,
        MessageKind::Zab,
        MessageKind::Heartbeat,
        MessageKind::Client,
    ];

    /// Classifies a message by the label the core gives it (its first word is the packet type).
    pub fn of(label: &str) -> MessageKind {
        let head = label.split_whitespace().next().unwrap_or("");
        match head {
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
            MessageKind::Client => "client",
        }
    }

    /// A distinct shape per kind (colour-blind safe): diamond, circle, small dot, square.
    pub fn shape(self) -> Html {
        match self {
            MessageKind::Election => html! { <path d="M0,-7 L7,0 0,7 -7,0Z" /> },
            MessageKind::Zab => html! { <circle r="6" /> },
            MessageKind::Heartbeat => html! { <circle r="3.5" /> },
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
    }
}
