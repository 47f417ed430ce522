//! Goal checks: small statements about the cluster's state that a step asks the student to reach.
//!
//! One goal per line of a ```` ```goal ```` block:
//!
//! | goal | holds when |
//! |---|---|
//! | `zookeeper has a leader` | exactly one running server leads an established epoch |
//! | `zookeeper has no leader` | no server leads (the quorum is lost) |
//! | `HOST is leader` / `is follower` / `is looking` | that ZooKeeper server is in that role |
//! | `HOST is running` / `stopped` / `killed` / `paused` | the host's process state |
//! | `znode PATH exists` / `znode PATH is absent` | on the leader's data tree (false without a leader) |
//! | `znode PATH has data TEXT` | the znode's data equals TEXT (rest of the line) |
//! | `znode PATH has N children` | |
//! | `broker N is registered` / `is not registered` | `/brokers/ids/N` exists / is absent on the leader's tree (false without a leader) |
//! | `broker N is controller` | broker N is the active controller (highest controller epoch) |
//! | `topic T exists` / `topic T is absent` | in ZooKeeper (`/brokers/topics/T`); absent needs a ZooKeeper leader |
//! | `topic T has N partitions` | |
//! | `topic T has replication factor N` | partition 0 has N replicas (as `--describe` counts) |
//! | `topic T has config KEY=VALUE` | the topic's own config (`/config/topics/T` in ZooKeeper, as `--config` set it) has KEY = VALUE |
//! | `partition T-P has leader N` / `has no leader` | the partition's state in ZooKeeper (no leader: offline, leader -1) |
//! | `partition T-P has isr 1,2` | the ISR holds exactly these brokers, in any order |
//! | `partition T-P has replicas 1,2` | the assignment, in this order (the first is the preferred leader) |
//! | `broker N is in every isr` / `is in no isr` | over every partition with a replica on N (false if there is none); `… isr of T` looks at topic T only |
//! | `every partition of T has a leader` | T exists and none of its partitions is offline |
//! | `every partition of T has a full isr` | T exists and each partition's ISR holds all its replicas (nothing under-replicated) |
//! | `topic T has N messages` / `has at least N messages` | summed over T's partitions, the leader's high watermark minus its log start offset: what a consumer reading `--from-beginning` gets (false while a partition has no leader) |
//! | `partition T-P has N messages` / `has at least N messages` | the same for one partition |
//! | `partition T-P has high watermark N` | the leader's high watermark (the offset a consumer can read up to) is N |
//! | `broker N has every record of T` | for every partition of T with a replica on broker N, its log holds exactly the leader's records below the high watermark (same offsets, keys, values, timestamps); read from its disk, so it holds while the broker is down too; false if it has no replica of T or a partition has no leader |
//! | `group G is Empty` / `Stable` / `PreparingRebalance` / `CompletingRebalance` / `Dead` | the group's state on its coordinator (the running leader of its `__consumer_offsets` partition); a group the coordinator does not know is Dead; false while there is no coordinator |
//! | `group G has N members` | as `--describe --state` counts them |
//! | `group G has committed offsets for T` | the group has a committed offset for every partition of T |
//! | `group G has committed offset N on T-P` | |
//! | `group G has lag N on T` | summed over T's partitions: the leader's high watermark minus the committed offset (false if a partition has no commit or no leader) |
//!
//! Topic and partition goals read the topics as [`Cluster::topics`] does (from ZooKeeper, where
//! the controller keeps them); message goals then read the leader's log on its disk; group goals
//! read the group on its coordinator broker, as `kafka-consumer-groups` asks it. A goal that does not parse is an error naming the line and listing
//! these forms, so a notebook cannot silently rot.

use crate::broker::coordinator::OFFSETS_TOPIC;
use crate::broker::log::PartitionLog;
use crate::cluster::Cluster;
use crate::kafka::group::Group;
use crate::kafka::partitioner::coordinator_partition;
use crate::snapshot::{HostStatus, PartitionView, TopicView, ZkMode};
use serde::{Deserialize, Serialize};

/// Every goal form, as the parse error lists them.
pub const FORMS: &[&str] = &[
    "zookeeper has a leader",
    "zookeeper has no leader",
    "HOST is leader|follower|looking",
    "HOST is running|stopped|killed|paused",
    "znode PATH exists",
    "znode PATH is absent",
    "znode PATH has data TEXT",
    "znode PATH has N children",
    "broker N is registered",
    "broker N is not registered",
    "broker N is controller",
    "topic T exists",
    "topic T is absent",
    "topic T has N partitions",
    "topic T has replication factor N",
    "topic T has config KEY=VALUE",
    "partition T-P has leader N",
    "partition T-P has no leader",
    "partition T-P has isr N,N…",
    "partition T-P has replicas N,N…",
    "broker N is in every isr [of T]",
    "broker N is in no isr [of T]",
    "every partition of T has a leader",
    "every partition of T has a full isr",
    "topic T has N messages",
    "topic T has at least N messages",
    "partition T-P has N messages",
    "partition T-P has at least N messages",
    "partition T-P has high watermark N",
    "broker N has every record of T",
    "group G is Empty|Stable|PreparingRebalance|CompletingRebalance|Dead",
    "group G has N members",
    "group G has committed offsets for T",
    "group G has committed offset N on T-P",
    "group G has lag N on T",
];

/// The group states a goal can name, as `kafka-consumer-groups --describe --state` prints them.
const GROUP_STATES: [&str; 5] = [
    "Empty",
    "Stable",
    "PreparingRebalance",
    "CompletingRebalance",
    "Dead",
];

/// Serialised as its line and source only, and parsed again when read: the check follows from
/// the source, and the page then needs no serde code for every form of [`Check`] (some 40 KB).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "GoalText", try_from = "GoalText")]
pub struct Goal {
    /// 1-based line in the notebook file.
    pub line: usize,
    /// The goal as written.
    pub source: String,
    pub check: Check,
}

/// A [`Goal`]'s serialised form.
#[derive(Serialize, Deserialize)]
struct GoalText {
    line: usize,
    source: String,
}

impl From<Goal> for GoalText {
    fn from(goal: Goal) -> Self {
        GoalText {
            line: goal.line,
            source: goal.source,
        }
    }
}

