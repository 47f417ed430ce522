//! Kafka's requests and responses between brokers, the controller and clients, typed after
//! the real ones (LeaderAndIsr, UpdateMetadata, AlterIsr, ControlledShutdown, StopReplica,
//! Fetch, Metadata, CreateTopics, DeleteTopics, CreatePartitions, ElectLeaders, Produce,
//! ListOffsets) so a wire codec could sit in front of them later.

pub use crate::broker::log::{NewRecord, Record};

/// `broker.id`.
pub type BrokerId = i32;

/// Kafka's "no leader" value.
pub const NO_LEADER: BrokerId = -1;

/// One listener endpoint of a registered broker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub listener: String,
    pub host: String,
    pub port: u16,
}

/// A live broker as ZooKeeper registers it and metadata carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerInfo {
    pub id: BrokerId,
    pub endpoints: Vec<Endpoint>,
    pub rack: Option<String>,
    /// czxid of `/brokers/ids/<id>` (the broker epoch).
    pub epoch: u64,
}

impl BrokerInfo {
    pub fn endpoint(&self, listener: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.listener == listener)
    }
}

/// A partition's leadership as the controller decides it (`LeaderIsrAndControllerEpoch`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionState {
    pub topic: String,
    pub partition: i32,
    pub controller_epoch: i32,
    pub leader: BrokerId,
    pub leader_epoch: i32,
    pub isr: Vec<BrokerId>,
    /// Version of the state znode (the controller's conditional updates).
    pub zk_version: i32,
    /// Assignment order; the first is the preferred leader.
    pub replicas: Vec<BrokerId>,
}

/// One topic of a Metadata response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicMetadata {
    pub name: String,
    /// `None` → the error name (e.g. `UNKNOWN_TOPIC_OR_PARTITION`).
    pub error: Option<String>,
    pub topic_id: String,
    pub is_internal: bool,
    pub partitions: Vec<PartitionMetadata>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionMetadata {
    pub partition: i32,
    /// `LEADER_NOT_AVAILABLE` when the leader is not alive.
    pub error: Option<String>,
    pub leader: BrokerId,
    pub leader_epoch: i32,
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    pub offline: Vec<BrokerId>,
}

/// A topic in a CreateTopics request (`-1` = the broker's default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatableTopic {
    pub name: String,
    pub num_partitions: i32,
    pub replication_factor: i32,
    /// `--config k=v` entries (stored in `/config/topics/<name>`).
    pub configs: Vec<(String, String)>,
}

/// `replica_id` of a consumer's fetch.
pub const CONSUMER_REPLICA_ID: BrokerId = -1;

/// One partition of a Fetch request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchPartition {
    pub topic: String,
    pub partition: i32,
    /// The leader epoch the fetcher believes in (-1: don't check).
    pub current_leader_epoch: i32,
    pub fetch_offset: i64,
    /// Followers: the epoch of their last record, for divergence checks.
    pub last_fetched_epoch: Option<i32>,
}

/// One partition of a Fetch response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchedPartition {
    pub topic: String,
    pub partition: i32,
    pub error: Option<String>,
    pub high_watermark: i64,
    pub log_start_offset: i64,
    /// Set when the follower's log diverges: (epoch, end offset) to truncate to.
    pub diverging_epoch: Option<(i32, i64)>,
    pub records: Vec<Record>,
}

/// ListOffsets' special timestamps.
pub const LATEST_TIMESTAMP: i64 = -1;
pub const EARLIEST_TIMESTAMP: i64 = -2;

/// A per-topic CreateTopics outcome: `Err((ERROR_NAME, message))`.
pub type CreateResult = Result<(), (String, String)>;

/// Where a config value comes from, as DescribeConfigs reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigSource {
    /// `/config/topics/<topic>` (set at creation or by kafka-configs).
    DynamicTopicConfig,
    /// The broker's own properties (the compose file's `KAFKA_*`).
    StaticBrokerConfig,
}

