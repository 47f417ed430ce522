//! The text `kafka-topics --describe` and `kafka-consumer-groups --describe` print in 3.0
//! (`TopicCommand`, `ConsumerGroupCommand`), as pure functions over plain values.
//!
//! Column widths follow the tools' `%-Ns` formats: left-aligned, padded to at least N (Java
//! counts UTF-16 units), never truncated, one space between columns, and the last column
//! unpadded.

/// Kafka's `MISSING_COLUMN_VALUE`.
pub const MISSING: &str = "-";

/// Java's `%-{width}s`.
fn pad(s: &str, width: usize) -> String {
    let len = s.encode_utf16().count();
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(len)));
    out
}

fn java_len(s: &str) -> usize {
    s.encode_utf16().count()
}

fn join(ids: &[i32]) -> String {
    ids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The first line `kafka-topics --describe` prints for a topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicSummary<'a> {
    pub name: &'a str,
    /// `None` for the zero UUID, whose column Kafka leaves out.
    pub topic_id: Option<&'a str>,
    pub partition_count: usize,
    /// Partition 0's replica count.
    pub replication_factor: usize,
    /// Non-default configs only, in the order the broker lists them.
    pub configs: &'a [(&'a str, &'a str)],
    pub marked_for_deletion: bool,
}

/// `Topic: T\tTopicId: …\tPartitionCount: P\tReplicationFactor: R\tConfigs: k=v,…` (no newline).
pub fn topic_line(t: &TopicSummary<'_>) -> String {
    let mut s = format!("Topic: {}", t.name);
    if let Some(id) = t.topic_id {
        s.push_str(&format!("\tTopicId: {id}"));
    }
    let configs: Vec<String> = t.configs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    s.push_str(&format!(
        "\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}",
        t.partition_count,
        t.replication_factor,
        configs.join(",")
    ));
    if t.marked_for_deletion {
        s.push_str("\tMarkedForDeletion: true");
    }
    s
}

/// One partition line of `kafka-topics --describe`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionSummary<'a> {
    pub topic: &'a str,
    pub partition: i32,
    /// `None` (leader -1) prints `none`.
    pub leader: Option<i32>,
    /// Assignment order.
    pub replicas: &'a [i32],
    /// Stored order.
    pub isr: &'a [i32],
    /// `(adding, removing)` while a reassignment is in progress.
    pub reassignment: Option<(&'a [i32], &'a [i32])>,
    pub marked_for_deletion: bool,
}

/// `\tTopic: T\tPartition: p\tLeader: L\tReplicas: a,b\tIsr: x,y` (no newline).
pub fn partition_line(p: &PartitionSummary<'_>) -> String {
    let leader = p
        .leader
        .map_or_else(|| "none".to_string(), |l| l.to_string());
    let mut s = format!(
        "\tTopic: {}\tPartition: {}\tLeader: {leader}\tReplicas: {}\tIsr: {}",
        p.topic,
        p.partition,
        join(p.replicas),
        join(p.isr)
    );
    if let Some((adding, removing)) = p.reassignment {
        s.push_str(&format!(
            "\tAdding Replicas: {}\tRemoving Replicas: {}",
            join(adding),
            join(removing)
        ));
    }
    if p.marked_for_deletion {
        s.push_str("\tMarkedForDeletion: true");
    }
    s
}

/// A consumer group's state as the tool names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

impl GroupState {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        }
    }
}

/// What `shouldPrintMemberState` decides before any table: whether to print it, and the
/// notices it writes first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupNotice {
    pub print_table: bool,
    pub stdout: String,
    pub stderr: String,
}