impl TryFrom<GoalText> for Goal {
    type Error = String;
    fn try_from(text: GoalText) -> Result<Self, String> {
        Ok(Goal {
            check: Check::parse(&text.source)?,
            line: text.line,
            source: text.source,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    EnsembleHasLeader(bool),
    ZkMode {
        host: String,
        mode: ZkMode,
    },
    HostStatus {
        host: String,
        status: HostStatus,
    },
    ZnodeExists {
        path: String,
        exists: bool,
    },
    ZnodeData {
        path: String,
        data: String,
    },
    ZnodeChildren {
        path: String,
        count: usize,
    },
    BrokerRegistered {
        broker: i32,
        registered: bool,
    },
    BrokerIsController(i32),
    TopicExists {
        topic: String,
        exists: bool,
    },
    TopicPartitions {
        topic: String,
        count: usize,
    },
    TopicReplicationFactor {
        topic: String,
        factor: usize,
    },
    /// A topic-level config override, as stored in `/config/topics/T`.
    TopicConfig {
        topic: String,
        key: String,
        value: String,
    },
    /// `leader: None` = the partition has no leader (offline).
    PartitionLeader {
        topic: String,
        partition: i32,
        leader: Option<i32>,
    },
    /// Compared as a set.
    PartitionIsr {
        topic: String,
        partition: i32,
        isr: Vec<i32>,
    },
    /// Compared in order.
    PartitionReplicas {
        topic: String,
        partition: i32,
        replicas: Vec<i32>,
    },
    /// `every`: in the ISR of every partition it holds a replica of; else in none.
    BrokerInIsrs {
        broker: i32,
        every: bool,
        topic: Option<String>,
    },
    EveryPartitionHasLeader(String),
    EveryPartitionHasFullIsr(String),
    /// Over every partition: the leader's high watermark minus its log start offset.
    TopicMessages {
        topic: String,
        count: i64,
        at_least: bool,
    },
    /// One partition: the leader's high watermark minus its log start offset.
    PartitionMessages {
        topic: String,
        partition: i32,
        count: i64,
        at_least: bool,
    },
    PartitionHighWatermark {
        topic: String,
        partition: i32,
        offset: i64,
    },
    /// Broker's replicas of every partition of the topic equal the leaders' logs below the HW.
    BrokerHasEveryRecord {
        broker: i32,
        topic: String,
    },
    /// The state's name as the tool prints it (`Stable`).
    GroupState {
        group: String,
        state: String,
    },
    GroupMembers {
        group: String,
        count: usize,
    },
    /// A committed offset for every partition of the topic.
    GroupCommittedAll {
        group: String,
        topic: String,
    },
    GroupCommittedOffset {
        group: String,
        topic: String,
        partition: i32,
        offset: i64,
    },
    /// Summed over the topic's partitions: leader HW minus committed offset.
    GroupLag {
        group: String,
        topic: String,
        lag: i64,
    },
}

impl Check {
    /// Parses one goal line; `Err` says what was expected.
    pub fn parse(line: &str) -> Result<Check, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let check = match words.as_slice() {
            ["zookeeper", "has", "a", "leader"] => Check::EnsembleHasLeader(true),
            ["zookeeper", "has", "no", "leader"] => Check::EnsembleHasLeader(false),
            ["broker", n, "is", "registered"] => Check::BrokerRegistered {
                broker: broker_id(n)?,
                registered: true,
            },
            ["broker", n, "is", "not", "registered"] => Check::BrokerRegistered {
                broker: broker_id(n)?,
                registered: false,
            },
            ["broker", n, "is", "controller"] | ["broker", n, "is", "the", "controller"] => {
                Check::BrokerIsController(broker_id(n)?)
            }
            ["broker", n, "is", "in", which @ ("every" | "no"), "isr", rest @ ..] => {
                let topic = match rest {
                    [] => None,
                    ["of", t] => Some(t.to_string()),
                    _ => return Err(unknown(line)),
                };
                Check::BrokerInIsrs {
                    broker: broker_id(n)?,
                    every: *which == "every",
                    topic,
                }
            }
            ["topic", t, "exists"] => Check::TopicExists {
                topic: t.to_string(),
                exists: true,
            },
            ["topic", t, "is", "absent"] => Check::TopicExists {
                topic: t.to_string(),
                exists: false,
            },
            ["topic", t, "has", n, "partitions" | "partition"] => Check::TopicPartitions {
                topic: t.to_string(),
                count: count(n, "partitions")?,
            },
            ["topic", t, "has", "replication", "factor", n] => Check::TopicReplicationFactor {
                topic: t.to_string(),
                factor: count(n, "replicas")?,
            },
            ["topic", t, "has", "config", kv] => {
                let (key, value) = kv
                    .split_once('=')
                    .filter(|(k, v)| !k.is_empty() && !v.is_empty())
                    .ok_or_else(|| {
                        format!("`{kv}` is not KEY=VALUE (such as min.insync.replicas=2)")
                    })?;
                Check::TopicConfig {
                    topic: t.to_string(),
                    key: key.to_string(),
                    value: value.to_string(),
                }
            }
            ["partition", tp, "has", "leader", n] => {
                let (topic, partition) = topic_partition(tp)?;
                Check::PartitionLeader {
                    topic,
                    partition,
                    leader: Some(broker_id(n)?),
                }
            }
            ["partition", tp, "has", "no", "leader"] => {
                let (topic, partition) = topic_partition(tp)?;
                Check::PartitionLeader {
                    topic,
                    partition,
                    leader: None,
                }
            }
            ["partition", tp, "has", "isr", list] => {
                let (topic, partition) = topic_partition(tp)?;
                Check::PartitionIsr {
                    topic,
                    partition,
                    isr: broker_list(list)?,
                }
            }
            ["partition", tp, "has", "replicas", list] => {
                let (topic, partition) = topic_partition(tp)?;
                Check::PartitionReplicas {
                    topic,
                    partition,
                    replicas: broker_list(list)?,
                }
            }
            ["broker", n, "has", "every", "record" | "message", "of", t] => {
                Check::BrokerHasEveryRecord {
                    broker: broker_id(n)?,
                    topic: t.to_string(),
                }
            }
            ["topic", t, "has", rest @ .., "messages" | "message"] => {
                let (count, at_least) = message_count(rest).ok_or_else(|| unknown(line))??;
                Check::TopicMessages {
                    topic: t.to_string(),
                    count,
                    at_least,
                }
            }
            ["partition", tp, "has", rest @ .., "messages" | "message"] => {
                let (count, at_least) = message_count(rest).ok_or_else(|| unknown(line))??;
                let (topic, partition) = topic_partition(tp)?;
                Check::PartitionMessages {
                    topic,
                    partition,
                    count,
                    at_least,
                }
            }
            ["partition", tp, "has", "high", "watermark", n] => {
                let (topic, partition) = topic_partition(tp)?;
                Check::PartitionHighWatermark {
                    topic,
                    partition,
                    offset: count(n, "an offset")? as i64,
                }
            }
            ["every", "partition", "of", t, "has", "a", "leader"] => {
                Check::EveryPartitionHasLeader(t.to_string())
            }
            ["every", "partition", "of", t, "has", "a", "full", "isr"] => {
                Check::EveryPartitionHasFullIsr(t.to_string())
            }
            [host, "is", role @ ("leader" | "follower" | "looking")] => Check::ZkMode {
                host: host.to_string(),
                mode: match *role {
                    "leader" => ZkMode::Leading,
                    "follower" => ZkMode::Following,
                    _ => ZkMode::Looking,
                },
            },
            [host, "is", state @ ("running" | "stopped" | "killed" | "paused")] => {
                Check::HostStatus {
                    host: host.to_string(),
                    status: match *state {
                        "running" => HostStatus::Running,
                        "stopped" => HostStatus::Stopped,
                        "killed" => HostStatus::Killed,
                        _ => HostStatus::Paused,
                    },
                }
            }
            ["znode", path, "exists"] => Check::ZnodeExists {
                path: path_arg(path)?,
                exists: true,
            },
            ["znode", path, "is", "absent"] => Check::ZnodeExists {
                path: path_arg(path)?,
                exists: false,
            },
            ["znode", path, "has", "data", ..] => {
                // The data is the rest of the line after "data", spaces kept.
                let data = line
                    .split_once(" data ")
                    .map(|(_, d)| d.trim())
                    .unwrap_or("");
                Check::ZnodeData {
                    path: path_arg(path)?,
                    data: data.to_string(),
                }
            }
            ["znode", path, "has", n, "children" | "child"] => Check::ZnodeChildren {
                path: path_arg(path)?,
                count: count(n, "children")?,
            },
            ["group", g, "is", state] => Check::GroupState {
                group: g.to_string(),
                state: group_state_name(state)?,
            },
            ["group", g, "has", n, "members" | "member"] => Check::GroupMembers {
                group: g.to_string(),
                count: count(n, "members")?,
            },
            ["group", g, "has", "committed", "offsets", "for", t] => Check::GroupCommittedAll {
                group: g.to_string(),
                topic: t.to_string(),
            },
            ["group", g, "has", "committed", "offset", n, "on", tp] => {
                let (topic, partition) = topic_partition(tp)?;
                Check::GroupCommittedOffset {
                    group: g.to_string(),
                    topic,
                    partition,
                    offset: count(n, "an offset")? as i64,
                }
            }
            ["group", g, "has", "lag", n, "on", t] => Check::GroupLag {
                group: g.to_string(),
                topic: t.to_string(),
                lag: count(n, "messages of lag")? as i64,
            },
            _ => return Err(unknown(line)),
        };
        Ok(check)
    }

    /// Whether the goal holds on `cluster` now. Unknown hosts, brokers, topics and partitions
    /// never satisfy a goal.
    pub fn holds(&self, cluster: &Cluster) -> bool {
        match self {
            Check::EnsembleHasLeader(want) => (cluster.zk_leaders().len() == 1) == *want,
            Check::ZkMode { host, mode } => cluster.zk_status(host).is_some_and(|s| {
                // A leader counts only once its epoch is established (it serves clients).
                s.mode == *mode && (*mode != ZkMode::Leading || s.serving)
            }),
            Check::HostStatus { host, status } => cluster.host_status(host) == Some(*status),
            Check::ZnodeExists { path, exists } => {
                leader_tree(cluster).is_some_and(|t| t.iter().any(|z| &z.path == path) == *exists)
            }
            Check::ZnodeData { path, data } => leader_tree(cluster).is_some_and(|t| {
                t.iter()
                    .any(|z| &z.path == path && z.data.as_deref() == Some(data))
            }),
            Check::ZnodeChildren { path, count } => leader_tree(cluster).is_some_and(|t| {
                t.iter()
                    .any(|z| &z.path == path && z.stat.num_children as usize == *count)
            }),
            Check::BrokerRegistered { broker, registered } => {
                let path = format!("/brokers/ids/{broker}");
                leader_tree(cluster)
                    .is_some_and(|t| t.iter().any(|z| z.path == path) == *registered)
            }
            Check::BrokerIsController(id) => cluster.controller().is_some_and(|(c, _)| c == *id),
            Check::TopicExists { topic, exists } => {
                let found = cluster.topics().iter().any(|t| &t.name == topic);
                // "Absent" needs someone to ask: a ZooKeeper leader.
                found == *exists && (found || cluster.zk_leaders().len() == 1)
            }
            Check::TopicPartitions { topic, count } => {
                with_topic(cluster, topic, |t| t.partitions.len() == *count)
            }
            Check::TopicReplicationFactor { topic, factor } => with_topic(cluster, topic, |t| {
                t.partitions
                    .iter()
                    .find(|p| p.partition == 0)
                    .is_some_and(|p| p.replicas.len() == *factor)
            }),
            Check::TopicConfig { topic, key, value } => {
                let path = format!("/config/topics/{topic}");
                leader_tree(cluster).is_some_and(|t| {
                    t.iter()
                        .find(|z| z.path == path)
                        .and_then(|z| z.data.as_deref())
                        .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
                        .is_some_and(|json| json["config"][key.as_str()].as_str() == Some(value))
                })
            }
            Check::PartitionLeader {
                topic,
                partition,
                leader,
            } => with_partition(cluster, topic, *partition, |p| p.leader == *leader),
            Check::PartitionIsr {
                topic,
                partition,
                isr,
            } => with_partition(cluster, topic, *partition, |p| {
                sorted(&p.isr) == sorted(isr)
            }),
            Check::PartitionReplicas {
                topic,
                partition,
                replicas,
            } => with_partition(cluster, topic, *partition, |p| &p.replicas == replicas),
            Check::BrokerInIsrs {
                broker,
                every,
                topic,
            } => {
                let topics = cluster.topics();
                let hosted: Vec<&PartitionView> = topics
                    .iter()
                    .filter(|t| topic.as_ref().is_none_or(|name| &t.name == name))
                    .flat_map(|t| &t.partitions)
                    .filter(|p| p.replicas.contains(broker))
                    .collect();
                !hosted.is_empty() && hosted.iter().all(|p| p.isr.contains(broker) == *every)
            }
            Check::EveryPartitionHasLeader(topic) => with_topic(cluster, topic, |t| {
                !t.partitions.is_empty() && t.partitions.iter().all(|p| p.leader.is_some())
            }),
            Check::EveryPartitionHasFullIsr(topic) => with_topic(cluster, topic, |t| {
                !t.partitions.is_empty()
                    && t.partitions
                        .iter()
                        .all(|p| sorted(&p.isr) == sorted(&p.replicas))
            }),
            Check::TopicMessages {
                topic,
                count,
                at_least,
            } => {
                let Some(t) = cluster.topics().into_iter().find(|t| &t.name == topic) else {
                    return false;
                };
                let counts: Option<Vec<i64>> = t
                    .partitions
                    .iter()
                    .map(|p| readable(cluster, topic, p))
                    .collect();
                counts.is_some_and(|c| !c.is_empty() && enough(c.iter().sum(), *count, *at_least))
            }
            Check::PartitionMessages {
                topic,
                partition,
                count,
                at_least,
            } => with_partition(cluster, topic, *partition, |p| {
                readable(cluster, topic, p).is_some_and(|n| enough(n, *count, *at_least))
            }),
            Check::PartitionHighWatermark {
                topic,
                partition,
                offset,
            } => with_partition(cluster, topic, *partition, |p| {
                leader_log(cluster, topic, p).is_some_and(|l| l.high_watermark() == *offset)
            }),
            Check::BrokerHasEveryRecord { broker, topic } => with_topic(cluster, topic, |t| {
                let hosted: Vec<&PartitionView> = t
                    .partitions
                    .iter()
                    .filter(|p| p.replicas.contains(broker))
                    .collect();
                !hosted.is_empty()
                    && hosted.iter().all(|p| {
                        let (Some(leader), Some(mine)) = (
                            leader_log(cluster, topic, p),
                            cluster.replica_log(*broker, topic, p.partition),
                        ) else {
                            return false;
                        };
                        let hw = leader.high_watermark();
                        let below =
                        |l: &'_ PartitionLog| -> Vec<(i64, i64, Option<String>, Option<String>)> {
                            l.records()
                                .filter(|r| r.offset >= leader.log_start_offset() && r.offset < hw)
                                .map(|r| (r.offset, r.timestamp, r.key.clone(), r.value.clone()))
                                .collect()
                        };
                        below(mine) == below(leader)
                    })
            }),
            Check::GroupState { group, state } => {
                coordinator_groups(cluster, group).is_some_and(|groups| {
                    let now = groups
                        .get(group.as_str())
                        .map_or("Dead", |g| g.state().as_str());
                    now == state
                })
            }
            Check::GroupMembers { group, count } => {
                with_group(cluster, group, |g| g.describe().members.len() == *count)
            }
            Check::GroupCommittedAll { group, topic } => with_group(cluster, group, |g| {
                with_topic(cluster, topic, |t| {
                    !t.partitions.is_empty()
                        && t.partitions.iter().all(|p| {
                            g.offsets()
                                .get(&(topic.clone(), p.partition))
                                .is_some_and(|c| c.offset >= 0)
                        })
                })
            }),
            Check::GroupCommittedOffset {
                group,
                topic,
                partition,
                offset,
            } => with_group(cluster, group, |g| {
                g.offsets()
                    .get(&(topic.clone(), *partition))
                    .is_some_and(|c| c.offset == *offset)
            }),
            Check::GroupLag { group, topic, lag } => with_group(cluster, group, |g| {
                let Some(t) = cluster.topics().into_iter().find(|t| &t.name == topic) else {
                    return false;
                };
                let lags: Option<Vec<i64>> = t
                    .partitions
                    .iter()
                    .map(|p| {
                        let committed = g.offsets().get(&(topic.clone(), p.partition))?.offset;
                        let hw = leader_log(cluster, topic, p)?.high_watermark();
                        (committed >= 0).then_some(hw - committed)
                    })
                    .collect();
                lags.is_some_and(|l| !l.is_empty() && l.iter().sum::<i64>() == *lag)
            }),
        }
    }

    /// The goal in words, for the page.
    pub fn describe(&self, lang: &str) -> String {
        let ko = lang == "ko";
        match self {
            Check::EnsembleHasLeader(true) if ko => "주키퍼 앙상블에 리더가 있다".into(),
            Check::EnsembleHasLeader(true) => "the ZooKeeper ensemble has a leader".into(),
            Check::EnsembleHasLeader(false) if ko => {
                "주키퍼 앙상블에 리더가 없다 (쿼럼 상실)".into()
            }
            Check::EnsembleHasLeader(false) => {
                "the ZooKeeper ensemble has no leader (quorum lost)".into()
            }
            Check::ZkMode { host, mode } => {
                let role = match (mode, ko) {
                    (ZkMode::Leading, true) => "리더",
                    (ZkMode::Following, true) => "팔로워",
                    (_, true) => "리더 선출 중(LOOKING)",
                    (ZkMode::Leading, false) => "the leader",
                    (ZkMode::Following, false) => "a follower",
                    (_, false) => "looking for a leader",
                };
                if ko {
                    format!("{host}가 {role}이다")
                } else {
                    format!("{host} is {role}")
                }
            }
            Check::HostStatus { host, status } => {
                let s = match (status, ko) {
                    (HostStatus::Running, true) => "실행 중",
                    (HostStatus::Stopped, true) => "중지됨",
                    (HostStatus::Killed, true) => "강제 종료됨",
                    (HostStatus::Paused, true) => "일시 정지됨",
                    (HostStatus::Running, false) => "running",
                    (HostStatus::Stopped, false) => "stopped",
                    (HostStatus::Killed, false) => "killed",
                    (HostStatus::Paused, false) => "paused",
                };
                if ko {
                    format!("{host}: {s}")
                } else {
                    format!("{host} is {s}")
                }
            }
            Check::ZnodeExists { path, exists: true } if ko => format!("znode {path}가 있다"),
            Check::ZnodeExists { path, exists: true } => format!("znode {path} exists"),
            Check::ZnodeExists {
                path,
                exists: false,
            } if ko => format!("znode {path}가 없다"),
            Check::ZnodeExists {
                path,
                exists: false,
            } => format!("znode {path} does not exist"),
            Check::ZnodeData { path, data } if ko => {
                format!("znode {path}의 데이터가 \"{data}\"이다")
            }
            Check::ZnodeData { path, data } => format!("znode {path} holds \"{data}\""),
            Check::ZnodeChildren { path, count } if ko => {
                format!("znode {path}의 자식이 {count}개다")
            }
            Check::ZnodeChildren { path, count } => format!("znode {path} has {count} children"),
            Check::BrokerRegistered { broker, registered } => match (registered, ko) {
                (true, true) => format!(
                    "브로커 {broker}{} 등록되어 있다 (/brokers/ids/{broker})",
                    ga(*broker)
                ),
                (false, true) => format!(
                    "브로커 {broker}{} 등록되어 있지 않다 (/brokers/ids/{broker} 없음)",
                    ga(*broker)
                ),
                (true, false) => format!("broker {broker} is registered (/brokers/ids/{broker})"),
                (false, false) => {
                    format!("broker {broker} is not registered (no /brokers/ids/{broker})")
                }
            },
            Check::BrokerIsController(id) if ko => format!("브로커 {id}{} 컨트롤러다", ga(*id)),
            Check::BrokerIsController(id) => format!("broker {id} is the controller"),
            Check::TopicExists {
                topic,
                exists: true,
            } if ko => format!("{topic} 토픽이 있다"),
            Check::TopicExists {
                topic,
                exists: true,
            } => format!("topic {topic} exists"),
            Check::TopicExists {
                topic,
                exists: false,
            } if ko => format!("{topic} 토픽이 없다"),
            Check::TopicExists {
                topic,
                exists: false,
            } => format!("topic {topic} does not exist"),
            Check::TopicPartitions { topic, count } if ko => {
                format!("{topic} 토픽의 파티션이 {count}개다")
            }
            Check::TopicPartitions { topic, count } => {
                format!("topic {topic} has {count} partitions")
            }
            Check::TopicReplicationFactor { topic, factor } if ko => {
                format!("{topic} 토픽의 복제 계수(replication factor)가 {factor}이다")
            }
            Check::TopicReplicationFactor { topic, factor } => {
                format!("topic {topic} has replication factor {factor}")
            }
            Check::TopicConfig { topic, key, value } if ko => {
                format!("{topic} 토픽의 설정 {key}가 {value}이다")
            }
            Check::TopicConfig { topic, key, value } => {
                format!("topic {topic} has {key}={value}")
            }
            Check::PartitionLeader {
                topic,
                partition,
                leader: Some(l),
            } if ko => format!("{topic}-{partition} 파티션의 리더가 브로커 {l}이다"),
            Check::PartitionLeader {
                topic,
                partition,
                leader: Some(l),
            } => format!("partition {topic}-{partition} is led by broker {l}"),
            Check::PartitionLeader {
                topic,
                partition,
                leader: None,
            } if ko => format!("{topic}-{partition} 파티션에 리더가 없다 (오프라인)"),
            Check::PartitionLeader {
                topic,
                partition,
                leader: None,
            } => format!("partition {topic}-{partition} has no leader (offline)"),
            Check::PartitionIsr {
                topic,
                partition,
                isr,
            } if ko => format!("{topic}-{partition} 파티션의 ISR이 {}이다", list(isr)),
            Check::PartitionIsr {
                topic,
                partition,
                isr,
            } => format!("partition {topic}-{partition} has ISR {}", list(isr)),
            Check::PartitionReplicas {
                topic,
                partition,
                replicas,
            } if ko => format!(
                "{topic}-{partition} 파티션의 레플리카가 {}이다",
                list(replicas)
            ),
            Check::PartitionReplicas {
                topic,
                partition,
                replicas,
            } => format!(
                "partition {topic}-{partition} has replicas {}",
                list(replicas)
            ),
            Check::BrokerInIsrs {
                broker,
                every,
                topic,
            } => {
                let of_ko = topic
                    .as_ref()
                    .map_or(String::new(), |t| format!("{t} 토픽의 "));
                let of_en = topic.as_ref().map_or(String::new(), |t| format!(" of {t}"));
                match (every, ko) {
                    (true, true) => {
                        format!("브로커 {broker}{} {of_ko}모든 ISR에 들어 있다", ga(*broker))
                    }
                    (false, true) => {
                        format!("브로커 {broker}{} {of_ko}어느 ISR에도 없다", ga(*broker))
                    }
                    (true, false) => format!("broker {broker} is in every ISR{of_en}"),
                    (false, false) => format!("broker {broker} is in no ISR{of_en}"),
                }
            }
            Check::EveryPartitionHasLeader(topic) if ko => {
                format!("{topic} 토픽의 모든 파티션에 리더가 있다")
            }
            Check::EveryPartitionHasLeader(topic) => {
                format!("every partition of {topic} has a leader")
            }
            Check::EveryPartitionHasFullIsr(topic) if ko => {
                format!("{topic} 토픽의 모든 파티션에서 모든 레플리카가 ISR에 있다")
            }
            Check::EveryPartitionHasFullIsr(topic) => {
                format!("every partition of {topic} has all its replicas in the ISR")
            }
            Check::TopicMessages {
                topic,
                count,
                at_least,
            } => match (ko, at_least) {
                (true, false) => format!("{topic} 토픽에 메시지가 {count}개 있다"),
                (true, true) => format!("{topic} 토픽에 메시지가 {count}개 이상 있다"),
                (false, false) => format!("topic {topic} holds {count} messages"),
                (false, true) => format!("topic {topic} holds at least {count} messages"),
            },
            Check::PartitionMessages {
                topic,
                partition,
                count,
                at_least,
            } => match (ko, at_least) {
                (true, false) => format!("{topic}-{partition} 파티션에 메시지가 {count}개 있다"),
                (true, true) => {
                    format!("{topic}-{partition} 파티션에 메시지가 {count}개 이상 있다")
                }
                (false, false) => format!("partition {topic}-{partition} holds {count} messages"),
                (false, true) => {
                    format!("partition {topic}-{partition} holds at least {count} messages")
                }
            },
            Check::PartitionHighWatermark {
                topic,
                partition,
                offset,
            } if ko => format!("{topic}-{partition} 파티션의 하이 워터마크가 {offset}이다"),
            Check::PartitionHighWatermark {
                topic,
                partition,
                offset,
            } => format!("partition {topic}-{partition} has high watermark {offset}"),
            Check::BrokerHasEveryRecord { broker, topic } if ko => format!(
                "브로커 {broker}{} {topic} 토픽의 커밋된 레코드를 모두 갖고 있다",
                ga(*broker)
            ),
            Check::BrokerHasEveryRecord { broker, topic } => {
                format!("broker {broker} has every committed record of {topic}")
            }
            Check::GroupState { group, state } if ko => {
                format!("{group} 그룹의 상태가 {state}이다")
            }
            Check::GroupState { group, state } => format!("group {group} is {state}"),
            Check::GroupMembers { group, count } if ko => {
                format!("{group} 그룹의 멤버가 {count}개다")
            }
            Check::GroupMembers { group, count } => {
                format!("group {group} has {count} members")
            }
            Check::GroupCommittedAll { group, topic } if ko => {
                format!("{group} 그룹이 {topic} 토픽의 모든 파티션에 오프셋을 커밋했다")
            }
            Check::GroupCommittedAll { group, topic } => {
                format!("group {group} has committed an offset for every partition of {topic}")
            }
            Check::GroupCommittedOffset {
                group,
                topic,
                partition,
                offset,
            } if ko => format!("{group} 그룹이 {topic}-{partition}에 커밋한 오프셋이 {offset}이다"),
            Check::GroupCommittedOffset {
                group,
                topic,
                partition,
                offset,
            } => format!("group {group} has committed offset {offset} on {topic}-{partition}"),
            Check::GroupLag { group, topic, lag } if ko => {
                format!("{group} 그룹의 {topic} 토픽 랙(lag)이 {lag}이다")
            }
            Check::GroupLag { group, topic, lag } => {
                format!("group {group} lags {lag} messages behind on {topic}")
            }
        }
    }
}

fn unknown(line: &str) -> String {
    let forms: Vec<String> = FORMS.iter().map(|f| format!("`{f}`")).collect();
    format!(
        "unknown goal `{line}`; expected one of: {}",
        forms.join(", ")
    )
}

/// `N` or `at least N` (the words between `has` and `messages`); `None` if neither.
fn message_count(words: &[&str]) -> Option<Result<(i64, bool), String>> {
    let (n, at_least) = match words {
        [n] => (n, false),
        ["at", "least", n] => (n, true),
        _ => return None,
    };
    Some(count(n, "messages").map(|c| (c as i64, at_least)))
}

/// `have` messages satisfy a goal of `want` (exactly, or at least).
fn enough(have: i64, want: i64, at_least: bool) -> bool {
    if at_least {
        have >= want
    } else {
        have == want
    }
}

/// The current leader's log of a partition (on its disk, even while it is down).
fn leader_log<'a>(
    cluster: &'a Cluster,
    topic: &str,
    p: &PartitionView,
) -> Option<&'a PartitionLog> {
    cluster.replica_log(p.leader?, topic, p.partition)
}

