//! DescribeConfigs for topic resources, as a 3.0 broker in ZooKeeper mode serves it
//! (`ZkAdminManager.describeConfigs`): a topic the metadata cache does not know is
//! UNKNOWN_TOPIC_OR_PARTITION; otherwise the broker reads `/config/topics/<topic>` from
//! ZooKeeper and answers with the entries that are not defaults — the topic's own overrides
//! (DYNAMIC_TOPIC_CONFIG) over the topic configs set in its own properties
//! (STATIC_BROKER_CONFIG). `kafka-topics --describe` prints exactly those under `Configs:`.

use crate::ordered::OrdMap as BTreeMap;

use super::zk_state as zs;
use super::{Broker, Pending};
use crate::broker::messages::{ConfigEntry, ConfigSource, KafkaMessage};
use crate::kafka::topic_config;
use crate::sim::node::{Ctx, HostId, Message};
use crate::zookeeper::messages::{OpError, OpResult};

type TopicConfigs = Result<Vec<ConfigEntry>, (String, String)>;

/// One DescribeConfigs request waiting for its ZooKeeper reads.
#[derive(Clone, Debug)]
pub(super) struct Waiting {
    client: HostId,
    corr: u32,
    /// In request order; `None` until the read answers.
    results: Vec<(String, Option<TopicConfigs>)>,
}

/// Requests in flight, by a broker-local id.
#[derive(Clone, Debug, Default)]
pub(super) struct DescribeConfigsRequests {
    next_id: u64,
    waiting: BTreeMap<u64, Waiting>,
}

impl Broker {
    pub(super) fn on_describe_configs(
        &mut self,
        from: HostId,
        corr: u32,
        topics: Vec<String>,
        ctx: &mut Ctx,
    ) {
        let id = self.describe_configs.next_id;
        self.describe_configs.next_id += 1;
        let mut results = Vec::new();
        let mut reads = Vec::new();
        for topic in topics {
            if self.cache.contains_topic(&topic) {
                reads.push(topic.clone());
                results.push((topic, None));
            } else {
                let err = (
                    "UNKNOWN_TOPIC_OR_PARTITION".to_string(),
                    "This server does not host this topic-partition.".to_string(),
                );
                results.push((topic, Some(Err(err))));
            }
        }
        self.describe_configs.waiting.insert(
            id,
            Waiting {
                client: from,
                corr,
                results,
            },
        );
        for topic in reads {
            let path = zs::topic_config_path(&topic);
            self.get(ctx, &path, false, Pending::DescribeConfigs { id, topic });
        }
        self.answer_describe_configs_if_done(id, ctx);
    }

    /// The `/config/topics/<topic>` read for request `id` answered.
    pub(super) fn on_describe_configs_read(
        &mut self,
        id: u64,
        topic: &str,
        r: Result<OpResult, OpError>,
        ctx: &mut Ctx,
    ) {
        let overrides = match r {
            Ok(OpResult::Data(Some(d), _)) => zs::parse_topic_config(&d),
            // A topic created before its config znode (or by an older tool) has none.
            _ => BTreeMap::new(),
        };
        let entries = self.non_default_entries(&overrides);
        if let Some(w) = self.describe_configs.waiting.get_mut(&id) {
            if let Some(slot) = w
                .results
                .iter_mut()
                .find(|(t, r)| t == topic && r.is_none())
            {
                slot.1 = Some(Ok(entries));
            }
        }
        self.answer_describe_configs_if_done(id, ctx);
    }

    /// The topic's overrides over the broker's static topic configs, in the broker's order.
    fn non_default_entries(&self, overrides: &BTreeMap<String, String>) -> Vec<ConfigEntry> {
        let mut entries: BTreeMap<&str, ConfigEntry> = BTreeMap::new();
        for (name, value) in &self.setup.settings.static_topic_configs {
            let e = ConfigEntry {
                name: name.clone(),
                value: value.clone(),
                source: ConfigSource::StaticBrokerConfig,
            };
            entries.insert(name, e);
        }
        for (name, value) in overrides {
            let e = ConfigEntry {
                name: name.clone(),
                value: value.clone(),
                source: ConfigSource::DynamicTopicConfig,
            };
            entries.insert(name, e);
        }
        let mut entries: Vec<ConfigEntry> = entries.into_values().collect();
        topic_config::sort_as_broker_lists(&mut entries, |e| &e.name);
        entries
    }

    fn answer_describe_configs_if_done(&mut self, id: u64, ctx: &mut Ctx) {
        let done = self
            .describe_configs
            .waiting
            .get(&id)
            .is_some_and(|w| w.results.iter().all(|(_, r)| r.is_some()));
        if !done {
            return;
        }
        let Some(w) = self.describe_configs.waiting.remove(&id) else {
            return;
        };
        let results = w
            .results
            .into_iter()
            .filter_map(|(t, r)| Some((t, r?)))
            .collect();
        let msg = KafkaMessage::DescribeConfigsResponse {
            corr: w.corr,
            results,
        };
        ctx.send(w.client, Message::Kafka(msg));
    }
}
