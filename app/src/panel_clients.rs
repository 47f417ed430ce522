//! The producer and consumer processes the page's panels start on the cluster.
//!
//! They live in the cluster like any client the terminal starts; this keeps their host ids,
//! takes their results every frame and remembers what the panels show. Every panel action is
//! journaled (as a `# panel {json}` line, a comment to the script language) so share links and
//! replay start the same processes at the same virtual times.

use kafka_playground_core::cli::python_repr::{dumps_pair, repr_pair};
use kafka_playground_core::client::consumer::{Assignment, ConsumedRecord, OffsetReset};
use kafka_playground_core::client::membership::{Membership, Phase};
use kafka_playground_core::client::producer::ProducerConfig;
use kafka_playground_core::cluster_groups::MemberState;
use kafka_playground_core::kafka::assignor::Strategy;
use kafka_playground_core::ordered::OrdMap as BTreeMap;
use kafka_playground_core::sim::node::HostId;
use kafka_playground_core::Cluster;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Journal lines holding a panel action start with this (a comment for `run_script`).
pub const JOURNAL_PREFIX: &str = "# panel ";

/// The seed scripts' `bootstrap_servers` (the page talks to the brokers from "outside").
pub const SEED_BOOTSTRAP: [&str; 3] = ["127.0.0.1:9091", "127.0.0.1:9092", "127.0.0.1:9093"];

/// The seed's producer.py and consumer.py use this topic.
pub const SEED_TOPIC: &str = "test";

/// Sends and records each panel keeps for display.
const KEEP_SENT: usize = 30;
const KEEP_RECORDS: usize = 100;

/// Fastest automatic producer (messages per virtual second, per producer process).
pub const MAX_RATE: u32 = 100;

/// Most producer processes the automatic producer runs side by side.
pub const MAX_PRODUCERS: u32 = 5;

fn one_producer() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

/// Group events the panels keep (all groups together, newest last).
const KEEP_GROUP_EVENTS: usize = 60;

/// The longest group id the form takes (Kafka sets no limit; the page needs one).
pub const MAX_GROUP_ID: usize = 200;

/// kafka-python's default `client_id` (`'kafka-python-' + __version__`).
pub const KAFKA_PYTHON_CLIENT_ID: &str = "kafka-python-2.0.2";

/// Which program a consumer panel stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Program {
    /// The seed's consumer.py (kafka-python, topic `test`, earliest).
    Python,
    /// `kafka-console-consumer` without a group.
    Console,
}

/// A panel action, as journaled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum PanelAction {
    /// producer.py: `{key: value}` as JSON, no message key, to `test`.
    PythonSend {
        key: String,
        value: String,
    },
    /// A console producer line with the given acks (-1 = all).
    ConsoleSend {
        topic: String,
        key: Option<String>,
        value: String,
        acks: i16,
    },
    /// The automatic producer: `producers` processes, each sending `rate` messages per
    /// second to `topic`; rate 0 stops them. (Journals from before `producers` mean one.)
    Auto {
        topic: String,
        rate: u32,
        #[serde(default = "one_producer", skip_serializing_if = "is_one")]
        producers: u32,
    },
    StartConsumer {
        program: Program,
        topic: String,
        from_beginning: bool,
        /// `group.id` (`--group`); none: a consumer without a group.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
    },
    StopConsumer {
        id: u32,
    },
}

impl PanelAction {
    pub fn journal_line(&self) -> String {
        format!(
            "{JOURNAL_PREFIX}{}",
            serde_json::to_string(self).unwrap_or_default()
        )
    }

    /// The action a journal line holds, if it is a panel line.
    pub fn from_journal(line: &str) -> Option<PanelAction> {
        serde_json::from_str(line.strip_prefix(JOURNAL_PREFIX)?).ok()
    }
}

/// Which producer a send went through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Python,
    Console { acks: i16 },
}

/// One send and, once answered, where it landed or why it failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    pub source: Source,
    pub topic: String,
    pub key: Option<String>,
    /// What the program prints: producer.py's `repr({key: value})`, the console's raw line.
    pub shown: String,
    /// None while waiting for the answer; Ok((partition, offset)) or the error's name.
    pub outcome: Option<Result<(i32, i64), String>>,
}

/// The automatic producer's state (counts over all its processes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutoProducer {
    pub topic: String,
    /// Messages per second, per process.
    pub rate: u32,
    /// Producer processes.
    pub producers: u32,
    pub sent: u64,
    pub acked: u64,
    pub failed: u64,
    /// Last error name, if any send failed.
    pub last_error: Option<String>,
    hosts: Vec<HostId>,
    /// Virtual time of each process's next send.
    next_due: Vec<u64>,
}