/// A topic's non-default config entries, or `(ERROR_NAME, message)`.
pub type TopicConfigsResult = Result<Vec<ConfigEntry>, (String, String)>;

/// One non-default config entry of a topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigEntry {
    pub name: String,
    pub value: String,
    pub source: ConfigSource,
}

/// `LeaderAndIsr.LeaderDuringDelete`: an UpdateMetadata partition with this leader is removed
/// from the brokers' metadata caches (its topic is being deleted).
pub const LEADER_DURING_DELETE: BrokerId = -2;

/// `org.apache.kafka.common.ElectionType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElectionType {
    Preferred,
    Unclean,
}

impl ElectionType {
    /// As Java's enum prints it (`PREFERRED`, `UNCLEAN`).
    pub fn name(self) -> &'static str {
        match self {
            ElectionType::Preferred => "PREFERRED",
            ElectionType::Unclean => "UNCLEAN",
        }
    }
}

#[derive(Clone, Debug)]
pub enum KafkaMessage {
    /// Controller → replicas: become leader or follower at this leader epoch.
    LeaderAndIsr {
        controller_id: BrokerId,
        controller_epoch: i32,
        partitions: Vec<PartitionState>,
        topic_ids: Vec<(String, String)>,
    },
    /// Controller → every live broker: the metadata cache's new contents (`full` replaces all).
    UpdateMetadata {
        controller_id: BrokerId,
        controller_epoch: i32,
        brokers: Vec<BrokerInfo>,
        partitions: Vec<PartitionState>,
        topic_ids: Vec<(String, String)>,
        full: bool,
    },
    /// Partition leader → controller: change the ISR (3.0, IBP ≥ 2.7).
    AlterIsr {
        broker_id: BrokerId,
        topic: String,
        partition: i32,
        leader_epoch: i32,
        new_isr: Vec<BrokerId>,
        zk_version: i32,
    },
    AlterIsrResponse {
        topic: String,
        partition: i32,
        /// The state the controller wrote, or the error name.
        result: Result<PartitionState, String>,
    },
    /// A stopping broker asks the controller to move its leaderships away first.
    ControlledShutdown {
        broker_id: BrokerId,
    },
    ControlledShutdownResponse {
        remaining: usize,
    },
    /// Controller → a replica's broker: stop fetching / leading these partitions; with
    /// `delete`, drop them and their logs (topic deletion).
    StopReplica {
        controller_id: BrokerId,
        controller_epoch: i32,
        delete: bool,
        partitions: Vec<(String, i32)>,
    },
    /// Per-partition outcome (`None` = NONE), or the whole request's error.
    StopReplicaResponse {
        broker_id: BrokerId,
        error: Option<String>,
        partitions: Vec<(String, i32, Option<String>)>,
    },
    /// Admin → controller: delete topics (waits until no broker's metadata has them).
    /// Admin → any broker: the configs of topics (DescribeConfigs, topic resources only).
    DescribeConfigsRequest {
        corr: u32,
        topics: Vec<String>,
    },
    /// Per topic: its entries that are not defaults, or an error.
    DescribeConfigsResponse {
        corr: u32,
        results: Vec<(String, TopicConfigsResult)>,
    },
    DeleteTopicsRequest {
        corr: u32,
        topics: Vec<String>,
        timeout_ms: u64,
    },
    /// Per topic; only error codes travel in 3.0's ZooKeeper mode (messages are defaults).
    DeleteTopicsResponse {
        corr: u32,
        results: Vec<(String, CreateResult)>,
    },
    /// Admin → controller: raise topics' partition counts to (topic, new total).
    CreatePartitionsRequest {
        corr: u32,
        topics: Vec<(String, i32)>,
        timeout_ms: u64,
    },
    CreatePartitionsResponse {
        corr: u32,
        results: Vec<(String, CreateResult)>,
    },
    /// Admin → controller: preferred or unclean election; `None` = every partition.
    ElectLeadersRequest {
        corr: u32,
        election_type: ElectionType,
        partitions: Option<Vec<(String, i32)>>,
        timeout_ms: u64,
    },
    ElectLeadersResponse {
        corr: u32,
        /// (topic, partition, outcome).
        results: Vec<(String, i32, CreateResult)>,
    },
    /// Follower or consumer → leader: read from `fetch_offset` (long-polls up to
    /// `max_wait_ms` while there is nothing to return).
    Fetch {
        corr: u32,
        /// A broker id for followers, [`CONSUMER_REPLICA_ID`] for consumers.
        replica_id: BrokerId,
        max_wait_ms: u64,
        partitions: Vec<FetchPartition>,
    },
    FetchResponse {
        corr: u32,
        partitions: Vec<FetchedPartition>,
    },
    /// Producer → leader: append records; `acks` 0 (no answer), 1 (leader) or -1 (all ISR).
    Produce {
        corr: u32,
        acks: i16,
        timeout_ms: u64,
        partitions: Vec<(String, i32, Vec<NewRecord>)>,
    },
    ProduceResponse {
        corr: u32,
        /// (topic, partition, base offset or error name).
        partitions: Vec<(String, i32, Result<i64, String>)>,
    },
    /// Consumer → leader: the offset for a timestamp ([`LATEST_TIMESTAMP`] = the HW,
    /// [`EARLIEST_TIMESTAMP`] = the log start).
    ListOffsets {
        corr: u32,
        partitions: Vec<(String, i32, i64)>,
    },
    ListOffsetsResponse {
        corr: u32,
        partitions: Vec<(String, i32, Result<i64, String>)>,
    },
    /// Which broker coordinates group `key` (the leader of its `__consumer_offsets`
    /// partition); the answer is that broker's endpoint on `listener`.
    FindCoordinator {
        corr: u32,
        key: String,
        listener: String,
    },
    FindCoordinatorResponse {
        corr: u32,
        /// (id, host, port) or the error name.
        result: Result<(BrokerId, String, u16), String>,
    },
    /// A group request for the coordinator (JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
    /// OffsetCommit, OffsetFetch, DescribeGroups, ListGroups).
    Group {
        corr: u32,
        group_id: String,
        request: GroupRequest,
    },
    GroupResponse {
        corr: u32,
        response: GroupResponse,
    },
    MetadataRequest {
        corr: u32,
        /// The listener the client connected through (decides the advertised endpoints).
        listener: String,
        /// `None` = all topics.
        topics: Option<Vec<String>>,
    },
    MetadataResponse {
        corr: u32,
        cluster_id: String,
        controller_id: BrokerId,
        /// (id, host, port) on the request's listener.
        brokers: Vec<(BrokerId, String, u16)>,
        topics: Vec<TopicMetadata>,
    },
    CreateTopicsRequest {
        corr: u32,
        topics: Vec<CreatableTopic>,
        timeout_ms: u64,
    },
    CreateTopicsResponse {
        corr: u32,
        results: Vec<(String, CreateResult)>,
    },
}

