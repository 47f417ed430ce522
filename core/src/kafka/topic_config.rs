//! Topic-level configs as Kafka 3.0's `LogConfig` knows them: the names it accepts, the
//! checks it makes on the values the playground acts on, and the order in which the broker
//! lists them in a DescribeConfigs answer.

/// Every topic config name of Kafka 3.0, in `LogConfig`'s definition order.
pub const TOPIC_CONFIG_NAMES: [&str; 26] = [
    "segment.bytes",
    "segment.ms",
    "segment.jitter.ms",
    "segment.index.bytes",
    "flush.messages",
    "flush.ms",
    "retention.bytes",
    "retention.ms",
    "max.message.bytes",
    "index.interval.bytes",
    "delete.retention.ms",
    "min.compaction.lag.ms",
    "max.compaction.lag.ms",
    "file.delete.delay.ms",
    "min.cleanable.dirty.ratio",
    "cleanup.policy",
    "unclean.leader.election.enable",
    "min.insync.replicas",
    "compression.type",
    "preallocate",
    "message.format.version",
    "message.timestamp.type",
    "message.timestamp.difference.max.ms",
    "leader.replication.throttled.replicas",
    "follower.replication.throttled.replicas",
    "message.downconversion.enable",
];

/// `LogConfig.validate` for a CreateTopics request: unknown names first, then the values of
/// the configs the playground acts on. `Err` is the INVALID_CONFIG message Kafka sends.
pub fn validate(configs: &[(String, String)]) -> Result<(), String> {
    for (name, _) in configs {
        if !TOPIC_CONFIG_NAMES.contains(&name.as_str()) {
            return Err(format!("Unknown topic config name: {name}"));
        }
    }
    for (name, value) in configs {
        let invalid = |why: &str| format!("Invalid value {value} for configuration {name}: {why}");
        match name.as_str() {
            "min.insync.replicas" => match value.trim().parse::<i32>() {
                Ok(n) if n >= 1 => {}
                Ok(_) => return Err(invalid("Value must be at least 1")),
                Err(_) => return Err(invalid("Not a number of type INT")),
            },
            "unclean.leader.election.enable" | "preallocate" | "message.downconversion.enable"
                if !matches!(value.trim().to_ascii_lowercase().as_str(), "true" | "false") =>
            {
                return Err(invalid("Expected value to be either true or false"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Java's `String.hashCode`.
fn java_string_hash(s: &str) -> u32 {
    s.encode_utf16()
        .fold(0u32, |h, c| h.wrapping_mul(31).wrapping_add(u32::from(c)))
}

/// The bucket of a key in a 64-slot `java.util.HashMap` (the size a map of 26 configs has).
fn java_hashmap_bucket(name: &str) -> u32 {
    let h = java_string_hash(name);
    (h ^ (h >> 16)) & 63
}

/// The broker lists a topic's configs by iterating `LogConfig.values()`, a `HashMap`: sort
/// names into that order (bucket, then definition order within a bucket). This is why Kafka
/// prints `compression.type=producer,cleanup.policy=compact,segment.bytes=104857600` for
/// `__consumer_offsets`.
pub fn sort_as_broker_lists<T>(entries: &mut [T], name: impl Fn(&T) -> &str) {
    let position = |n: &str| {
        TOPIC_CONFIG_NAMES
            .iter()
            .position(|k| *k == n)
            .unwrap_or(TOPIC_CONFIG_NAMES.len())
    };
    crate::sort::sort_by(entries, |a, b| {
        let (a, b) = (name(a), name(b));
        (java_hashmap_bucket(a), position(a), a).cmp(&(java_hashmap_bucket(b), position(b), b))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_hash_matches_java() {
        // "hello".hashCode() == 99162322 in Java.
        assert_eq!(java_string_hash("hello"), 99_162_322);
        assert_eq!(java_string_hash(""), 0);
    }

    #[test]
    fn offsets_topic_configs_come_in_the_order_kafka_prints_them() {
        let mut names = vec!["segment.bytes", "cleanup.policy", "compression.type"];
        sort_as_broker_lists(&mut names, |n| n);
        assert_eq!(
            names,
            ["compression.type", "cleanup.policy", "segment.bytes"]
        );
    }

    #[test]
    fn validation_words_errors_as_kafka() {
        let c = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        assert_eq!(validate(&c("min.insync.replicas", "2")), Ok(()));
        assert_eq!(
            validate(&c("min.insync.replica", "2")),
            Err("Unknown topic config name: min.insync.replica".into())
        );
        assert_eq!(
            validate(&c("min.insync.replicas", "two")),
            Err(
                "Invalid value two for configuration min.insync.replicas: Not a number of type INT"
                    .into()
            )
        );
        assert_eq!(
            validate(&c("min.insync.replicas", "0")),
            Err(
                "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"
                    .into()
            )
        );
        assert!(validate(&c("unclean.leader.election.enable", "yes")).is_err());
        assert_eq!(validate(&c("retention.ms", "60000")), Ok(()));
    }
}
