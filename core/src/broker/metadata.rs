//! A broker's metadata cache (MetadataCache): filled only by the controller's UpdateMetadata,
//! so it may lag; it answers Metadata requests and CreateTopics' "already exists" check. A
//! partition sent with leader [`LEADER_DURING_DELETE`] leaves it (topic deletion).

use crate::broker::controller::PartitionKey;
use crate::broker::messages::{
    BrokerId, BrokerInfo, PartitionMetadata, PartitionState, TopicMetadata, LEADER_DURING_DELETE,
    NO_LEADER,
};
use crate::kafka::topic_name;
use crate::ordered::OrdMap as BTreeMap;

#[derive(Clone, Debug)]
pub struct MetadataCache {
    pub controller_id: BrokerId,
    pub controller_epoch: i32,
    pub brokers: BTreeMap<BrokerId, BrokerInfo>,
    pub partitions: BTreeMap<PartitionKey, PartitionState>,
    pub topic_ids: BTreeMap<String, String>,
}

impl Default for MetadataCache {
    fn default() -> Self {
        MetadataCache {
            controller_id: NO_LEADER,
            controller_epoch: 0,
            brokers: BTreeMap::new(),
            partitions: BTreeMap::new(),
            topic_ids: BTreeMap::new(),
        }
    }
}

impl MetadataCache {
    /// Applies an UpdateMetadata unless it comes from an older controller.
    pub fn update(
        &mut self,
        controller_id: BrokerId,
        controller_epoch: i32,
        brokers: Vec<BrokerInfo>,
        partitions: Vec<PartitionState>,
        topic_ids: Vec<(String, String)>,
        full: bool,
    ) -> bool {
        if controller_epoch < self.controller_epoch {
            return false;
        }
        self.controller_id = controller_id;
        self.controller_epoch = controller_epoch;
        self.brokers = brokers.into_iter().map(|b| (b.id, b)).collect();
        if full {
            self.partitions.clear();
            self.topic_ids.clear();
        }
        self.topic_ids.extend(topic_ids);
        let mut deleted = Vec::new();
        for p in partitions {
            if p.leader == LEADER_DURING_DELETE {
                // ZkMetadataCache.removePartitionInfo: the topic goes once its last partition does.
                self.partitions.remove(&(p.topic.clone(), p.partition));
                deleted.push(p.topic);
            } else {
                self.partitions.insert((p.topic.clone(), p.partition), p);
            }
        }
        for t in deleted {
            if !self.partitions.keys().any(|(pt, _)| *pt == t) {
                self.topic_ids.remove(&t);
            }
        }
        true
    }

    pub fn contains_topic(&self, topic: &str) -> bool {
        self.topic_ids.contains_key(topic)
    }

    /// Alive broker ids, sorted (the assignment's broker list).
    pub fn alive_ids(&self) -> Vec<BrokerId> {
        self.brokers.keys().copied().collect()
    }

    /// Every partition of `topic` has a leader in the cache (a create is complete).
    pub fn topic_ready(&self, topic: &str) -> bool {
        let mut any = false;
        for ((t, _), s) in &self.partitions {
            if t == topic {
                any = true;
                if s.leader == NO_LEADER {
                    return false;
                }
            }
        }
        any
    }

    /// The topics part of a Metadata response (`None` = all topics).
    pub fn topics(&self, wanted: Option<&[String]>) -> Vec<TopicMetadata> {
        let names: Vec<String> = match wanted {
            Some(w) => w.to_vec(),
            None => self.topic_ids.keys().cloned().collect(),
        };
        names
            .into_iter()
            .map(|name| {
                let Some(id) = self.topic_ids.get(&name) else {
                    return TopicMetadata {
                        name,
                        error: Some("UNKNOWN_TOPIC_OR_PARTITION".into()),
                        topic_id: String::new(),
                        is_internal: false,
                        partitions: Vec::new(),
                    };
                };
                let partitions = self
                    .partitions
                    .iter()
                    .filter(|((t, _), _)| *t == name)
                    .map(|(_, s)| {
                        let offline: Vec<BrokerId> = s
                            .replicas
                            .iter()
                            .copied()
                            .filter(|r| !self.brokers.contains_key(r))
                            .collect();
                        let alive = self.brokers.contains_key(&s.leader);
                        PartitionMetadata {
                            partition: s.partition,
                            error: (!alive).then(|| "LEADER_NOT_AVAILABLE".to_string()),
                            leader: if alive { s.leader } else { NO_LEADER },
                            leader_epoch: s.leader_epoch,
                            replicas: s.replicas.clone(),
                            isr: s.isr.clone(),
                            offline,
                        }
                    })
                    .collect();
                TopicMetadata {
                    is_internal: topic_name::is_internal(&name),
                    name,
                    error: None,
                    topic_id: id.clone(),
                    partitions,
                }
            })
            .collect()
    }
}
