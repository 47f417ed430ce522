use super::*;

fn tp(t: &str, p: i32) -> TopicPartition {
    (t.to_string(), p)
}

#[test]
fn champ_order_is_scala_2_13_hash_set_order() {
    // `(1 to 5).toSet` and `(1 to 10).toSet` print in these orders in Scala 2.13.
    assert_eq!(champ_order((1..=5).collect(), |i| *i), [5, 1, 2, 3, 4]);
    assert_eq!(
        champ_order((1..=10).collect(), |i| *i),
        [5, 10, 1, 6, 9, 2, 7, 3, 8, 4]
    );
}

#[test]
fn small_maps_keep_insertion_order_larger_ones_hash_order() {
    let three = vec![tp("t", 2), tp("t", 0), tp("t", 1), tp("t", 0)];
    assert_eq!(scala_map_order(three), [tp("t", 2), tp("t", 0), tp("t", 1)]);
    let six: Vec<TopicPartition> = (0..6).map(|p| tp("my-topic", p)).collect();
    let ordered = scala_map_order(six.clone());
    assert_eq!(ordered.len(), 6);
    assert_eq!(ordered, champ_order(six, topic_partition_hash));
}

#[test]
fn datetimes_parse_as_utils_get_date_time() {
    // The virtual clock's origin.
    assert_eq!(
        parse_datetime("2026-01-01T00:00:00.000"),
        Ok(1_767_225_600_000)
    );
    assert_eq!(
        parse_datetime("2026-01-01T00:00:01.250Z"),
        Ok(1_767_225_601_250)
    );
    assert_eq!(
        parse_datetime("2026-01-01T09:00:00.000+09:00"),
        Ok(1_767_225_600_000)
    );
    assert_eq!(
        parse_datetime("2025-12-31T23:00:00.000-0100"),
        Ok(1_767_225_600_000)
    );
    assert_eq!(
        parse_datetime("2024-02-29T12:00:00.000"),
        Ok(1_709_208_000_000)
    );
    assert_eq!(
        parse_datetime("2026-01-01"),
        Err("Error parsing timestamp. It does not contain a 'T' according to ISO8601 format (2026-01-01).".into())
    );
    for bad in [
        "2026-01-01T00:00:00",
        "2026-13-01T00:00:00.000",
        "2025-02-29T00:00:00.000",
        "2026-01-01T24:00:00.000",
        "2026-01-01Tnoon",
    ] {
        let e = parse_datetime(bad).unwrap_err();
        assert!(e.starts_with("Unparseable date: \""), "{bad}: {e}");
    }
    assert_eq!(
        parse_datetime("2026-01-01T00:00:00"),
        Err("Unparseable date: \"2026-01-01T00:00:00Z\"".into())
    );
}

#[test]
fn durations_parse_as_java_time_duration() {
    assert_eq!(parse_duration("PT1H"), Ok(3_600_000));
    assert_eq!(parse_duration("pt10m"), Ok(600_000));
    assert_eq!(parse_duration("P1DT2H3M4.5S"), Ok(93_784_500));
    assert_eq!(parse_duration("P2D"), Ok(172_800_000));
    assert_eq!(parse_duration("-PT5M"), Ok(-300_000));
    assert_eq!(parse_duration("PT-1.5S"), Ok(-1_500));
    for bad in ["", "P", "PT", "1H", "PT1", "P1H", "PT1H2D", "PTxS"] {
        assert_eq!(
            parse_duration(bad),
            Err("Text cannot be parsed to a Duration".into()),
            "{bad}"
        );
    }
}

#[test]
fn topic_arguments_with_partitions() {
    assert_eq!(
        parse_topic_partitions("t:0,2"),
        Ok(vec![tp("t", 0), tp("t", 2)])
    );
    assert_eq!(
        parse_topic_partitions("t:x"),
        Err("Invalid partition 'x' specified in topic arg 't:x''".into())
    );
    assert_eq!(
        parse_topic_partitions("t:0:1"),
        Err("Invalid topic arg 't:0:1', expected topic name and partitions".into())
    );
}