/// The group APIs' requests (the coordinator side is `broker::coordinator`).
#[derive(Clone, Debug)]
pub enum GroupRequest {
    Join(crate::kafka::group::JoinRequest),
    Sync {
        member_id: String,
        generation: i32,
        protocol: Option<String>,
        assignments: Vec<(String, Vec<(String, i32)>)>,
    },
    Heartbeat {
        member_id: String,
        generation: i32,
    },
    Leave {
        member_id: String,
    },
    OffsetCommit {
        member_id: String,
        generation: i32,
        offsets: Vec<((String, i32), i64)>,
    },
    /// `None` = every committed partition.
    OffsetFetch {
        partitions: Option<Vec<(String, i32)>>,
    },
    Describe,
    /// Every group this broker coordinates (the group id of the request is ignored).
    List,
    /// DeleteGroups for this one group (the admin client sends one per coordinator).
    DeleteGroup,
    /// OffsetDelete: drop the committed offsets of these partitions.
    OffsetDelete {
        partitions: Vec<(String, i32)>,
    },
}

#[derive(Clone, Debug)]
pub enum GroupResponse {
    /// NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE … for any request.
    Error(String),
    Join(crate::kafka::group::JoinResponse),
    Sync(crate::kafka::group::SyncResponse),
    Heartbeat(String),
    Leave(String),
    OffsetCommit(Vec<((String, i32), String)>),
    OffsetFetch(Vec<((String, i32), i64)>),
    Describe(crate::kafka::group::GroupDescription),
    List(Vec<(String, String, crate::kafka::group::GroupState)>),
    /// DeleteGroups' error name for the group (`NONE` when deleted).
    DeleteGroup(String),
    /// OffsetDelete: the group-level error name, then each partition's (empty when the
    /// group-level error is not `NONE`).
    OffsetDelete(String, Vec<((String, i32), String)>),
}