/// `ConsumerGroupCommand.shouldPrintMemberState`: `rows` is `None` when the group could not be
/// described at all, else the number of table rows.
pub fn group_notice(group: &str, state: GroupState, rows: Option<usize>) -> GroupNotice {
    let Some(rows) = rows else {
        return GroupNotice {
            print_table: false,
            stdout: format!("\nError: The consumer group '{group}' does not exist.\n"),
            stderr: String::new(),
        };
    };
    let mut n = GroupNotice {
        print_table: state != GroupState::Dead && rows > 0,
        ..GroupNotice::default()
    };
    match state {
        GroupState::Dead => {
            n.stdout = format!("\nError: Consumer group '{group}' does not exist.\n")
        }
        GroupState::Empty => {
            n.stderr = format!("\nConsumer group '{group}' has no active members.\n")
        }
        GroupState::PreparingRebalance | GroupState::CompletingRebalance => {
            n.stderr = format!("\nWarning: Consumer group '{group}' is rebalancing.\n")
        }
        GroupState::Stable => {}
    }
    n
}

/// One row of `kafka-consumer-groups --describe` (offsets view); `None` prints `-`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetRow {
    pub group: String,
    pub topic: Option<String>,
    pub partition: Option<i32>,
    pub current_offset: Option<i64>,
    /// The partition's high watermark.
    pub log_end_offset: Option<i64>,
    pub consumer_id: Option<String>,
    /// Written `/ip`.
    pub host: Option<String>,
    pub client_id: Option<String>,
}

impl OffsetRow {
    /// `getLag`: no committed offset (or -1) → no lag.
    pub fn lag(&self) -> Option<i64> {
        self.current_offset
            .filter(|o| *o != -1)
            .and_then(|o| self.log_end_offset.map(|leo| leo - o))
    }
}

fn or_missing<T: ToString>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| MISSING.to_string(), ToString::to_string)
}

/// The offsets table exactly as printed to stdout: a blank line, the header, one line per row.
/// Rows come in the tool's order: members with more partitions first (stable), each member's
/// partitions by number, then committed partitions no member owns.
pub fn offsets_table(rows: &[OffsetRow]) -> String {
    let width = |f: &dyn Fn(&OffsetRow) -> String| {
        rows.iter().map(|r| java_len(&f(r))).fold(15, usize::max)
    };
    let g = width(&|r| r.group.clone());
    let t = width(&|r| or_missing(&r.topic));
    let c = width(&|r| or_missing(&r.consumer_id));
    let h = width(&|r| or_missing(&r.host));
    let line = |cells: [&str; 9]| {
        format!(
            "{} {} {} {} {} {} {} {} {}\n",
            pad(cells[0], g),
            pad(cells[1], t),
            pad(cells[2], 10),
            pad(cells[3], 15),
            pad(cells[4], 15),
            pad(cells[5], 15),
            pad(cells[6], c),
            pad(cells[7], h),
            cells[8]
        )
    };
    let mut out = String::from("\n");
    out.push_str(&line([
        "GROUP",
        "TOPIC",
        "PARTITION",
        "CURRENT-OFFSET",
        "LOG-END-OFFSET",
        "LAG",
        "CONSUMER-ID",
        "HOST",
        "CLIENT-ID",
    ]));
    for r in rows {
        out.push_str(&line([
            &r.group,
            &or_missing(&r.topic),
            &or_missing(&r.partition),
            &or_missing(&r.current_offset),
            &or_missing(&r.log_end_offset),
            &or_missing(&r.lag()),
            &or_missing(&r.consumer_id),
            &or_missing(&r.host),
            &or_missing(&r.client_id),
        ]));
    }
    out
}

/// One member of `--describe --members`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberRow {
    pub group: String,
    pub consumer_id: String,
    /// Empty unless the member is static.
    pub group_instance_id: String,
    pub host: String,
    pub client_id: String,
    /// `(topic, partition)` pairs owned.
    pub assignment: Vec<(String, i32)>,
}