impl AutoProducer {
    /// Each process's first send: spread evenly over one interval from `now`.
    fn restart_clock(&mut self, now: u64) {
        let interval = (1000 / u64::from(self.rate.max(1))).max(1);
        let n = self.hosts.len() as u64;
        self.next_due = (0..n).map(|i| now + interval * i / n.max(1)).collect();
    }
}

/// A consumer panel: its process, what it received and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanelConsumer {
    pub id: u32,
    pub name: String,
    pub program: Program,
    pub topic: String,
    pub from_beginning: bool,
    /// The most recent records, oldest first.
    pub records: VecDeque<ConsumedRecord>,
    pub received: u64,
    /// Position per partition (next offset to fetch), as the consumer last knew it.
    pub positions: BTreeMap<i32, i64>,
    pub stopped: bool,
    /// The group it was started in (`group.id`), if any.
    pub group: Option<String>,
    /// What the process last believed about its membership (group consumers only).
    pub member: Option<MemberState>,
    /// Assignments received so far (each completed rebalance adds one): the card flashes
    /// when this changes.
    pub assignments: u32,
    /// Its mark among the panel consumers of its group (shape and colour), from 0.
    pub mark: usize,
    host: HostId,
}

/// What happened to a panel consumer in its group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupEventKind {
    /// Started: it will find the coordinator and join.
    Joined,
    /// Stopped: it commits and sends LeaveGroup.
    Left,
    /// A rebalance began: its partitions were revoked (eager protocol).
    Revoked,
    /// A rebalance completed: its partitions in this generation.
    Assigned {
        generation: i32,
        partitions: Vec<(String, i32)>,
    },
}

/// One line of a group's rebalance log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupEvent {
    pub at_ms: u64,
    pub group: String,
    /// The panel consumer's name.
    pub consumer: String,
    pub mark: usize,
    pub kind: GroupEventKind,
}

/// Every client the panels started, with what they show.
#[derive(Clone, Debug, Default)]
pub struct PanelClients {
    python: Option<HostId>,
    console: BTreeMap<i16, HostId>,
    auto: Option<AutoProducer>,
    /// Sends waiting for an answer: (host, record id) → sequence number in `sent`.
    pending: BTreeMap<(HostId, u64), u64>,
    sent: VecDeque<(u64, Sent)>,
    next_seq: u64,
    consumers: Vec<PanelConsumer>,
    next_consumer: u32,
    group_events: VecDeque<GroupEvent>,
}

fn seed_servers() -> Vec<String> {
    SEED_BOOTSTRAP.iter().map(|s| s.to_string()).collect()
}

fn producer_config(acks: i16) -> ProducerConfig {
    ProducerConfig {
        acks,
        ..ProducerConfig::console()
    }
}

