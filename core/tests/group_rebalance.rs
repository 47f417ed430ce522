//! A group's rebalances as the Java consumer lives them: auto-commit commits synchronously
//! before a rebalance revokes the partitions and on close, so a member joining (or leaving)
//! does not make the group read again what was already printed.

use kafka_playground_core::Cluster;

fn booted(seed: u64) -> Cluster {
    let mut c = Cluster::seed_cluster(seed);
    assert!(c.wait_until_ready(60_000));
    assert!(c.wait_until_brokers_ready(60_000));
    c
}

fn produce(n: std::ops::Range<u32>) -> String {
    let mut s = String::from(
        "kafka-console-producer --bootstrap-server 127.0.0.1:9091 --topic my-topic --property parse.key=true <<EOF\n",
    );
    for i in n {
        s.push_str(&format!("k{i}\tv{i}\n"));
    }
    s.push_str("EOF\n");
    s
}

/// The values printed (lines `vN`), with how many times each was printed.
fn printed(stdout: &str) -> std::collections::BTreeMap<String, usize> {
    let mut m = std::collections::BTreeMap::new();
    for l in stdout.lines() {
        if l.starts_with('v') && l[1..].chars().all(|c| c.is_ascii_digit()) && l.len() > 1 {
            *m.entry(l.to_string()).or_insert(0) += 1;
        }
    }
    m
}

#[test]
fn a_second_member_joining_does_not_reread_what_the_first_printed() {
    // The first member's periodic auto-commit (every 5 s) and its heartbeat (every 3 s, which
    // learns of the rebalance) fall at different moments after the records: some of these
    // delays put the rebalance before the next periodic commit, so only the commit of
    // `onJoinPrepare` can cover what was printed.
    for (i, seed) in [1u64, 2, 3, 5, 8, 9, 10, 12, 13, 14]
        .into_iter()
        .enumerate()
    {
        let delay = 9_000 + 500 * i;
        let mut c = booted(seed);
        let script = format!(
            "kafka-topics --create --topic my-topic --bootstrap-server kafka2:19092 --partitions 3 --replication-factor 3
kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic my-topic --group g1 &
sleep {delay}ms
{}kafka-console-consumer --bootstrap-server 127.0.0.1:9092 --topic my-topic --group g1 &
sleep 10
{}sleep 8
kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 --describe --group g1
",
            produce(0..12),
            produce(12..18)
        );
        let out = c.run_script(&script, false);
        assert_eq!(out.exit_code, 0, "{}", out.stderr);
        let seen = printed(&out.stdout);
        assert_eq!(seen.len(), 18, "seed {seed}: {}", out.stdout);
        let dups: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
        assert!(
            dups.is_empty(),
            "seed {seed} delay {delay}: duplicates {dups:?}\n{}",
            out.stdout
        );
        assert!(!out.stderr.contains("WARN"), "seed {seed}: {}", out.stderr);
    }
}

#[test]
fn a_member_closing_commits_before_it_leaves() {
    for seed in [1u64, 4, 6] {
        let mut c = booted(seed);
        let script = format!(
            "kafka-topics --create --topic my-topic --bootstrap-server kafka2:19092 --partitions 3 --replication-factor 3
kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic my-topic --group g1 &
kafka-console-consumer --bootstrap-server 127.0.0.1:9092 --topic my-topic --group g1 &
sleep 9
{}sleep 1
kill %1
sleep 10
{}sleep 8
",
            produce(0..12),
            produce(12..18)
        );
        let out = c.run_script(&script, false);
        assert_eq!(out.exit_code, 0, "{}", out.stderr);
        let seen = printed(&out.stdout);
        assert_eq!(seen.len(), 18, "seed {seed}: {}", out.stdout);
        let dups: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
        assert!(
            dups.is_empty(),
            "seed {seed}: duplicates {dups:?}\n{}",
            out.stdout
        );
    }
}

/// The seed cluster with `__consumer_offsets` replicated on all three brokers, so its
/// partitions (and the groups they coordinate) survive one broker.
fn replicated_offsets_cluster(seed: u64) -> Cluster {
    let mut config = kafka_playground_core::ClusterConfig::seed();
    for b in &mut config.brokers {
        b.settings.offsets_topic_replication_factor = 3;
    }
    let mut c = Cluster::new(config, seed);
    assert!(c.wait_until_ready(60_000));
    assert!(c.wait_until_brokers_ready(60_000));
    c
}

/// `host:port (id)` of the group's coordinator in `--describe --state`.
fn coordinator(stdout: &str) -> i32 {
    stdout
        .lines()
        .find(|l| l.starts_with("g1 "))
        .and_then(|l| l.split('(').nth(1))
        .and_then(|s| s.split(')').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no coordinator in {stdout}"))
}

/// (partition, current offset, lag) of each `--describe` row.
fn lags(stdout: &str) -> Vec<(String, String, String)> {
    stdout
        .lines()
        .filter(|l| l.starts_with("g1 "))
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|cols| cols.len() >= 6)
        .map(|cols| {
            (
                cols[2].to_string(),
                cols[3].to_string(),
                cols[5].to_string(),
            )
        })
        .collect()
}