/// `--describe --members [--verbose]` as printed: header and rows end with the padded
/// `#PARTITIONS` column and a space (then `ASSIGNMENT` when verbose); the GROUP-INSTANCE-ID
/// column appears only when some member is static.
pub fn members_table(rows: &[MemberRow], verbose: bool) -> String {
    let width = |min: usize, f: &dyn Fn(&MemberRow) -> &str| {
        rows.iter().map(|r| java_len(f(r))).fold(min, usize::max)
    };
    let g = width(15, &|r| &r.group);
    let c = width(15, &|r| &r.consumer_id);
    let i = width(17, &|r| &r.group_instance_id);
    let h = width(15, &|r| &r.host);
    let cl = width(15, &|r| &r.client_id);
    let with_instance = rows.iter().any(|r| !r.group_instance_id.is_empty());
    let line = |group: &str, consumer: &str, instance: &str, host: &str, client: &str, n: &str| {
        let mut s = format!("{} {} ", pad(group, g), pad(consumer, c));
        if with_instance {
            s.push_str(&format!("{} ", pad(instance, i)));
        }
        s.push_str(&format!(
            "{} {} {} ",
            pad(host, h),
            pad(client, cl),
            pad(n, 15)
        ));
        s
    };
    let mut out = String::from("\n");
    out.push_str(&line(
        "GROUP",
        "CONSUMER-ID",
        "GROUP-INSTANCE-ID",
        "HOST",
        "CLIENT-ID",
        "#PARTITIONS",
    ));
    if verbose {
        out.push_str("ASSIGNMENT");
    }
    out.push('\n');
    for r in rows {
        out.push_str(&line(
            &r.group,
            &r.consumer_id,
            &r.group_instance_id,
            &r.host,
            &r.client_id,
            &r.assignment.len().to_string(),
        ));
        if verbose {
            out.push_str(&assignment_text(&r.assignment));
        }
        out.push('\n');
    }
    out
}

/// `topic(p,q), other(r)`: topics sorted, partitions sorted within each, `-` when none.
pub fn assignment_text(assignment: &[(String, i32)]) -> String {
    if assignment.is_empty() {
        return MISSING.to_string();
    }
    let mut by_topic: crate::ordered::OrdMap<&str, Vec<i32>> = Default::default();
    for (t, p) in assignment {
        by_topic.entry(t).or_default().push(*p);
    }
    // Kafka sorts the finished `topic(…)` strings; sorting by topic first gives the same
    // order except when one topic name is a prefix of another followed by a character
    // below '(' — so sort the strings, as Kafka does.
    let mut parts: Vec<String> = by_topic
        .into_iter()
        .map(|(t, mut ps)| {
            ps.sort_unstable();
            format!("{t}({})", join(&ps))
        })
        .collect();
    crate::sort::sort(&mut parts);
    parts.join(", ")
}

/// `--describe --state`'s one group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateRow<'a> {
    pub group: &'a str,
    /// The coordinator's endpoint on the listener the tool connected through.
    pub coordinator_host: &'a str,
    pub coordinator_port: u16,
    pub coordinator_id: i32,
    /// Empty for an Empty group.
    pub assignment_strategy: &'a str,
    pub state: GroupState,
    pub members: usize,
}