impl PanelClients {
    /// Applies an action to the cluster (the caller journals it). Returns false when it could
    /// not be done (no resolvable bootstrap server, unknown consumer).
    pub fn apply(&mut self, c: &mut Cluster, action: &PanelAction) -> bool {
        match action {
            PanelAction::PythonSend { key, value } => {
                let h = match self.python {
                    Some(h) => h,
                    None => match c.start_producer(
                        "python-producer",
                        &seed_servers(),
                        ProducerConfig::kafka_python(),
                        None,
                    ) {
                        Ok(h) => *self.python.insert(h),
                        Err(_) => return false,
                    },
                };
                let json = dumps_pair(key, value);
                let id = c.produce(h, SEED_TOPIC, None, None, Some(json));
                self.track(
                    h,
                    id,
                    Sent {
                        source: Source::Python,
                        topic: SEED_TOPIC.into(),
                        key: None,
                        shown: repr_pair(key, value),
                        outcome: None,
                    },
                );
                true
            }
            PanelAction::ConsoleSend {
                topic,
                key,
                value,
                acks,
            } => {
                let h = match self.console.get(acks) {
                    Some(h) => *h,
                    None => match c.start_producer(
                        "console-producer",
                        &seed_servers(),
                        producer_config(*acks),
                        None,
                    ) {
                        Ok(h) => {
                            self.console.insert(*acks, h);
                            h
                        }
                        Err(_) => return false,
                    },
                };
                let id = c.produce(h, topic, None, key.clone(), Some(value.clone()));
                self.track(
                    h,
                    id,
                    Sent {
                        source: Source::Console { acks: *acks },
                        topic: topic.clone(),
                        key: key.clone(),
                        shown: value.clone(),
                        outcome: None,
                    },
                );
                true
            }
            PanelAction::Auto {
                topic,
                rate,
                producers,
            } => {
                let rate = (*rate).min(MAX_RATE);
                if rate == 0 {
                    if let Some(a) = self.auto.as_mut() {
                        a.rate = 0;
                    }
                    return true;
                }
                let producers = (*producers).clamp(1, MAX_PRODUCERS);
                let now = c.now_ms();
                match self.auto.as_mut() {
                    // Same topic and processes: keep them (and their counts), change the pace.
                    Some(a) if a.topic == *topic && a.producers == producers => {
                        let was_off = a.rate == 0;
                        a.rate = rate;
                        if was_off {
                            a.restart_clock(now);
                        }
                    }
                    _ => {
                        if let Some(old) = self.auto.take() {
                            for h in old.hosts {
                                c.stop_client(h);
                            }
                        }
                        let config = ProducerConfig {
                            linger_ms: 5,
                            ..ProducerConfig::java()
                        };
                        let mut hosts = Vec::new();
                        for _ in 0..producers {
                            match c.start_producer(
                                "auto-producer",
                                &seed_servers(),
                                config.clone(),
                                None,
                            ) {
                                Ok(h) => hosts.push(h),
                                Err(_) => {
                                    for h in hosts {
                                        c.stop_client(h);
                                    }
                                    return false;
                                }
                            }
                        }
                        let mut a = AutoProducer {
                            topic: topic.clone(),
                            rate,
                            producers,
                            sent: 0,
                            acked: 0,
                            failed: 0,
                            last_error: None,
                            hosts,
                            next_due: Vec::new(),
                        };
                        a.restart_clock(now);
                        self.auto = Some(a);
                    }
                }
                true
            }
            PanelAction::StartConsumer {
                program,
                topic,
                from_beginning,
                group,
            } => {
                let (prefix, topic, reset) = match program {
                    Program::Python => (
                        "python-consumer",
                        SEED_TOPIC.to_string(),
                        OffsetReset::Earliest,
                    ),
                    Program::Console => (
                        "console-consumer",
                        topic.clone(),
                        if *from_beginning {
                            OffsetReset::Earliest
                        } else {
                            OffsetReset::Latest
                        },
                    ),
                };
                let group = group
                    .as_deref()
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .map(str::to_string);
                if group
                    .as_ref()
                    .is_some_and(|g| g.chars().count() > MAX_GROUP_ID)
                {
                    return false;
                }
                let started = match &group {
                    Some(g) => {
                        // Each program is its own process: the Java client numbers its
                        // consumers from 1 per JVM; kafka-python has one fixed client id.
                        let membership = match program {
                            Program::Python => Membership::new(
                                g,
                                KAFKA_PYTHON_CLIENT_ID,
                                vec![Strategy::Range, Strategy::RoundRobin],
                            ),
                            Program::Console => {
                                Membership::new(g, &format!("consumer-{g}-1"), Vec::new())
                            }
                        };
                        c.start_group_consumer(
                            prefix,
                            &seed_servers(),
                            &topic,
                            reset,
                            membership,
                            None,
                        )
                    }
                    None => c.start_consumer(
                        prefix,
                        &seed_servers(),
                        Assignment::Topic(topic.clone()),
                        reset,
                        None,
                    ),
                };
                let Ok(host) = started else {
                    return false;
                };
                self.next_consumer += 1;
                let mark = self.free_mark(group.as_deref());
                let name = c.simulator().host(host).name.clone();
                if let Some(g) = &group {
                    self.log_group(GroupEvent {
                        at_ms: c.now_ms(),
                        group: g.clone(),
                        consumer: name.clone(),
                        mark,
                        kind: GroupEventKind::Joined,
                    });
                }
                self.consumers.push(PanelConsumer {
                    id: self.next_consumer,
                    name,
                    program: *program,
                    topic,
                    from_beginning: reset == OffsetReset::Earliest,
                    records: VecDeque::new(),
                    received: 0,
                    positions: BTreeMap::new(),
                    stopped: false,
                    group,
                    member: None,
                    assignments: 0,
                    mark,
                    host,
                });
                true
            }
            PanelAction::StopConsumer { id } => {
                let Some(i) = self.consumers.iter().position(|k| k.id == *id) else {
                    return false;
                };
                self.poll_consumer(c, i);
                let k = &mut self.consumers[i];
                if !k.stopped {
                    c.stop_client(k.host);
                    k.stopped = true;
                }
                if let Some(g) = k.group.clone() {
                    let event = GroupEvent {
                        at_ms: c.now_ms(),
                        group: g,
                        consumer: k.name.clone(),
                        mark: k.mark,
                        kind: GroupEventKind::Left,
                    };
                    self.log_group(event);
                }
                // A stopped panel goes away; its records were the program's output.
                self.consumers.remove(i);
                true
            }
        }
    }