impl GroupRequest {
    pub fn name(&self) -> &'static str {
        match self {
            GroupRequest::Join(_) => "JoinGroup",
            GroupRequest::Sync { .. } => "SyncGroup",
            GroupRequest::Heartbeat { .. } => "Heartbeat",
            GroupRequest::Leave { .. } => "LeaveGroup",
            GroupRequest::OffsetCommit { .. } => "OffsetCommit",
            GroupRequest::OffsetFetch { .. } => "OffsetFetch",
            GroupRequest::Describe => "DescribeGroups",
            GroupRequest::List => "ListGroups",
            GroupRequest::DeleteGroup => "DeleteGroups",
            GroupRequest::OffsetDelete { .. } => "OffsetDelete",
        }
    }
}

impl KafkaMessage {
    /// Client requests open a TCP connection: a stopped broker refuses them.
    pub fn opens_connection(&self) -> bool {
        match self {
            KafkaMessage::MetadataRequest { .. }
            | KafkaMessage::CreateTopicsRequest { .. }
            | KafkaMessage::DeleteTopicsRequest { .. }
            | KafkaMessage::DescribeConfigsRequest { .. }
            | KafkaMessage::CreatePartitionsRequest { .. }
            | KafkaMessage::ElectLeadersRequest { .. }
            | KafkaMessage::Produce { .. }
            | KafkaMessage::ListOffsets { .. }
            | KafkaMessage::FindCoordinator { .. }
            | KafkaMessage::Group { .. } => true,
            KafkaMessage::Fetch { replica_id, .. } => *replica_id < 0,
            _ => false,
        }
    }