/// What a consumer can read from a partition: the leader's high watermark minus its log start.
fn readable(cluster: &Cluster, topic: &str, p: &PartitionView) -> Option<i64> {
    leader_log(cluster, topic, p).map(|l| l.high_watermark() - l.log_start_offset())
}

fn path_arg(p: &str) -> Result<String, String> {
    if p.starts_with('/') {
        Ok(p.to_string())
    } else {
        Err(format!("`{p}` is not a znode path (it must start with /)"))
    }
}

fn count(n: &str, what: &str) -> Result<usize, String> {
    n.parse()
        .map_err(|_| format!("`{n}` is not a number of {what}"))
}

fn broker_id(n: &str) -> Result<i32, String> {
    match n.parse::<i32>() {
        Ok(id) if id >= 0 => Ok(id),
        _ => Err(format!("`{n}` is not a broker id (a number such as 1)")),
    }
}

/// `1,2,3` → [1, 2, 3].
fn broker_list(s: &str) -> Result<Vec<i32>, String> {
    s.split(',')
        .map(|n| broker_id(n.trim()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| format!("`{s}` is not a list of broker ids (such as 1,2)"))
}

/// `my-topic-0` → ("my-topic", 0): the partition number is after the last `-`.
fn topic_partition(s: &str) -> Result<(String, i32), String> {
    match s.rsplit_once('-') {
        Some((t, p)) if !t.is_empty() => match p.parse::<i32>() {
            Ok(p) if p >= 0 => Ok((t.to_string(), p)),
            _ => Err(tp_error(s)),
        },
        _ => Err(tp_error(s)),
    }
}

fn tp_error(s: &str) -> String {
    format!("`{s}` is not TOPIC-PARTITION (such as my-topic-0)")
}

fn sorted(v: &[i32]) -> Vec<i32> {
    let mut v = v.to_vec();
    v.sort_unstable();
    v
}

fn list(v: &[i32]) -> String {
    v.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

/// The Korean subject particle after a number read aloud: 이 after a final consonant (1 일,
/// 3 삼, 6 육, 7 칠, 8 팔, 0 영), 가 after a vowel (2 이, 4 사, 5 오, 9 구).
fn ga(n: i32) -> &'static str {
    match n.rem_euclid(10) {
        2 | 4 | 5 | 9 => "가",
        _ => "이",
    }
}

fn with_topic(cluster: &Cluster, topic: &str, f: impl Fn(&TopicView) -> bool) -> bool {
    cluster
        .topics()
        .iter()
        .find(|t| t.name == topic)
        .is_some_and(f)
}

fn with_partition(
    cluster: &Cluster,
    topic: &str,
    partition: i32,
    f: impl Fn(&PartitionView) -> bool,
) -> bool {
    with_topic(cluster, topic, |t| {
        t.partitions
            .iter()
            .find(|p| p.partition == partition)
            .is_some_and(&f)
    })
}

/// `Stable` → the state's name as the tool prints it; any case is accepted.
fn group_state_name(s: &str) -> Result<String, String> {
    GROUP_STATES
        .iter()
        .find(|name| name.eq_ignore_ascii_case(s))
        .map(|name| name.to_string())
        .ok_or_else(|| {
            format!(
                "`{s}` is not a group state (one of {})",
                GROUP_STATES.join(", ")
            )
        })
}

/// The groups loaded on `group`'s coordinator: the running broker that leads the group's
/// `__consumer_offsets` partition in ZooKeeper. `None` while that topic does not exist, the
/// partition has no leader or its leader is not running.
fn coordinator_groups<'a>(
    cluster: &'a Cluster,
    group: &str,
) -> Option<&'a crate::ordered::OrdMap<String, Group>> {
    let topics = cluster.topics();
    let offsets = topics.iter().find(|t| t.name == OFFSETS_TOPIC)?;
    let n = u32::try_from(offsets.partitions.len())
        .ok()
        .filter(|n| *n > 0)?;
    let p = coordinator_partition(group, n) as i32;
    let leader = offsets
        .partitions
        .iter()
        .find(|q| q.partition == p)?
        .leader?;
    let broker = cluster
        .running_brokers()
        .into_iter()
        .find(|b| b.id() == leader)?;
    Some(&broker.coordinator.groups)
}

