//! A one-request client (the admin tools' single calls: FindCoordinator, DescribeGroups,
//! OffsetFetch, ListOffsets, ListGroups): sends one request, keeps the one answer.

use crate::broker::messages::KafkaMessage;
use crate::sim::node::{Ctx, HostId, Message, Node, Timer};

#[derive(Clone, Debug)]
pub struct Probe {
    target: HostId,
    request: Option<KafkaMessage>,
    /// The answer; `Err` when the connection was refused.
    pub response: Option<Result<KafkaMessage, String>>,
}

impl Probe {
    pub fn new(target: HostId, request: KafkaMessage) -> Self {
        Probe {
            target,
            request: Some(request),
            response: None,
        }
    }
}

impl Node for Probe {
    fn on_start(&mut self, ctx: &mut Ctx) {
        if let Some(r) = self.request.take() {
            ctx.send(self.target, Message::Kafka(r));
        }
    }

    fn on_message(&mut self, from: HostId, msg: Message, _ctx: &mut Ctx) {
        if from != self.target || self.response.is_some() {
            return;
        }
        self.response = match msg {
            Message::Kafka(m) => Some(Ok(m)),
            Message::Refused => Some(Err("connection refused".into())),
            Message::Zk(_) => None,
        };
    }

    fn on_timer(&mut self, _timer: Timer, _ctx: &mut Ctx) {}

    fn on_stop(&mut self) {}
}