    /// The first mark no running panel consumer of the same group (or of no group) has.
    fn free_mark(&self, group: Option<&str>) -> usize {
        let taken: Vec<usize> = self
            .consumers
            .iter()
            .filter(|k| k.group.as_deref() == group)
            .map(|k| k.mark)
            .collect();
        (0..).find(|m| !taken.contains(m)).unwrap_or(0)
    }

    fn log_group(&mut self, event: GroupEvent) {
        self.group_events.push_back(event);
        while self.group_events.len() > KEEP_GROUP_EVENTS {
            self.group_events.pop_front();
        }
    }

    fn track(&mut self, h: HostId, id: Option<u64>, mut sent: Sent) {
        let seq = self.next_seq;
        self.next_seq += 1;
        match id {
            Some(id) => {
                self.pending.insert((h, id), seq);
            }
            None => sent.outcome = Some(Err("producer not running".into())),
        }
        self.sent.push_back((seq, sent));
        while self.sent.len() > KEEP_SENT {
            self.sent.pop_front();
        }
    }

    /// Virtual time of the automatic producer's next send, if it is on.
    pub fn next_auto_send(&self) -> Option<u64> {
        self.auto
            .as_ref()
            .filter(|a| a.rate > 0)
            .and_then(|a| a.next_due.iter().copied().min())
    }

    /// Sends the record of the automatic producer's process that is due first, now (the
    /// driver calls this when it is due), and schedules that process's next one. A send
    /// overdue (the clock jumped in a command) goes now, and the missed ones are skipped.
    pub fn auto_send(&mut self, c: &mut Cluster) {
        let now = c.now_ms();
        let Some(a) = self.auto.as_mut().filter(|a| a.rate > 0) else {
            return;
        };
        let Some((i, due)) = a
            .next_due
            .iter()
            .copied()
            .enumerate()
            .min_by_key(|&(i, d)| (d, i))
        else {
            return;
        };
        a.sent += 1;
        // JSON, so consumer.py can read it too.
        let value = dumps_pair("auto", &a.sent.to_string());
        let host = a.hosts[i];
        let topic = a.topic.clone();
        let interval = (1000 / u64::from(a.rate)).max(1);
        a.next_due[i] = if due + interval > now {
            due + interval
        } else {
            now + interval
        };
        c.produce(host, &topic, None, None, Some(value));
    }

    /// Takes every result and record the panels' processes produced since the last call.
    /// Only reads and drains the processes' output queues: the run is unchanged.
    pub fn poll(&mut self, c: &mut Cluster) {
        let mut hosts: Vec<HostId> = self.python.into_iter().collect();
        hosts.extend(self.console.values().copied());
        for h in hosts {
            for (id, result) in c.take_producer_results(h) {
                let Some(seq) = self.pending.remove(&(h, id)) else {
                    continue;
                };
                if let Some((_, s)) = self.sent.iter_mut().find(|(q, _)| *q == seq) {
                    s.outcome = Some(match result {
                        Ok(m) => Ok((m.partition, m.offset)),
                        Err((_, _, e)) => Err(e),
                    });
                }
            }
        }
        if let Some(a) = self.auto.as_mut() {
            for &h in &a.hosts {
                for (_, result) in c.take_producer_results(h) {
                    match result {
                        Ok(_) => a.acked += 1,
                        Err((_, _, e)) => {
                            a.failed += 1;
                            a.last_error = Some(e);
                        }
                    }
                }
            }
        }
        for i in 0..self.consumers.len() {
            self.poll_consumer(c, i);
        }
    }