/// `f` on the group as its coordinator has it; false without a coordinator or for a group it
/// does not know.
fn with_group(cluster: &Cluster, group: &str, f: impl Fn(&Group) -> bool) -> bool {
    coordinator_groups(cluster, group)
        .and_then(|groups| groups.get(group))
        .is_some_and(f)
}

/// The established leader's data tree, or `None` while there is no single leader.
fn leader_tree(cluster: &Cluster) -> Option<Vec<crate::cluster::ZnodeView>> {
    match cluster.zk_leaders().as_slice() {
        [leader] => Some(cluster.znodes(leader)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_goal_is_serialised_as_its_source_and_parsed_back() {
        let goal = Goal {
            line: 7,
            source: "partition t-0 has isr 1,2".into(),
            check: Check::parse("partition t-0 has isr 1,2").unwrap(),
        };
        let json = serde_json::to_string(&goal).unwrap();
        assert_eq!(json, r#"{"line":7,"source":"partition t-0 has isr 1,2"}"#);
        assert_eq!(serde_json::from_str::<Goal>(&json).unwrap(), goal);
        assert!(serde_json::from_str::<Goal>(r#"{"line":1,"source":"no such goal"}"#).is_err());
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(
            Check::parse("zookeeper has a leader"),
            Ok(Check::EnsembleHasLeader(true))
        );
        assert_eq!(
            Check::parse("zookeeper2 is follower"),
            Ok(Check::ZkMode {
                host: "zookeeper2".into(),
                mode: ZkMode::Following
            })
        );
        assert_eq!(
            Check::parse("kafka2 is killed"),
            Ok(Check::HostStatus {
                host: "kafka2".into(),
                status: HostStatus::Killed
            })
        );
        assert_eq!(
            Check::parse("znode /a/b has data hello world"),
            Ok(Check::ZnodeData {
                path: "/a/b".into(),
                data: "hello world".into()
            })
        );
        assert_eq!(
            Check::parse("znode /brokers/ids has 3 children"),
            Ok(Check::ZnodeChildren {
                path: "/brokers/ids".into(),
                count: 3
            })
        );
        assert!(Check::parse("znode x exists")
            .unwrap_err()
            .contains("not a znode path"));
        assert!(Check::parse("make it work")
            .unwrap_err()
            .contains("unknown goal"));
    }

    #[test]
    fn goals_follow_the_cluster() {
        let mut c = Cluster::seed_cluster(5);
        c.wait_until_ready(60_000);
        assert!(Check::EnsembleHasLeader(true).holds(&c));
        assert!(Check::parse("znode /zookeeper exists").unwrap().holds(&c));
        assert!(!Check::parse("znode /nope exists").unwrap().holds(&c));
        assert!(Check::parse("kafka1 is running").unwrap().holds(&c));
        assert!(!Check::parse("nosuchhost is running").unwrap().holds(&c));
        let out = c.run_command("zookeeper-shell zookeeper1:2181 create /g v1", None);
        assert!(out.ok(), "{out:?}");
        assert!(Check::parse("znode /g has data v1").unwrap().holds(&c));
        let leader = c.zk_leaders()[0].clone();
        assert!(Check::parse(&format!("{leader} is leader"))
            .unwrap()
            .holds(&c));
    }

    fn tp(topic: &str, partition: i32) -> (String, i32) {
        (topic.to_string(), partition)
    }

    #[test]
    fn parses_broker_and_topic_forms() {
        let ok = |l: &str| Check::parse(l).unwrap_or_else(|e| panic!("{l}: {e}"));
        assert_eq!(
            ok("broker 2 is registered"),
            Check::BrokerRegistered {
                broker: 2,
                registered: true
            }
        );
        assert_eq!(
            ok("broker 2 is not registered"),
            Check::BrokerRegistered {
                broker: 2,
                registered: false
            }
        );
        assert_eq!(ok("broker 1 is controller"), Check::BrokerIsController(1));
        assert_eq!(
            ok("broker 1 is the controller"),
            Check::BrokerIsController(1)
        );
        assert_eq!(
            ok("topic my-topic exists"),
            Check::TopicExists {
                topic: "my-topic".into(),
                exists: true
            }
        );
        assert_eq!(
            ok("topic my-topic is absent"),
            Check::TopicExists {
                topic: "my-topic".into(),
                exists: false
            }
        );
        assert_eq!(
            ok("topic my-topic has 3 partitions"),
            Check::TopicPartitions {
                topic: "my-topic".into(),
                count: 3
            }
        );
        assert_eq!(
            ok("topic t has 1 partition"),
            Check::TopicPartitions {
                topic: "t".into(),
                count: 1
            }
        );
        assert_eq!(
            ok("topic my-topic has replication factor 2"),
            Check::TopicReplicationFactor {
                topic: "my-topic".into(),
                factor: 2
            }
        );
        // The partition is after the last dash, so topic names may contain dashes.
        assert_eq!(
            ok("partition my-topic-10 has leader 3"),
            Check::PartitionLeader {
                topic: "my-topic".into(),
                partition: 10,
                leader: Some(3)
            }
        );
        assert_eq!(
            ok("partition my-topic-0 has no leader"),
            Check::PartitionLeader {
                topic: "my-topic".into(),
                partition: 0,
                leader: None
            }
        );
        assert_eq!(
            ok("partition my-topic-1 has isr 3,2"),
            Check::PartitionIsr {
                topic: "my-topic".into(),
                partition: 1,
                isr: vec![3, 2]
            }
        );
        assert_eq!(
            ok("partition my-topic-1 has replicas 2,3"),
            Check::PartitionReplicas {
                topic: "my-topic".into(),
                partition: 1,
                replicas: vec![2, 3]
            }
        );
        assert_eq!(
            ok("broker 2 is in every isr"),
            Check::BrokerInIsrs {
                broker: 2,
                every: true,
                topic: None
            }
        );
        assert_eq!(
            ok("broker 2 is in no isr of my-topic"),
            Check::BrokerInIsrs {
                broker: 2,
                every: false,
                topic: Some("my-topic".into())
            }
        );
        assert_eq!(
            ok("every partition of my-topic has a leader"),
            Check::EveryPartitionHasLeader("my-topic".into())
        );
        assert_eq!(
            ok("every partition of my-topic has a full isr"),
            Check::EveryPartitionHasFullIsr("my-topic".into())
        );
        assert_eq!(tp("a", 1), ("a".to_string(), 1));
    }

    #[test]
    fn bad_broker_and_topic_goals_say_what_is_wrong() {
        let err = |l: &str| Check::parse(l).unwrap_err();
        assert!(err("broker two is controller").contains("not a broker id"));
        assert!(err("broker -1 is registered").contains("not a broker id"));
        assert!(err("partition my-topic has leader 1").contains("TOPIC-PARTITION"));
        assert!(err("partition -0 has leader 1").contains("TOPIC-PARTITION"));
        assert!(err("partition t-x has no leader").contains("TOPIC-PARTITION"));
        assert!(err("partition t-0 has isr 1,,2").contains("list of broker ids"));
        assert!(err("partition t-0 has isr").contains("unknown goal"));
        assert!(err("topic t has many partitions").contains("not a number of partitions"));
        assert!(err("broker 2 is in every isr for t").contains("unknown goal"));
        // The unknown-goal message lists every form.
        let e = err("topic t is fine");
        for form in FORMS {
            assert!(e.contains(form), "{form} missing from: {e}");
        }
        // Every form listed parses once its placeholders are filled in.
        for form in FORMS {
            let filled = form
                .replace("HOST", "kafka1")
                .replace("leader|follower|looking", "leader")
                .replace("running|stopped|killed|paused", "running")
                .replace(
                    "Empty|Stable|PreparingRebalance|CompletingRebalance|Dead",
                    "Stable",
                )
                .replace("PATH", "/a")
                .replace("TEXT", "x")
                .replace("T-P", "t-0")
                .replace("N,N…", "1,2")
                .replace(" [of T]", "")
                .replace('T', "t")
                .replace('N', "1");
            assert!(Check::parse(&filled).is_ok(), "{form} → {filled}");
        }
    }

    /// A booted seed cluster with `my-topic` (3 partitions, RF 2) created through kafka2.
    /// Seed 4 lays my-topic out as 1,2 / 2,3 / 3,1, which the tests below rely on.
    /// The seed cluster with my-topic placed as in chapter 7 (replicas 1,2 / 2,3 / 3,1): the
    /// first seed that gives that placement, so the tests below may name brokers.
    fn cluster_with_my_topic() -> Cluster {
        for seed in 1..200 {
            let mut c = Cluster::seed_cluster(seed);
            assert!(c.wait_until_ready(60_000));
            assert!(c.wait_until_brokers_ready(60_000));
            let out = c.run_command(
                "kafka-topics --create --topic my-topic --bootstrap-server kafka2:19092 --partitions 3 --replication-factor 2",
                None,
            );
            assert!(out.ok(), "{out:?}");
            let placed = ["1,2", "2,3", "3,1"]
                .iter()
                .enumerate()
                .all(|(p, r)| holds(&c, &format!("partition my-topic-{p} has replicas {r}")));
            if placed {
                c.run_for(3_000);
                return c;
            }
        }
        panic!("no seed below 200 places my-topic as chapter 7 does");
    }

    fn holds(c: &Cluster, goal: &str) -> bool {
        Check::parse(goal)
            .unwrap_or_else(|e| panic!("{goal}: {e}"))
            .holds(c)
    }

    #[test]
    fn broker_and_topic_goals_follow_the_cluster() {
        let mut c = Cluster::seed_cluster(1);
        assert!(c.wait_until_ready(60_000));
        assert!(c.wait_until_brokers_ready(60_000));
        // Before any topic: absent, and nothing about it holds.
        assert!(holds(&c, "topic my-topic is absent"));
        assert!(!holds(&c, "topic my-topic exists"));
        assert!(!holds(&c, "every partition of my-topic has a leader"));
        assert!(!holds(&c, "every partition of my-topic has a full isr"));
        // No replica anywhere: neither ISR goal is vacuously true.
        assert!(!holds(&c, "broker 2 is in every isr"));
        assert!(!holds(&c, "broker 2 is in no isr"));
        for id in 1..=3 {
            assert!(holds(&c, &format!("broker {id} is registered")));
            assert!(!holds(&c, &format!("broker {id} is not registered")));
        }
        assert!(!holds(&c, "broker 7 is registered"));
        let (controller, _) = c.controller().expect("a controller");
        assert!(holds(&c, &format!("broker {controller} is controller")));
        assert!(!holds(
            &c,
            &format!("broker {} is controller", controller % 3 + 1)
        ));

        let out = c.run_command(
            "kafka-topics --create --topic my-topic --bootstrap-server kafka2:19092 --partitions 3 --replication-factor 2",
            None,
        );
        assert!(out.ok(), "{out:?}");
        assert!(holds(&c, "topic my-topic exists"));
        assert!(!holds(&c, "topic my-topic is absent"));
        assert!(holds(&c, "topic my-topic has 3 partitions"));
        assert!(!holds(&c, "topic my-topic has 2 partitions"));
        assert!(holds(&c, "topic my-topic has replication factor 2"));
        assert!(!holds(&c, "topic my-topic has replication factor 3"));
        assert!(!holds(&c, "topic other has 3 partitions"));
        assert!(holds(&c, "every partition of my-topic has a leader"));
        assert!(holds(&c, "every partition of my-topic has a full isr"));
        assert!(holds(&c, "broker 2 is in every isr"));
        assert!(holds(&c, "broker 2 is in every isr of my-topic"));
        assert!(!holds(&c, "broker 2 is in no isr"));
        assert!(!holds(&c, "broker 2 is in every isr of other"));

        // Partition goals agree with ZooKeeper's partition state, whatever the assignment.
        let topic = c
            .topics()
            .into_iter()
            .find(|t| t.name == "my-topic")
            .unwrap();
        let led_by_2: Vec<i32> = topic
            .partitions
            .iter()
            .filter(|p| p.leader == Some(2))
            .map(|p| p.partition)
            .collect();
        assert!(!led_by_2.is_empty(), "the leaders are spread: {topic:?}");
        for p in &topic.partitions {
            let (n, l) = (p.partition, p.leader.unwrap());
            assert!(holds(&c, &format!("partition my-topic-{n} has leader {l}")));
            assert!(!holds(
                &c,
                &format!("partition my-topic-{n} has leader {}", l % 3 + 1)
            ));
            assert!(!holds(&c, &format!("partition my-topic-{n} has no leader")));
            let isr = list(&p.isr);
            let reversed = list(&p.isr.iter().rev().copied().collect::<Vec<_>>());
            assert!(holds(&c, &format!("partition my-topic-{n} has isr {isr}")));
            assert!(holds(
                &c,
                &format!("partition my-topic-{n} has isr {reversed}")
            ));
            assert!(!holds(&c, &format!("partition my-topic-{n} has isr {l}")));
            let replicas = list(&p.replicas);
            assert!(holds(
                &c,
                &format!("partition my-topic-{n} has replicas {replicas}")
            ));
            // Replicas are compared in order: the first is the preferred leader.
            assert!(!holds(
                &c,
                &format!("partition my-topic-{n} has replicas {reversed}")
            ));
        }
        assert!(!holds(&c, "partition my-topic-3 has no leader"));

        // Kill kafka2: once its session expires it is unregistered, leads nothing and is in no ISR.
        let out = c.run_command("docker compose kill kafka2", None);
        assert!(out.ok(), "{out:?}");
        assert!(holds(&c, "broker 2 is registered"));
        // The session expires 18 s after its last heartbeat, at the next 2 s tick.
        c.run_for(22_000);
        assert!(holds(&c, "broker 2 is not registered"));
        assert!(holds(&c, "broker 2 is in no isr"));
        assert!(holds(&c, "broker 2 is in no isr of my-topic"));
        assert!(!holds(&c, "broker 2 is in every isr"));
        assert!(holds(&c, "every partition of my-topic has a leader"));
        assert!(!holds(&c, "every partition of my-topic has a full isr"));
        for n in &led_by_2 {
            assert!(!holds(&c, &format!("partition my-topic-{n} has leader 2")));
        }

        // Back again: in every ISR once more.
        assert!(c.run_command("docker compose start kafka2", None).ok());
        c.run_for(10_000);
        assert!(holds(&c, "broker 2 is registered"));
        assert!(holds(&c, "broker 2 is in every isr"));
        assert!(holds(&c, "every partition of my-topic has a full isr"));
    }

    #[test]
    fn a_partition_without_live_replicas_has_no_leader() {
        let mut c = cluster_with_my_topic();
        // Kill both replicas of partition 0; with unclean election off it goes offline.
        let topic = c
            .topics()
            .into_iter()
            .find(|t| t.name == "my-topic")
            .unwrap();
        let p0 = topic.partitions.iter().find(|p| p.partition == 0).unwrap();
        let [a, b] = p0.replicas[..] else {
            panic!("RF 2: {p0:?}")
        };
        for id in [a, b] {
            assert!(c
                .run_command(&format!("docker compose kill kafka{id}"), None)
                .ok());
        }
        c.run_for(25_000);
        assert!(holds(&c, "partition my-topic-0 has no leader"));
        assert!(!holds(&c, "every partition of my-topic has a leader"));
        let survivor = (1..=3).find(|id| *id != a && *id != b).unwrap();
        assert!(holds(&c, &format!("broker {survivor} is controller")));
    }

    #[test]
    fn goals_read_in_both_languages() {
        for line in FORMS.iter().filter(|f| !f.contains('|')) {
            let filled = line
                .replace("PATH", "/a")
                .replace("TEXT", "x")
                .replace("T-P", "t-0")
                .replace("N,N…", "1,2")
                .replace(" [of T]", " of t")
                .replace('T', "t")
                .replace('N', "2")
                .replace("HOST", "kafka1");
            let Ok(check) = Check::parse(&filled) else {
                continue;
            };
            let (ko, en) = (check.describe("ko"), check.describe("en"));
            assert!(!ko.is_empty() && !en.is_empty() && ko != en, "{filled}");
        }
        assert_eq!(
            Check::BrokerIsController(2).describe("ko"),
            "브로커 2가 컨트롤러다"
        );
        assert_eq!(
            Check::BrokerIsController(1).describe("ko"),
            "브로커 1이 컨트롤러다"
        );
    }

    #[test]
    fn parses_data_forms() {
        let ok = |l: &str| Check::parse(l).unwrap_or_else(|e| panic!("{l}: {e}"));
        assert_eq!(
            ok("topic test has 3 messages"),
            Check::TopicMessages {
                topic: "test".into(),
                count: 3,
                at_least: false
            }
        );
        assert_eq!(
            ok("topic test has at least 1 message"),
            Check::TopicMessages {
                topic: "test".into(),
                count: 1,
                at_least: true
            }
        );
        assert_eq!(
            ok("partition my-topic-2 has 0 messages"),
            Check::PartitionMessages {
                topic: "my-topic".into(),
                partition: 2,
                count: 0,
                at_least: false
            }
        );
        assert_eq!(
            ok("partition my-topic-2 has at least 4 messages"),
            Check::PartitionMessages {
                topic: "my-topic".into(),
                partition: 2,
                count: 4,
                at_least: true
            }
        );
        assert_eq!(
            ok("partition my-topic-0 has high watermark 3"),
            Check::PartitionHighWatermark {
                topic: "my-topic".into(),
                partition: 0,
                offset: 3
            }
        );
        assert_eq!(
            ok("broker 2 has every record of my-topic"),
            Check::BrokerHasEveryRecord {
                broker: 2,
                topic: "my-topic".into()
            }
        );
        let err = |l: &str| Check::parse(l).unwrap_err();
        assert!(err("topic t has many messages").contains("not a number of messages"));
        assert!(err("topic t has at most 3 messages").contains("unknown goal"));
        assert!(err("partition t has 3 messages").contains("TOPIC-PARTITION"));
        assert!(err("partition t-0 has high watermark -1").contains("not a number"));
        assert!(err("broker x has every record of t").contains("not a broker id"));
    }

    fn script(c: &mut Cluster, text: &str) -> String {
        let out = c.run_script(text, false);
        assert!(out.exit_code < 2, "{text}\n{out:?}");
        out.stdout
    }

    #[test]
    fn data_goals_follow_what_is_produced_and_replicated() {
        let mut c = cluster_with_my_topic();
        // An empty topic: 0 messages, every replica trivially has every (no) record.
        assert!(holds(&c, "topic my-topic has 0 messages"));
        assert!(holds(&c, "topic my-topic has at least 0 messages"));
        assert!(!holds(&c, "topic my-topic has 1 messages"));
        assert!(!holds(&c, "topic other has 0 messages"));
        assert!(holds(&c, "broker 2 has every record of my-topic"));
        assert!(!holds(&c, "broker 2 has every record of other"));
        // Keys pick the partition (murmur2): kang → 0, han → 1, kim → 2.
        script(
            &mut c,
            "kafka-console-producer --bootstrap-server kafka1:19091 --topic my-topic --property parse.key=true --producer-property acks=all <<EOF\n\
             kim\tlogin\nkang\tlogin\nhan\tlogin\nkim\tclick\nkim\tlogout\nEOF\nsleep 1",
        );
        assert!(holds(&c, "topic my-topic has 5 messages"));
        assert!(holds(&c, "topic my-topic has at least 4 messages"));
        assert!(!holds(&c, "topic my-topic has at least 6 messages"));
        assert!(holds(&c, "partition my-topic-0 has 1 messages"));
        assert!(holds(&c, "partition my-topic-1 has 1 message"));
        assert!(holds(&c, "partition my-topic-2 has 3 messages"));
        assert!(holds(&c, "partition my-topic-2 has high watermark 3"));
        assert!(!holds(&c, "partition my-topic-2 has high watermark 2"));
        assert!(!holds(&c, "partition my-topic-7 has 0 messages"));
        for b in 1..=3 {
            assert!(holds(
                &c,
                &format!("broker {b} has every record of my-topic")
            ));
        }

        // acks=1 with the follower cut off: the leader has the record, the follower does not,
        // and nothing counts it until it is replicated (the high watermark stays).
        script(
            &mut c,
            "netem cut kafka1 kafka2\n\
             kafka-console-producer --bootstrap-server kafka1:19091 --topic my-topic --property parse.key=true --producer-property acks=1 <<EOF\n\
             kang\tclick\nEOF",
        );
        assert_eq!(c.replica_log(1, "my-topic", 0).unwrap().log_end_offset(), 2);
        assert!(holds(&c, "partition my-topic-0 has 1 messages"));
        assert!(holds(&c, "partition my-topic-0 has high watermark 1"));
        // Below the high watermark the follower still has everything.
        assert!(holds(&c, "broker 2 has every record of my-topic"));

        // The leader dies before the follower caught up: broker 2 takes over, and the
        // restarted broker 1 truncates the record nobody else had.
        script(
            &mut c,
            "docker compose kill kafka1\nsleep 22\nnetem heal kafka1 kafka2",
        );
        assert!(holds(&c, "partition my-topic-0 has leader 2"));
        assert!(holds(&c, "partition my-topic-0 has 1 messages"));
        // Broker 1's disk still holds the lost record at offset 1 while it is down: the new
        // leader's high watermark is 1, so below it the logs agree.
        assert!(holds(&c, "broker 1 has every record of my-topic"));
        script(
            &mut c,
            "kafka-console-producer --bootstrap-server kafka3:19093 --topic my-topic --property parse.key=true <<EOF\n\
             kang\tbuy\nEOF\nsleep 1",
        );
        assert!(holds(&c, "partition my-topic-0 has high watermark 2"));
        // Offset 1 differs on broker 1's disk (click) and on the leader (buy).
        assert!(!holds(&c, "broker 1 has every record of my-topic"));
        assert!(holds(&c, "broker 2 has every record of my-topic"));
        script(&mut c, "docker compose start kafka1\nsleep 10");
        assert!(holds(&c, "broker 1 has every record of my-topic"));
        assert!(holds(&c, "topic my-topic has 6 messages"));
        let values: Vec<String> = c
            .replica_log(1, "my-topic", 0)
            .unwrap()
            .records()
            .filter_map(|r| r.value.clone())
            .collect();
        assert_eq!(values, ["login", "buy"]);
    }

    #[test]
    fn an_offline_partition_has_no_message_count() {
        let mut c = cluster_with_my_topic();
        script(
            &mut c,
            "kafka-console-producer --bootstrap-server kafka1:19091 --topic my-topic --property parse.key=true <<EOF\nkim\tx\nEOF\nsleep 1",
        );
        assert!(holds(&c, "topic my-topic has 1 messages"));
        // Partition 2 (replicas 3,1) goes offline with both its brokers.
        script(&mut c, "docker compose kill kafka3 kafka1\nsleep 25");
        assert!(holds(&c, "partition my-topic-2 has no leader"));
        assert!(!holds(&c, "partition my-topic-2 has 1 messages"));
        assert!(!holds(&c, "topic my-topic has 1 messages"));
        assert!(!holds(&c, "topic my-topic has at least 0 messages"));
        assert!(!holds(&c, "broker 3 has every record of my-topic"));
        assert!(holds(&c, "partition my-topic-1 has 0 messages"));
    }

    #[test]
    fn topic_config_goals_read_the_topic_config_znode() {
        let ok = |l: &str| Check::parse(l).unwrap_or_else(|e| panic!("{l}: {e}"));
        assert_eq!(
            ok("topic orders has config min.insync.replicas=2"),
            Check::TopicConfig {
                topic: "orders".into(),
                key: "min.insync.replicas".into(),
                value: "2".into()
            }
        );
        let err = |l: &str| Check::parse(l).unwrap_err();
        assert!(err("topic orders has config min.insync.replicas").contains("KEY=VALUE"));
        assert!(err("topic orders has config =2").contains("KEY=VALUE"));
        assert!(err("topic orders has config min.insync.replicas=").contains("KEY=VALUE"));

        let mut c = Cluster::seed_cluster(1);
        assert!(c.wait_until_ready(60_000));
        assert!(c.wait_until_brokers_ready(60_000));
        assert!(!holds(&c, "topic orders has config min.insync.replicas=2"));
        script(
            &mut c,
            "kafka-topics --create --topic orders --bootstrap-server kafka1:19091 --replication-factor 3 --config min.insync.replicas=2 --config retention.ms=60000\n\
             kafka-topics --create --topic plain --bootstrap-server kafka1:19091",
        );
        assert!(holds(&c, "topic orders has config min.insync.replicas=2"));
        assert!(holds(&c, "topic orders has config retention.ms=60000"));
        assert!(!holds(&c, "topic orders has config min.insync.replicas=1"));
        assert!(!holds(&c, "topic orders has config cleanup.policy=delete"));
        // A topic without overrides: the broker default is not a topic config.
        assert!(!holds(&c, "topic plain has config min.insync.replicas=1"));
        assert!(!holds(&c, "topic other has config min.insync.replicas=2"));
    }

    #[test]
    fn parses_group_forms() {
        let ok = |l: &str| Check::parse(l).unwrap_or_else(|e| panic!("{l}: {e}"));
        assert_eq!(
            ok("group app is Stable"),
            Check::GroupState {
                group: "app".into(),
                state: "Stable".into()
            }
        );
        // Any case; stored as the tool prints it.
        assert_eq!(
            ok("group app is preparingrebalance"),
            Check::GroupState {
                group: "app".into(),
                state: "PreparingRebalance".into()
            }
        );
        assert_eq!(
            ok("group app has 2 members"),
            Check::GroupMembers {
                group: "app".into(),
                count: 2
            }
        );
        assert_eq!(
            ok("group app has 1 member"),
            Check::GroupMembers {
                group: "app".into(),
                count: 1
            }
        );
        assert_eq!(
            ok("group app has committed offsets for my-topic"),
            Check::GroupCommittedAll {
                group: "app".into(),
                topic: "my-topic".into()
            }
        );
        assert_eq!(
            ok("group app has committed offset 4 on my-topic-2"),
            Check::GroupCommittedOffset {
                group: "app".into(),
                topic: "my-topic".into(),
                partition: 2,
                offset: 4
            }
        );
        assert_eq!(
            ok("group app has lag 0 on my-topic"),
            Check::GroupLag {
                group: "app".into(),
                topic: "my-topic".into(),
                lag: 0
            }
        );
        let err = |l: &str| Check::parse(l).unwrap_err();
        assert!(err("group app is happy").contains("not a group state"));
        assert!(err("group app has many members").contains("not a number of members"));
        assert!(err("group app has committed offset x on t-0").contains("not a number"));
        assert!(err("group app has committed offset 1 on t").contains("TOPIC-PARTITION"));
        assert!(err("group app has lag -1 on t").contains("not a number"));
        assert!(err("group app has lag 0 for t").contains("unknown goal"));
        assert!(err("group app is").contains("unknown goal"));
    }

    #[test]
    fn a_bad_group_goal_names_its_line_in_a_notebook() {
        let e = crate::notebook::parse_notebook(
            "# T\n\n## S\n\n```goal\ngroup app is Stable\ngroup app is Calm\n```\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 7);
        assert!(e.message.contains("not a group state"), "{}", e.message);
    }

    #[test]
    fn group_goals_follow_the_coordinator() {
        let mut c = cluster_with_my_topic();
        // No group yet, not even `__consumer_offsets`: no coordinator to ask, nothing holds.
        assert!(!holds(&c, "group app is Dead"));
        assert!(!holds(&c, "group app has 0 members"));
        script(
            &mut c,
            "kafka-console-producer --bootstrap-server kafka1:19091 --topic my-topic --property parse.key=true <<EOF\n\
             kim\tlogin\nkang\tlogin\nhan\tlogin\nkim\tclick\nEOF",
        );
        // One member, kept running between commands (a script's end would interrupt it).
        let out = c.run_command(
            "kafka-console-consumer --bootstrap-server kafka1:19091 --topic my-topic --group app --from-beginning &",
            None,
        );
        assert!(out.ok(), "{out:?}");
        // The group first waits out the initial rebalance delay (3 s) in PreparingRebalance.
        let mut waited = 0;
        while !holds(&c, "group app is PreparingRebalance") && waited < 3_000 {
            c.run_for(100);
            waited += 100;
        }
        assert!(
            holds(&c, "group app is PreparingRebalance"),
            "after {waited} ms"
        );
        assert!(!holds(&c, "group app is Stable"));
        assert!(holds(&c, "group app has 1 member"));
        c.run_for(7_000);
        assert!(holds(&c, "group app is Stable"));
        assert!(holds(&c, "group app has 1 member"));
        assert!(!holds(&c, "group app has 2 members"));
        // An unknown group is Dead on its coordinator, and nothing else holds for it.
        assert!(holds(&c, "group other is Dead"));
        assert!(!holds(&c, "group other has 0 members"));
        assert!(!holds(&c, "group other has committed offsets for my-topic"));
        // Auto-commit (every 5 s) has stored what was read: kang → 0, han → 1, kim → 2.
        assert!(holds(&c, "group app has committed offsets for my-topic"));
        assert!(holds(&c, "group app has committed offset 1 on my-topic-0"));
        assert!(holds(&c, "group app has committed offset 1 on my-topic-1"));
        assert!(holds(&c, "group app has committed offset 2 on my-topic-2"));
        assert!(!holds(&c, "group app has committed offset 1 on my-topic-2"));
        assert!(holds(&c, "group app has lag 0 on my-topic"));
        assert!(!holds(&c, "group app has committed offsets for other"));

        // A second member: a rebalance, then two members.
        let out = c.run_command(
            "kafka-console-consumer --bootstrap-server kafka1:19091 --topic my-topic --group app &",
            None,
        );
        assert!(out.ok(), "{out:?}");
        c.run_for(8_000);
        assert!(holds(&c, "group app is Stable"));
        assert!(holds(&c, "group app has 2 members"));

        // Both leave (Ctrl-C commits and sends LeaveGroup): Empty, the offsets stay.
        assert!(c.run_command("kill %1", None).ok());
        assert!(c.run_command("kill %2", None).ok());
        c.run_for(1_000);
        assert!(holds(&c, "group app is Empty"));
        assert!(holds(&c, "group app has 0 members"));
        assert!(holds(&c, "group app has lag 0 on my-topic"));
        // New records while nobody reads: the lag grows, the committed offsets stay.
        script(
            &mut c,
            "kafka-console-producer --bootstrap-server kafka1:19091 --topic my-topic --property parse.key=true <<EOF\n\
             kim\tbuy\nkim\tlogout\nhan\tbuy\nEOF\nsleep 1",
        );
        assert!(holds(&c, "group app has lag 3 on my-topic"));
        assert!(!holds(&c, "group app has lag 0 on my-topic"));
        assert!(holds(&c, "group app has committed offset 2 on my-topic-2"));

        // The coordinator down: no goal about the group holds until another broker leads its
        // offsets partition (replication factor 1 here: it stays offline).
        let coordinator = {
            let topics = c.topics();
            let offsets = topics.iter().find(|t| t.name == OFFSETS_TOPIC).unwrap();
            let p = coordinator_partition("app", offsets.partitions.len() as u32) as i32;
            offsets.partitions[p as usize].leader.unwrap()
        };
        assert!(c
            .run_command(&format!("docker compose kill kafka{coordinator}"), None)
            .ok());
        assert!(!holds(&c, "group app is Empty"));
        assert!(!holds(&c, "group app has lag 3 on my-topic"));
    }
}
