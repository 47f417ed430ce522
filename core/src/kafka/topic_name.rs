//! Topic names as Kafka 3.0 checks them (`org.apache.kafka.common.internals.Topic`) and the
//! collision rule of the ZooKeeper admin path (`AdminZkClient.validateTopicCreate`).
//!
//! Periods and underscores both become `_` in metric names, so `a.b` and `a_b` would share
//! metrics; Kafka refuses the second one and `kafka-topics` warns about the risk.

/// `__consumer_offsets`: committed offsets and group metadata.
pub const GROUP_METADATA_TOPIC_NAME: &str = "__consumer_offsets";
/// `__transaction_state`: transaction coordinator state.
pub const TRANSACTION_STATE_TOPIC_NAME: &str = "__transaction_state";
/// `Topic.MAX_NAME_LENGTH`.
pub const MAX_NAME_LENGTH: usize = 249;
/// What `kafka-topics --create` prints (stdout) before creating a topic whose name has a
/// period or an underscore.
pub const COLLISION_WARNING: &str = "WARNING: Due to limitations in metric names, topics with \
     a period ('.') or underscore ('_') could collide. To avoid issues it is best to use \
     either, but not both.";

/// `Topic.validate`: `Err` carries the `InvalidTopicException` message. Checks run in Kafka's
/// order (empty, dots, length, characters), so the first failing one is reported.
pub fn validate(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("Topic name is illegal, it can't be empty".into());
    }
    if name == "." || name == ".." {
        return Err("Topic name cannot be \".\" or \"..\"".into());
    }
    // Java's String.length() counts UTF-16 units.
    if name.encode_utf16().count() > MAX_NAME_LENGTH {
        return Err(format!(
            "Topic name is illegal, it can't be longer than {MAX_NAME_LENGTH} characters, \
             topic name: {name}"
        ));
    }
    if !contains_valid_pattern(name) {
        return Err(format!(
            "Topic name \"{name}\" is illegal, it contains a character other than ASCII \
             alphanumerics, '.', '_' and '-'"
        ));
    }
    Ok(())
}

/// `Topic.containsValidPattern`: only `[a-zA-Z0-9._-]`.
pub fn contains_valid_pattern(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// `Topic.isInternal`.
pub fn is_internal(name: &str) -> bool {
    name == GROUP_METADATA_TOPIC_NAME || name == TRANSACTION_STATE_TOPIC_NAME
}

/// `Topic.hasCollisionChars`: a `.` or `_` anywhere.
pub fn has_collision_chars(name: &str) -> bool {
    name.contains(['.', '_'])
}

/// `Topic.hasCollision`: equal once every `.` becomes `_`.
pub fn has_collision(a: &str, b: &str) -> bool {
    a.replace('.', "_") == b.replace('.', "_")
}

/// Why a new topic cannot be created next to `existing`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreateTopicNameError {
    /// `InvalidTopicException` (`INVALID_TOPIC_EXCEPTION`).
    Invalid(String),
    /// `TopicExistsException` (`TOPIC_ALREADY_EXISTS`).
    Exists(String),
}

impl CreateTopicNameError {
    pub fn message(&self) -> &str {
        match self {
            CreateTopicNameError::Invalid(m) | CreateTopicNameError::Exists(m) => m,
        }
    }
}

impl std::fmt::Display for CreateTopicNameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