/// `--describe --state` as printed. Kafka pads the GROUP column to the coordinator's width
/// (at least 25) and the COORDINATOR column to 25, whatever its length.
pub fn state_table(s: &StateRow<'_>) -> String {
    let coordinator = format!(
        "{}:{} ({})",
        s.coordinator_host, s.coordinator_port, s.coordinator_id
    );
    let w = java_len(&coordinator).max(25);
    let line = |a: &str, b: &str, c: &str, d: &str, e: &str| {
        format!(
            "\n{} {} {} {} {e}",
            pad(a, w),
            pad(b, 25),
            pad(c, 20),
            pad(d, 15)
        )
    };
    let mut out = line(
        "GROUP",
        "COORDINATOR (ID)",
        "ASSIGNMENT-STRATEGY",
        "STATE",
        "#MEMBERS",
    );
    out.push_str(&line(
        s.group,
        &coordinator,
        s.assignment_strategy,
        s.state.as_str(),
        &s.members.to_string(),
    ));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_line_with_and_without_configs() {
        let t = TopicSummary {
            name: "my-topic",
            topic_id: Some("a1B2c3D4e5F6g7H8i9J0kQ"),
            partition_count: 3,
            replication_factor: 2,
            configs: &[],
            marked_for_deletion: false,
        };
        assert_eq!(
            topic_line(&t),
            "Topic: my-topic\tTopicId: a1B2c3D4e5F6g7H8i9J0kQ\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: "
        );
        let t = TopicSummary {
            name: "__consumer_offsets",
            topic_id: None,
            partition_count: 50,
            replication_factor: 1,
            configs: &[
                ("compression.type", "producer"),
                ("cleanup.policy", "compact"),
                ("segment.bytes", "104857600"),
            ],
            marked_for_deletion: true,
        };
        assert_eq!(
            topic_line(&t),
            "Topic: __consumer_offsets\tPartitionCount: 50\tReplicationFactor: 1\tConfigs: \
             compression.type=producer,cleanup.policy=compact,segment.bytes=104857600\tMarkedForDeletion: true"
        );
    }

    #[test]
    fn partition_lines() {
        let p = PartitionSummary {
            topic: "my-topic",
            partition: 0,
            leader: Some(2),
            replicas: &[2, 3],
            isr: &[3, 2],
            reassignment: None,
            marked_for_deletion: false,
        };
        assert_eq!(
            partition_line(&p),
            "\tTopic: my-topic\tPartition: 0\tLeader: 2\tReplicas: 2,3\tIsr: 3,2"
        );
        let p = PartitionSummary {
            leader: None,
            isr: &[3],
            partition: 1,
            ..p
        };
        assert_eq!(
            partition_line(&p),
            "\tTopic: my-topic\tPartition: 1\tLeader: none\tReplicas: 2,3\tIsr: 3"
        );
        let p = PartitionSummary {
            reassignment: Some((&[1], &[3])),
            ..p
        };
        assert!(partition_line(&p).ends_with("\tIsr: 3\tAdding Replicas: 1\tRemoving Replicas: 3"));
    }

    fn row(topic: &str, p: i32, cur: Option<i64>, leo: i64, member: Option<&str>) -> OffsetRow {
        OffsetRow {
            group: "my-group".into(),
            topic: Some(topic.into()),
            partition: Some(p),
            current_offset: cur,
            log_end_offset: Some(leo),
            consumer_id: member.map(|m| format!("{m}-5f0f9d8a-1c2b-4e0a-9b7e-0d6c1e2f3a4b")),
            host: member.map(|_| "/172.18.0.8".to_string()),
            client_id: member.map(str::to_string),
        }
    }

    #[test]
    fn offsets_table_columns() {
        let rows = [
            row("test", 0, Some(5), 7, Some("consumer-my-group-1")),
            row("test", 1, None, 3, Some("consumer-my-group-1")),
            row("test", 2, Some(4), 4, None),
        ];
        let expected = "\n\
GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                              HOST            CLIENT-ID\n\
my-group        test            0          5               7               2               consumer-my-group-1-5f0f9d8a-1c2b-4e0a-9b7e-0d6c1e2f3a4b /172.18.0.8     consumer-my-group-1\n\
my-group        test            1          -               3               -               consumer-my-group-1-5f0f9d8a-1c2b-4e0a-9b7e-0d6c1e2f3a4b /172.18.0.8     consumer-my-group-1\n\
my-group        test            2          4               4               0               -                                                        -               -\n";
        assert_eq!(offsets_table(&rows), expected);
    }

    #[test]
    fn offsets_table_minimum_widths() {
        // Nothing longer than 15: every variable column stays at 15.
        let r = OffsetRow {
            group: "g".into(),
            ..OffsetRow::default()
        };
        let t = offsets_table(&[r]);
        assert_eq!(
            t,
            "\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n\
             g               -               -          -               -               -               -               -               -\n"
        );
        // A committed offset of -1 means none: no lag.
        let r = OffsetRow {
            current_offset: Some(-1),
            log_end_offset: Some(9),
            ..OffsetRow::default()
        };
        assert_eq!(r.lag(), None);
    }

    #[test]
    fn notices_before_tables() {
        let n = group_notice("g", GroupState::Empty, Some(2));
        assert!(n.print_table);
        assert_eq!(n.stderr, "\nConsumer group 'g' has no active members.\n");
        let n = group_notice("g", GroupState::Empty, Some(0));
        assert!(!n.print_table);
        let n = group_notice("g", GroupState::CompletingRebalance, Some(1));
        assert_eq!(n.stderr, "\nWarning: Consumer group 'g' is rebalancing.\n");
        let n = group_notice("g", GroupState::Dead, Some(0));
        assert_eq!(
            (n.print_table, n.stdout.as_str()),
            (false, "\nError: Consumer group 'g' does not exist.\n")
        );
        assert_eq!(
            group_notice("g", GroupState::Stable, Some(1)),
            GroupNotice {
                print_table: true,
                ..GroupNotice::default()
            }
        );
        let n = group_notice("g", GroupState::Stable, None);
        assert_eq!(
            n.stdout,
            "\nError: The consumer group 'g' does not exist.\n"
        );
    }

    #[test]
    fn members_table_plain_and_verbose() {
        let rows = [MemberRow {
            group: "my-group".into(),
            consumer_id: "c-1".into(),
            group_instance_id: String::new(),
            host: "/172.18.0.8".into(),
            client_id: "c".into(),
            assignment: vec![("test".into(), 2), ("b".into(), 0), ("test".into(), 0)],
        }];
        assert_eq!(
            members_table(&rows, false),
            "\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     \n\
             my-group        c-1             /172.18.0.8     c               3               \n"
        );
        assert_eq!(
            members_table(&rows, true),
            "\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\n\
             my-group        c-1             /172.18.0.8     c               3               b(0), test(0,2)\n"
        );
        let mut static_rows = rows.to_vec();
        static_rows[0].group_instance_id = "i".into();
        static_rows[0].assignment.clear();
        assert_eq!(
            members_table(&static_rows, true),
            "\nGROUP           CONSUMER-ID     GROUP-INSTANCE-ID HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\n\
             my-group        c-1             i                 /172.18.0.8     c               0               -\n"
        );
    }

    #[test]
    fn state_table_pads_group_to_the_coordinator_width() {
        let s = StateRow {
            group: "my-group",
            coordinator_host: "127.0.0.1",
            coordinator_port: 9092,
            coordinator_id: 2,
            assignment_strategy: "range",
            state: GroupState::Stable,
            members: 1,
        };
        assert_eq!(
            state_table(&s),
            "\nGROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS\
             \nmy-group                  127.0.0.1:9092 (2)        range                Stable          1\n"
        );
        let long = StateRow {
            coordinator_host: "kafka-broker-number-one.example",
            coordinator_port: 19091,
            state: GroupState::Empty,
            assignment_strategy: "",
            members: 0,
            ..s
        };
        let out = state_table(&long);
        let lines: Vec<&str> = out.lines().collect();
        // Coordinator "kafka-broker-number-one.example:19091 (2)" is 41 long: GROUP gets 41.
        assert_eq!(
            lines[1],
            format!(
                "{:<41} {:<25} {:<20} {:<15} #MEMBERS",
                "GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE"
            )
        );
        assert_eq!(lines[2], format!("{:<41} kafka-broker-number-one.example:19091 (2)                      Empty           0", "my-group"));
    }

    #[test]
    fn assignment_text_sorts_like_kafka() {
        assert_eq!(assignment_text(&[]), "-");
        let a = vec![
            ("t".to_string(), 3),
            ("t".to_string(), 1),
            ("a".to_string(), 9),
        ];
        assert_eq!(assignment_text(&a), "a(9), t(1,3)");
    }
}