/// The "Done when": a console consumer with `--group` joins, reads, commits; the
/// group shows zero lag and the coordinator that leads its `__consumer_offsets` partition;
/// killing that broker moves the group to the new leader and consumption resumes with
/// nothing lost and nothing read twice (everything consumed had been committed).
/// Runs lines one by one (background jobs keep running between them, unlike a script's end):
/// all stdout and stderr.
fn lines(c: &mut Cluster, text: &str) -> (String, String) {
    let (mut out, mut err) = (String::new(), String::new());
    for l in text.lines().filter(|l| !l.is_empty()) {
        let r = c.run_command(l, None);
        out.push_str(&r.stdout);
        err.push_str(&r.stderr);
    }
    (out, err)
}

fn send(c: &mut Cluster, via: i32, n: std::ops::Range<u32>) {
    let stdin: String = n.map(|i| format!("k{i}\tv{i}\n")).collect();
    let r = c.run_command(
        &format!("kafka-console-producer --bootstrap-server 127.0.0.1:909{via} --topic my-topic --property parse.key=true"),
        Some(&stdin),
    );
    assert_eq!(r.exit_code, 0, "{r:?}");
}

/// The "Done when": a console consumer with `--group` joins, reads, commits; the
/// group shows zero lag and the coordinator that leads its `__consumer_offsets` partition;
/// killing that broker moves the group to the new leader and consumption resumes with
/// nothing lost and nothing read twice (everything consumed had been committed).
#[test]
fn the_group_survives_its_coordinator_and_resumes_without_loss() {
    for seed in [3u64, 11, 17] {
        let mut c = replicated_offsets_cluster(seed);
        let (mut out, mut err) = lines(
            &mut c,
            "kafka-topics --create --topic my-topic --bootstrap-server kafka2:19092 --partitions 3 --replication-factor 3
kafka-console-consumer --bootstrap-server 127.0.0.1:9091,127.0.0.1:9092,127.0.0.1:9093 --topic my-topic --group g1 &
sleep 9",
        );
        send(&mut c, 1, 0..9);
        let (o, e) = lines(&mut c, "sleep 7");
        out.push_str(&o);
        err.push_str(&e);
        let state = c.run_command(
            "kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 --describe --group g1 --state",
            None,
        );
        assert!(
            state
                .stdout
                .contains("range                Stable          1"),
            "{state:?}"
        );
        let old = coordinator(&state.stdout);
        let described = c.run_command(
            "kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 --describe --group g1",
            None,
        );
        let rows = lags(&described.stdout);
        assert_eq!(rows.len(), 3, "{described:?}");
        assert!(rows.iter().all(|r| r.2 == "0"), "{described:?}");
        // The coordinator's broker dies; the group moves to the offsets partition's new leader.
        let live = (1..=3).find(|b| *b != old).unwrap();
        let killed_at = c.events().last().map_or(0, |e| e.seq + 1);
        let (o, e) = lines(&mut c, &format!("docker compose kill kafka{old}\nsleep 20"));
        out.push_str(&o);
        err.push_str(&e);
        send(&mut c, live, 9..18);
        let (o, e) = lines(&mut c, "sleep 15");
        out.push_str(&o);
        err.push_str(&e);
        let via = format!("kafka-consumer-groups --bootstrap-server 127.0.0.1:909{live}");
        let state = c.run_command(&format!("{via} --describe --group g1 --state"), None);
        let new = coordinator(&state.stdout);
        assert_ne!(new, old, "{state:?}");
        assert!(state.stdout.contains("Stable          1"), "{state:?}");
        let described = c.run_command(&format!("{via} --describe --group g1"), None);
        let rows = lags(&described.stdout);
        assert_eq!(rows.len(), 3, "{described:?}");
        assert!(
            rows.iter().all(|r| r.2 == "0"),
            "seed {seed}: {described:?}"
        );
        // The new coordinator loaded the group with its member from `__consumer_offsets`:
        // the member heartbeats on, no rebalance (still generation 1).
        let group_events: Vec<String> = c
            .events()
            .iter()
            .filter(|e| e.seq >= killed_at)
            .map(|e| e.text("en"))
            .filter(|t| t.contains("group g1"))
            .collect();
        assert!(group_events.is_empty(), "seed {seed}: {group_events:?}");
        let seen = printed(&out);
        assert_eq!(seen.len(), 18, "seed {seed}: {out}\n{err}");
        let dups: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
        assert!(dups.is_empty(), "seed {seed}: duplicates {dups:?}\n{out}");
        assert!(!err.contains("WARN"), "seed {seed}: {err}");
    }
}

