//! The Java AdminClient as `kafka-topics` and `kafka-leader-election` use it: bootstrap with a
//! Metadata request, then send CreateTopics / DeleteTopics / CreatePartitions / ElectLeaders
//! to the controller (3.0 answers NOT_CONTROLLER elsewhere), or DescribeConfigs to the broker
//! that answered the metadata (the least loaded node), retrying with backoff until
//! `default.api.timeout.ms`. The CLI reads [`AdminClient::result`].

use crate::broker::messages::{
    BrokerId, CreatableTopic, CreateResult, ElectionType, KafkaMessage, TopicConfigsResult,
    TopicMetadata,
};
use crate::sim::node::{Ctx, HostId, Message, Node, Timer};

/// `default.api.timeout.ms`.
pub const API_TIMEOUT_MS: u64 = 60_000;
/// `request.timeout.ms` of the admin client.
const REQUEST_TIMEOUT_MS: u64 = 30_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdminCall {
    CreateTopics(Vec<CreatableTopic>),
    /// listTopics / describeTopics: both read Metadata.
    Metadata {
        call: &'static str,
    },
    DeleteTopics(Vec<String>),
    /// (topic, new partition count).
    CreatePartitions(Vec<(String, i32)>),
    /// `None` = every partition (`--all-topic-partitions`).
    ElectLeaders {
        election_type: ElectionType,
        partitions: Option<Vec<(String, i32)>>,
    },
    /// The topics' non-default configs (describeConfigs).
    DescribeConfigs(Vec<String>),
}