/// The name checks of `AdminZkClient.validateTopicCreate`: valid name, not already there,
/// no metric-name collision. `existing` is every topic under `/brokers/topics`; colliding
/// names are listed sorted (Kafka lists them in its set's iteration order, which for the
/// usual single collision is the same text).
pub fn validate_create<'a>(
    name: &str,
    existing: impl IntoIterator<Item = &'a str>,
) -> Result<(), CreateTopicNameError> {
    validate(name).map_err(CreateTopicNameError::Invalid)?;
    let existing: Vec<&str> = existing.into_iter().collect();
    if existing.contains(&name) {
        return Err(CreateTopicNameError::Exists(format!(
            "Topic '{name}' already exists."
        )));
    }
    if has_collision_chars(name) {
        let mut colliding: Vec<&str> = existing
            .into_iter()
            .filter(|t| has_collision(name, t))
            .collect();
        colliding.sort_unstable();
        colliding.dedup();
        if !colliding.is_empty() {
            return Err(CreateTopicNameError::Invalid(format!(
                "Topic '{name}' collides with existing topics: {}",
                colliding.join(", ")
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `TopicTest.shouldAcceptValidTopicNames` / `shouldThrowOnInvalidTopicNames`.
    #[test]
    fn kafkas_valid_and_invalid_names() {
        let max = "x".repeat(MAX_NAME_LENGTH);
        for ok in [
            "valid",
            "TOPIC",
            "nAmEs",
            "ar6",
            "VaL1d",
            "_0-9_.",
            "...",
            max.as_str(),
        ] {
            assert_eq!(validate(ok), Ok(()), "{ok}");
        }
        let long = "x".repeat(MAX_NAME_LENGTH + 1);
        for bad in [
            "",
            "foo bar",
            "..",
            "foo:bar",
            "foo=bar",
            ".",
            long.as_str(),
        ] {
            assert!(validate(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn kafkas_messages() {
        assert_eq!(
            validate("").unwrap_err(),
            "Topic name is illegal, it can't be empty"
        );
        assert_eq!(
            validate(".").unwrap_err(),
            "Topic name cannot be \".\" or \"..\""
        );
        assert_eq!(
            validate("..").unwrap_err(),
            "Topic name cannot be \".\" or \"..\""
        );
        let long = "a".repeat(250);
        assert_eq!(
            validate(&long).unwrap_err(),
            format!(
                "Topic name is illegal, it can't be longer than 249 characters, topic name: {long}"
            )
        );
        assert_eq!(
            validate("my topic").unwrap_err(),
            "Topic name \"my topic\" is illegal, it contains a character other than ASCII \
             alphanumerics, '.', '_' and '-'"
        );
        // Non-ASCII letters are not "alphanumerics" here.
        assert!(validate("토픽").is_err());
        assert!(validate("é").is_err());
    }

    #[test]
    fn length_counts_utf16_units_and_comes_before_characters() {
        // 125 astral chars = 250 UTF-16 units: the length message wins over the charset one.
        let name = "😀".repeat(125);
        assert!(validate(&name).unwrap_err().contains("longer than 249"));
    }

    /// `TopicTest.testTopicHasCollisionChars` / `testTopicHasCollision`.
    #[test]
    fn kafkas_collision_rules() {
        for name in [
            "contains_underscore",
            "contains.dot",
            "contains_underscore.and.dot",
        ] {
            assert!(has_collision_chars(name));
        }
        for name in ["start", "end", "middle", "many"] {
            assert!(!has_collision_chars(name));
        }
        let periods = ["topic.", ".topic", "to.pic", "._.", "._", "_."];
        for p in periods {
            let underscored = p.replace('.', "_");
            assert!(has_collision(p, &underscored), "{p}");
            assert!(has_collision(&underscored, p));
            assert!(has_collision(p, p));
        }
        assert!(!has_collision("a.b", "a-b"));
    }

    #[test]
    fn create_checks_in_kafkas_order() {
        let existing = ["test", "a_b", "my-topic"];
        assert_eq!(validate_create("new.topic", existing), Ok(()));
        assert_eq!(
            validate_create("test", existing).unwrap_err(),
            CreateTopicNameError::Exists("Topic 'test' already exists.".into())
        );
        assert_eq!(
            validate_create("a.b", existing).unwrap_err().to_string(),
            "Topic 'a.b' collides with existing topics: a_b"
        );
        assert_eq!(
            validate_create("a.b", ["a_b", "a.b_", "a_b"])
                .unwrap_err()
                .to_string(),
            "Topic 'a.b' collides with existing topics: a_b"
        );
        assert_eq!(
            validate_create("x_y.z", ["x.y_z", "x_y_z"])
                .unwrap_err()
                .to_string(),
            "Topic 'x_y.z' collides with existing topics: x.y_z, x_y_z"
        );
        assert!(matches!(
            validate_create("bad name", existing),
            Err(CreateTopicNameError::Invalid(_))
        ));
    }

    #[test]
    fn internal_topics() {
        assert!(is_internal("__consumer_offsets"));
        assert!(is_internal("__transaction_state"));
        assert!(!is_internal("_confluent-metrics"));
        assert!(!is_internal("test"));
    }

    #[test]
    fn warning_text() {
        assert_eq!(
            COLLISION_WARNING,
            "WARNING: Due to limitations in metric names, topics with a period ('.') or \
             underscore ('_') could collide. To avoid issues it is best to use either, but not both."
        );
    }
}