/// A member whose assignors share none with the group's is refused
/// (INCONSISTENT_GROUP_PROTOCOL): the Java consumer throws, and the console consumer logs it
/// and ends instead of rejoining forever; the group keeps its member.
#[test]
fn a_member_with_an_inconsistent_assignor_ends_with_the_error() {
    let mut c = booted(4);
    let rr = "--consumer-property partition.assignment.strategy=org.apache.kafka.clients.consumer.RoundRobinAssignor";
    let out = c.run_script(
        &format!("kafka-topics --create --topic my-topic --bootstrap-server kafka2:19092 --partitions 3 --replication-factor 3
kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic my-topic --group mix &
sleep 9
kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic my-topic --group mix {rr} --max-messages 1
kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic my-topic --group mix {rr} &
sleep 5
jobs
kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 --describe --group mix --state
"),
        false,
    );
    assert_eq!(out.exit_code, 0, "{out:?}");
    let message = "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list.";
    let logged = format!(" ERROR [Consumer clientId=consumer-mix-1, groupId=mix] Attempt to join group failed due to fatal error: {message} (org.apache.kafka.clients.consumer.internals.ConsumerCoordinator)\n");
    let thrown = format!(" ERROR Error processing message, terminating consumer process:  (kafka.tools.ConsoleConsumer$)\norg.apache.kafka.common.errors.InconsistentGroupProtocolException: {message}\nProcessed a total of 0 messages\n");
    // Once in the foreground, once in the background (which then is Done).
    assert_eq!(out.stderr.matches(&logged).count(), 2, "{}", out.stderr);
    assert_eq!(out.stderr.matches(&thrown).count(), 2, "{}", out.stderr);
    assert!(out.stdout.contains("[2]+  Done"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("range                Stable          1"),
        "{}",
        out.stdout
    );
}

/// `partition.assignment.strategy` is a list of classes the Java client loads: the protocol
/// names other clients take (`range`) are unknown classes to it.
#[test]
fn the_java_consumer_takes_assignor_class_names_only() {
    let mut c = booted(4);
    let out = c.run_command(
        "kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic t --group g --consumer-property partition.assignment.strategy=range --max-messages 1",
        None,
    );
    assert_eq!(out.exit_code, 1);
    assert_eq!(
        out.stderr,
        "org.apache.kafka.common.KafkaException: Failed to construct kafka consumer\nCaused by: org.apache.kafka.common.KafkaException: range ClassNotFoundException exception occurred\nCaused by: java.lang.ClassNotFoundException: range\n"
    );
    // A list of classes.
    let out = c.run_command(
        "kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic t --group g --consumer-property partition.assignment.strategy=org.apache.kafka.clients.consumer.StickyAssignor,org.apache.kafka.clients.consumer.RangeAssignor --timeout-ms 2000",
        None,
    );
    assert!(out.stderr.contains("TimeoutException"), "{out:?}");
}

/// The event log tells a group's story: members joining, the rebalance, the generations, a
/// member leaving and one removed when its session timed out.
#[test]
fn the_event_log_tells_the_groups_rebalances() {
    let mut c = booted(4);
    let from = c.events().last().map_or(0, |e| e.seq + 1);
    let script = "kafka-topics --create --topic my-topic --partitions 3 --replication-factor 2 --bootstrap-server kafka1:19091\n\
        kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic my-topic --group g1 &\n\
        sleep 8\n\
        kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic my-topic --group g1 &\n\
        sleep 8\n\
        kill %1\n\
        sleep 8\n\
        kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 --describe --group g1 --state\n";
    let (out, _) = lines(&mut c, script);
    let coordinator = coordinator(&out);
    let consumer2 = out
        .lines()
        .find_map(|l| l.strip_prefix("[2] "))
        .expect("second job")
        .to_string();
    lines(
        &mut c,
        &format!("netem cut {consumer2} kafka{coordinator}\nsleep 60\n"),
    );
    let events: Vec<_> = c
        .events()
        .iter()
        .filter(|e| e.seq >= from)
        .cloned()
        .collect();
    let texts: Vec<String> = events
        .iter()
        .map(|e| e.text("en"))
        .filter(|t| t.contains("group g1"))
        .collect();
    let find = |needle: &str| {
        texts
            .iter()
            .position(|t| t.contains(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in\n{}", texts.join("\n")))
    };
    let joined = find("joins consumer group g1");
    let rebalance = find("consumer group g1 starts a rebalance");
    let first_stable = find("consumer group g1 is Stable: generation 1, 1 member(s)");
    let second_stable = find("generation 2, 2 member(s)");
    let left = find("leaves consumer group g1");
    let removed = find("removed from consumer group g1 (no heartbeat or rejoin in time)");
    assert!(joined < rebalance && rebalance < first_stable);
    assert!(first_stable < second_stable && second_stable < left && left < removed);
    assert!(
        texts[texts.len() - 1].contains("consumer group g1 is Empty"),
        "{texts:?}"
    );
    // Every group event names the coordinator's broker as its host.
    let host = format!("kafka{coordinator}");
    assert!(events
        .iter()
        .filter(|e| e.text("en").contains("group g1"))
        .all(|e| e.host == host));
    // And reads in Korean too.
    assert!(events
        .iter()
        .any(|e| e.text("ko").contains("컨슈머 그룹 g1 리밸런스 시작")));
}