    /// `controller`, `replication` or `kafka` (client requests), for colouring.
    pub fn channel(&self) -> &'static str {
        match self {
            KafkaMessage::Fetch { replica_id, .. } if *replica_id < 0 => "fetch",
            KafkaMessage::FetchResponse { partitions, .. }
                if partitions.iter().any(|p| !p.records.is_empty()) =>
            {
                "records"
            }
            KafkaMessage::Produce { .. } => "produce",
            KafkaMessage::Fetch { .. } | KafkaMessage::FetchResponse { .. } => "replication",
            KafkaMessage::ProduceResponse { .. } => "kafka",
            KafkaMessage::ListOffsets { .. } | KafkaMessage::ListOffsetsResponse { .. } => "kafka",
            KafkaMessage::MetadataRequest { .. }
            | KafkaMessage::MetadataResponse { .. }
            | KafkaMessage::CreateTopicsRequest { .. }
            | KafkaMessage::CreateTopicsResponse { .. }
            | KafkaMessage::FindCoordinator { .. }
            | KafkaMessage::FindCoordinatorResponse { .. }
            | KafkaMessage::Group { .. }
            | KafkaMessage::GroupResponse { .. }
            | KafkaMessage::DeleteTopicsRequest { .. }
            | KafkaMessage::DeleteTopicsResponse { .. }
            | KafkaMessage::DescribeConfigsRequest { .. }
            | KafkaMessage::DescribeConfigsResponse { .. }
            | KafkaMessage::CreatePartitionsRequest { .. }
            | KafkaMessage::CreatePartitionsResponse { .. }
            | KafkaMessage::ElectLeadersRequest { .. }
            | KafkaMessage::ElectLeadersResponse { .. } => "kafka",
            _ => "controller",
        }
    }

    pub fn label(&self) -> String {
        match self {
            KafkaMessage::LeaderAndIsr { partitions, .. } => {
                format!("LeaderAndIsr ({})", partitions.len())
            }
            KafkaMessage::UpdateMetadata { partitions, .. } => {
                format!("UpdateMetadata ({})", partitions.len())
            }
            KafkaMessage::AlterIsr {
                topic,
                partition,
                new_isr,
                ..
            } => format!("AlterIsr {topic}-{partition} {new_isr:?}"),
            KafkaMessage::AlterIsrResponse { .. } => "AlterIsr response".into(),
            KafkaMessage::ControlledShutdown { broker_id } => {
                format!("ControlledShutdown {broker_id}")
            }
            KafkaMessage::ControlledShutdownResponse { .. } => "ControlledShutdown response".into(),
            KafkaMessage::StopReplica {
                delete, partitions, ..
            } => format!(
                "StopReplica{} ({})",
                if *delete { " delete" } else { "" },
                partitions.len()
            ),
            KafkaMessage::StopReplicaResponse { .. } => "StopReplica response".into(),
            KafkaMessage::DeleteTopicsRequest { topics, .. } => {
                format!("DeleteTopics {}", topics.join(","))
            }
            KafkaMessage::DeleteTopicsResponse { .. } => "DeleteTopics response".into(),
            KafkaMessage::DescribeConfigsRequest { topics, .. } => {
                format!("DescribeConfigs {}", topics.join(","))
            }
            KafkaMessage::DescribeConfigsResponse { .. } => "DescribeConfigs response".into(),
            KafkaMessage::CreatePartitionsRequest { topics, .. } => format!(
                "CreatePartitions {}",
                topics
                    .iter()
                    .map(|(t, n)| format!("{t}→{n}"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            KafkaMessage::CreatePartitionsResponse { .. } => "CreatePartitions response".into(),
            KafkaMessage::ElectLeadersRequest { election_type, .. } => {
                format!("ElectLeaders {}", election_type.name())
            }
            KafkaMessage::ElectLeadersResponse { .. } => "ElectLeaders response".into(),
            KafkaMessage::Fetch { partitions, .. } => match partitions.as_slice() {
                [p] => format!("Fetch {}-{} @{}", p.topic, p.partition, p.fetch_offset),
                _ => format!("Fetch ({})", partitions.len()),
            },
            KafkaMessage::FetchResponse { partitions, .. } => {
                let n: usize = partitions.iter().map(|p| p.records.len()).sum();
                if n == 0 {
                    "Fetch response".into()
                } else {
                    format!("Fetch response ({n} records)")
                }
            }
            KafkaMessage::Produce { partitions, .. } => {
                let n: usize = partitions.iter().map(|p| p.2.len()).sum();
                match partitions.as_slice() {
                    [(t, p, _)] => format!("Produce {t}-{p} ({n})"),
                    _ => format!("Produce ({n})"),
                }
            }
            KafkaMessage::ProduceResponse { .. } => "Produce response".into(),
            KafkaMessage::ListOffsets { .. } => "ListOffsets".into(),
            KafkaMessage::ListOffsetsResponse { .. } => "ListOffsets response".into(),
            KafkaMessage::FindCoordinator { key, .. } => format!("FindCoordinator {key}"),
            KafkaMessage::FindCoordinatorResponse { .. } => "FindCoordinator response".into(),
            KafkaMessage::Group {
                group_id, request, ..
            } => format!("{} {group_id}", request.name()),
            KafkaMessage::GroupResponse { .. } => "Group response".into(),
            KafkaMessage::MetadataRequest { .. } => "Metadata".into(),
            KafkaMessage::MetadataResponse { .. } => "Metadata response".into(),
            KafkaMessage::CreateTopicsRequest { topics, .. } => format!(
                "CreateTopics {}",
                topics
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            KafkaMessage::CreateTopicsResponse { .. } => "CreateTopics response".into(),
        }
    }
}