#[test]
fn two_specifications_are_refused() {
    let given = |names: &[&'static str]| -> Vec<(&'static str, Option<String>)> {
        names.iter().map(|n| (*n, None)).collect()
    };
    assert_eq!(scenario_conflict(&given(&["to-earliest"])), None);
    assert_eq!(
        scenario_conflict(&given(&["to-latest", "to-offset"])),
        Some("Option \"[to-offset]\" can't be used with option \"[to-latest]\"".into())
    );
    assert_eq!(
        scenario_conflict(&given(&["shift-by", "to-earliest"])),
        Some("Option \"[to-earliest]\" can't be used with option \"[shift-by]\"".into())
    );
    assert!(scenarios_set().starts_with("HashSet([") && scenarios_set().contains("[to-current]"));
}

#[test]
fn the_plan_table_and_csv() {
    let plans = vec![(
        "g1".to_string(),
        vec![(tp("my-topic", 0), 0), (tp("my-topic", 1), 12)],
    )];
    let table = reset_table(&plans);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "");
    assert_eq!(
        lines[1],
        format!(
            "GROUP{} TOPIC{} PARTITION  NEW-OFFSET     ",
            " ".repeat(25),
            " ".repeat(25)
        )
    );
    assert_eq!(
        lines[3],
        format!(
            "g1{} my-topic{} 1          12             ",
            " ".repeat(28),
            " ".repeat(22)
        )
    );
    // A group refused (not inactive) still gets the header, no rows.
    let refused = reset_table(&[("g1".to_string(), Vec::new())]);
    assert_eq!(refused.lines().count(), 2);
    assert_eq!(reset_table(&[]), "");
    assert_eq!(export_csv(&plans, true), "my-topic,0,0\nmy-topic,1,12\n\n");
    assert_eq!(
        export_csv(&plans, false),
        "g1,my-topic,0,0\ng1,my-topic,1,12\n\n"
    );
}

#[test]
fn out_of_range_offsets_are_clamped_with_a_warning() {
    let starts: BTreeMap<TopicPartition, i64> = [(tp("t", 0), 2), (tp("t", 1), 0)].into();
    let ends: BTreeMap<TopicPartition, i64> = [(tp("t", 0), 10), (tp("t", 1), 4)].into();
    let (plan, warnings) = clamp_offsets(
        &[(tp("t", 0), 0), (tp("t", 1), 7), (tp("t", 2), 0)],
        &starts,
        &ends,
        1_000,
    );
    assert_eq!(plan, [(tp("t", 0), 2), (tp("t", 1), 4), (tp("t", 2), 0)]);
    let w: Vec<&str> = warnings.lines().collect();
    assert_eq!(w.len(), 2);
    assert!(w[0].ends_with("WARN New offset (0) is lower than earliest offset for topic partition t-0. Value will be set to 2 (kafka.admin.ConsumerGroupCommand$)"), "{}", w[0]);
    assert!(w[1].contains("New offset (7) is higher than latest offset for topic partition t-1. Value will be set to 4"));
}

#[test]
fn the_delete_offsets_table_sorts_by_topic_and_partition_text() {
    let rows = vec![
        (tp("t", 10), None),
        (tp("t", 2), Some("org.apache.kafka.common.errors.GroupSubscribedToTopicException: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.".to_string())),
        (tp("nope", -1), Some("org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.".to_string())),
    ];
    let table = delete_offsets_table(&rows);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[1].starts_with("TOPIC") && lines[1].contains("PARTITION       STATUS"));
    assert!(lines[2].starts_with("nope") && lines[2].contains("Not Provided    Error: org.apache"));
    assert!(lines[3].starts_with("t ") && lines[3].contains("10              Successful"));
    assert!(lines[4].contains(
        "2               Error: org.apache.kafka.common.errors.GroupSubscribedToTopicException"
    ));
}