impl AdminCall {
    /// The call name Kafka's timeout message uses.
    pub fn name(&self) -> &'static str {
        match self {
            AdminCall::CreateTopics(_) => "createTopics",
            AdminCall::Metadata { call } => call,
            AdminCall::DeleteTopics(_) => "deleteTopics",
            AdminCall::CreatePartitions(_) => "createPartitions",
            AdminCall::ElectLeaders { .. } => "electLeaders",
            AdminCall::DescribeConfigs(_) => "describeConfigs",
        }
    }

    /// `default.api.timeout.ms` of the tool's client (kafka-leader-election sets 30 s).
    pub fn api_timeout_ms(&self) -> u64 {
        match self {
            AdminCall::ElectLeaders { .. } => API_TIMEOUT_MS / 2,
            _ => API_TIMEOUT_MS,
        }
    }

    /// `request.timeout.ms` (kafka-leader-election: half its API timeout).
    fn request_timeout_ms(&self) -> u64 {
        match self {
            AdminCall::ElectLeaders { .. } => API_TIMEOUT_MS / 4,
            _ => REQUEST_TIMEOUT_MS,
        }
    }

    /// The request sent once metadata is known (`None` for Metadata-only calls).
    fn follow_up_request(&self, corr: u32) -> Option<KafkaMessage> {
        let timeout_ms = self.request_timeout_ms();
        Some(match self {
            AdminCall::Metadata { .. } => return None,
            AdminCall::DescribeConfigs(t) => KafkaMessage::DescribeConfigsRequest {
                corr,
                topics: t.clone(),
            },
            AdminCall::CreateTopics(t) => KafkaMessage::CreateTopicsRequest {
                corr,
                topics: t.clone(),
                timeout_ms,
            },
            AdminCall::DeleteTopics(t) => KafkaMessage::DeleteTopicsRequest {
                corr,
                topics: t.clone(),
                timeout_ms,
            },
            AdminCall::CreatePartitions(t) => KafkaMessage::CreatePartitionsRequest {
                corr,
                topics: t.clone(),
                timeout_ms,
            },
            AdminCall::ElectLeaders {
                election_type,
                partitions,
            } => KafkaMessage::ElectLeadersRequest {
                corr,
                election_type: *election_type,
                partitions: partitions.clone(),
                timeout_ms,
            },
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdminResult {
    Metadata {
        controller_id: BrokerId,
        topics: Vec<TopicMetadata>,
    },
    Created(Vec<(String, CreateResult)>),
    Deleted(Vec<(String, CreateResult)>),
    PartitionsCreated(Vec<(String, CreateResult)>),
    /// (topic, partition, outcome) as the controller answered.
    Elected(Vec<(String, i32, CreateResult)>),
    /// Per topic: its non-default config entries, or the error.
    Configs(Vec<(String, TopicConfigsResult)>),
    /// `Timed out waiting for a node assignment. Call: <name>`.
    TimedOut(&'static str),
}

#[derive(Clone, Debug)]
pub enum AdminTimer {
    Retry { attempt: u32 },
    Deadline,
    RequestTimeout { corr: u32 },
}

/// An address the client can dial: `host:port` → (host, listener name).
#[derive(Clone, Debug)]
pub struct Dialable {
    pub address: String,
    pub host: HostId,
    pub listener: String,
}

#[derive(Clone, Debug)]
pub struct AdminClient {
    bootstrap: Vec<Dialable>,
    book: Vec<Dialable>,
    call: AdminCall,
    /// Nodes learned from metadata: id → address.
    nodes: Vec<(BrokerId, String)>,
    controller: BrokerId,
    corr: u32,
    attempt: u32,
    /// Where the outstanding request went and whether it was a Metadata request.
    outstanding: Option<(u32, HostId, bool)>,
    pub result: Option<AdminResult>,
}

impl AdminClient {
    pub fn new(bootstrap: Vec<Dialable>, book: Vec<Dialable>, call: AdminCall) -> Self {
        AdminClient {
            bootstrap,
            book,
            call,
            nodes: Vec::new(),
            controller: -1,
            corr: 0,
            attempt: 0,
            outstanding: None,
            result: None,
        }
    }

    fn dial(&self, address: &str) -> Option<&Dialable> {
        self.book.iter().find(|d| d.address == address)
    }

    fn send_metadata(&mut self, ctx: &mut Ctx) {
        // Known nodes first (least loaded in Kafka), bootstrap entries before any are known.
        let targets: Vec<Dialable> = if self.nodes.is_empty() {
            self.bootstrap.clone()
        } else {
            self.nodes
                .iter()
                .filter_map(|(_, a)| self.dial(a).cloned())
                .collect()
        };
        if targets.is_empty() {
            return;
        }
        let d = targets[self.attempt as usize % targets.len()].clone();
        self.corr += 1;
        let topics = None;
        ctx.send(
            d.host,
            Message::Kafka(KafkaMessage::MetadataRequest {
                corr: self.corr,
                listener: d.listener.clone(),
                topics,
            }),
        );
        self.outstanding = Some((self.corr, d.host, true));
        let corr = self.corr;
        ctx.set_timer(
            REQUEST_TIMEOUT_MS,
            Timer::Admin(AdminTimer::RequestTimeout { corr }),
        );
    }

    fn retry_later(&mut self, ctx: &mut Ctx) {
        self.outstanding = None;
        self.attempt += 1;
        // reconnect.backoff.ms 50 doubling to reconnect.backoff.max.ms 1000.
        let backoff = (50u64 << self.attempt.min(5)).min(1000);
        let attempt = self.attempt;
        ctx.set_timer(backoff, Timer::Admin(AdminTimer::Retry { attempt }));
    }
}

/// A controller that moved answers NOT_CONTROLLER: the client finds the new one and retries.
fn any_not_controller<'a>(mut results: impl Iterator<Item = &'a CreateResult>) -> bool {
    results.any(|r| matches!(r, Err((e, _)) if e == "NOT_CONTROLLER"))
}

impl Node for AdminClient {
    fn on_start(&mut self, ctx: &mut Ctx) {
        ctx.set_timer(
            self.call.api_timeout_ms(),
            Timer::Admin(AdminTimer::Deadline),
        );
        self.send_metadata(ctx);
    }

    fn on_message(&mut self, from: HostId, msg: Message, ctx: &mut Ctx) {
        if self.result.is_some() {
            return;
        }
        let m = match msg {
            Message::Refused => {
                if self.outstanding.is_some_and(|o| o.1 == from) {
                    self.retry_later(ctx);
                }
                return;
            }
            Message::Kafka(m) => m,
            Message::Zk(_) => return,
        };
        match m {
            KafkaMessage::MetadataResponse {
                corr,
                controller_id,
                brokers,
                topics,
                ..
            } if self.outstanding.is_some_and(|o| o.0 == corr) => {
                self.outstanding = None;
                self.nodes = brokers
                    .iter()
                    .map(|(id, h, p)| (*id, format!("{h}:{p}")))
                    .collect();
                self.controller = controller_id;
                match &self.call {
                    AdminCall::Metadata { .. } => {
                        self.result = Some(AdminResult::Metadata {
                            controller_id,
                            topics,
                        })
                    }
                    call => {
                        let target = if matches!(call, AdminCall::DescribeConfigs(_)) {
                            Some(from)
                        } else {
                            self.nodes
                                .iter()
                                .find(|(id, _)| *id == controller_id)
                                .and_then(|(_, a)| self.dial(a))
                                .map(|d| d.host)
                        };
                        let Some(host) = target else {
                            self.retry_later(ctx);
                            return;
                        };
                        let Some(msg) = call.follow_up_request(self.corr + 1) else {
                            return;
                        };
                        let timeout = call.request_timeout_ms();
                        self.corr += 1;
                        ctx.send(host, Message::Kafka(msg));
                        self.outstanding = Some((self.corr, host, false));
                        let corr = self.corr;
                        ctx.set_timer(timeout, Timer::Admin(AdminTimer::RequestTimeout { corr }));
                    }
                }
            }
            KafkaMessage::CreateTopicsResponse { corr, results }
                if self.outstanding.is_some_and(|o| o.0 == corr) =>
            {
                let not_controller = results
                    .iter()
                    .any(|(_, r)| matches!(r, Err((e, _)) if e == "NOT_CONTROLLER"));
                if not_controller {
                    self.retry_later(ctx);
                } else {
                    self.result = Some(AdminResult::Created(results));
                }
            }
            KafkaMessage::DeleteTopicsResponse { corr, results }
                if self.outstanding.is_some_and(|o| o.0 == corr) =>
            {
                if any_not_controller(results.iter().map(|r| &r.1)) {
                    self.retry_later(ctx);
                } else {
                    self.result = Some(AdminResult::Deleted(results));
                }
            }
            KafkaMessage::CreatePartitionsResponse { corr, results }
                if self.outstanding.is_some_and(|o| o.0 == corr) =>
            {
                if any_not_controller(results.iter().map(|r| &r.1)) {
                    self.retry_later(ctx);
                } else {
                    self.result = Some(AdminResult::PartitionsCreated(results));
                }
            }
            KafkaMessage::DescribeConfigsResponse { corr, results }
                if self.outstanding.is_some_and(|o| o.0 == corr) =>
            {
                self.result = Some(AdminResult::Configs(results));
            }
            KafkaMessage::ElectLeadersResponse { corr, results }
                if self.outstanding.is_some_and(|o| o.0 == corr) =>
            {
                if any_not_controller(results.iter().map(|r| &r.2)) {
                    self.retry_later(ctx);
                } else {
                    self.result = Some(AdminResult::Elected(results));
                }
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        let Timer::Admin(t) = timer else {
            return;
        };
        if self.result.is_some() {
            return;
        }
        match t {
            AdminTimer::Retry { attempt } if attempt == self.attempt => self.send_metadata(ctx),
            AdminTimer::Deadline => self.result = Some(AdminResult::TimedOut(self.call.name())),
            AdminTimer::RequestTimeout { corr }
                if self.outstanding.is_some_and(|o| o.0 == corr) =>
            {
                self.retry_later(ctx)
            }
            _ => {}
        }
    }

    fn on_stop(&mut self) {}
}