    fn poll_consumer(&mut self, c: &mut Cluster, i: usize) {
        let k = &mut self.consumers[i];
        if k.stopped {
            return;
        }
        let got = c.take_consumed(k.host);
        k.received += got.len() as u64;
        k.records.extend(got);
        while k.records.len() > KEEP_RECORDS {
            k.records.pop_front();
        }
        if let Some(consumer) = c
            .simulator()
            .host(k.host)
            .process
            .as_ref()
            .and_then(|p| p.as_consumer())
        {
            k.positions = consumer
                .positions
                .iter()
                .filter(|((t, _), _)| *t == k.topic)
                .map(|((_, p), o)| (*p, *o))
                .collect();
        }
        let Some(now) = c.member_state(k.host) else {
            return;
        };
        let (at_ms, group, consumer, mark) =
            (c.now_ms(), now.group_id.clone(), k.name.clone(), k.mark);
        let event = |kind| GroupEvent {
            at_ms,
            group: group.clone(),
            consumer: consumer.clone(),
            mark,
            kind,
        };
        let mut events = Vec::new();
        let was_stable = k.member.as_ref().is_some_and(|m| m.phase == Phase::Stable);
        let stable = now.phase == Phase::Stable;
        let same = k
            .member
            .as_ref()
            .is_some_and(|m| m.generation == now.generation && m.assigned == now.assigned);
        if was_stable && !stable && now.phase != Phase::Left {
            events.push(event(GroupEventKind::Revoked));
        }
        // A whole rebalance can fall between two looks: a new generation always revoked first
        // (eager protocol).
        let regenerated = k
            .member
            .as_ref()
            .is_some_and(|m| m.generation != now.generation);
        if was_stable && stable && regenerated {
            events.push(event(GroupEventKind::Revoked));
        }
        if stable && !(was_stable && same) {
            k.assignments += 1;
            let mut partitions = now.assigned.clone();
            kafka_playground_core::sort::sort(&mut partitions);
            events.push(event(GroupEventKind::Assigned {
                generation: now.generation,
                partitions,
            }));
        }
        k.member = Some(now);
        for e in events {
            self.log_group(e);
        }
    }

    /// The panel consumers' group events, oldest first.
    pub fn group_events(&self) -> impl DoubleEndedIterator<Item = &GroupEvent> {
        self.group_events.iter()
    }

    /// The most recent sends, oldest first.
    pub fn sent(&self) -> impl Iterator<Item = &Sent> {
        self.sent.iter().map(|(_, s)| s)
    }

    pub fn auto(&self) -> Option<&AutoProducer> {
        self.auto.as_ref()
    }

    pub fn consumers(&self) -> &[PanelConsumer] {
        &self.consumers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_through_the_journal_and_are_comments_to_scripts() {
        let a = PanelAction::ConsoleSend {
            topic: "t".into(),
            key: None,
            value: "<img src=x onerror=alert(1)>\n".into(),
            acks: -1,
        };
        let line = a.journal_line();
        assert!(line.starts_with("# panel {"));
        assert!(!line.contains('\n'));
        assert_eq!(PanelAction::from_journal(&line), Some(a));
        assert_eq!(PanelAction::from_journal("kafka-topics --list"), None);
        assert_eq!(PanelAction::from_journal("# panel {\"do\":\"nope\"}"), None);
    }

    #[test]
    fn journals_without_a_producer_count_mean_one_and_one_is_not_written() {
        let a = PanelAction::from_journal("# panel {\"do\":\"auto\",\"topic\":\"t\",\"rate\":5}");
        let one = PanelAction::Auto {
            topic: "t".into(),
            rate: 5,
            producers: 1,
        };
        assert_eq!(a.as_ref(), Some(&one));
        assert_eq!(
            one.journal_line(),
            "# panel {\"do\":\"auto\",\"topic\":\"t\",\"rate\":5}"
        );
        let three = PanelAction::Auto {
            topic: "t".into(),
            rate: 5,
            producers: 3,
        };
        assert!(three.journal_line().ends_with(",\"producers\":3}"));
        assert_eq!(
            PanelAction::from_journal(&three.journal_line()),
            Some(three)
        );
    }

    #[test]
    fn three_automatic_producers_send_a_hundred_each_per_second() {
        let mut c = Cluster::seed_cluster(3);
        assert!(c.wait_until_ready(60_000) && c.wait_until_brokers_ready(60_000));
        let mut p = PanelClients::default();
        let start = c.now_ms();
        assert!(p.apply(
            &mut c,
            &PanelAction::Auto {
                topic: "test".into(),
                rate: 100,
                producers: 3,
            }
        ));
        // As the driver does: each send at its time, then the events up to the frame's end.
        let end = start + 2_000;
        while let Some(due) = p.next_auto_send().filter(|&d| d < end) {
            c.run_until(due);
            p.auto_send(&mut c);
        }
        c.run_until(end + 1_000);
        p.poll(&mut c);
        let a = p.auto().unwrap();
        assert_eq!(a.hosts.len(), 3);
        assert_eq!(a.sent, 600, "{a:?}");
        assert_eq!((a.acked, a.failed), (600, 0), "{a:?}");
        let names: Vec<String> = a
            .hosts
            .iter()
            .map(|&h| c.simulator().host(h).name.clone())
            .collect();
        assert!(
            names.iter().all(|n| n.starts_with("auto-producer-")),
            "{names:?}"
        );
    }
}
