//! Randomized fault campaign against the brokers and the controller.
//!
//! Each seed creates topics, then kills, stops, restarts and pauses brokers (and now and then
//! a ZooKeeper server) at random while checking, continuously:
//! - at most one controller per controller epoch;
//! - for every stored partition state: ISR never empty, ISR ⊆ replicas, leader ∈ ISR;
//! - a partition's leader epoch never goes down;
//! - below the leader's high watermark, every ISR member's log holds the same records.
//!
//! A producer (acks=all) writes throughout; at the end every record it saw acknowledged must
//! be in its partition's log at its offset (unclean leader election is off, so none is lost).
//!
//! Then everything restarts and, within a bounded virtual time, every partition must have a
//! leader and a full ISR again.
//!
//! `BROKER_CAMPAIGN_SEEDS=N` (default 1000) sets how many seeds; `BROKER_CAMPAIGN_SEED=S`
//! replays one.

use kafka_playground_core::client::producer::ProducerConfig;
use kafka_playground_core::cluster::HostAction;
use kafka_playground_core::sim::event::EventKind;
use kafka_playground_core::sim::RunState;
use kafka_playground_core::Cluster;
use std::collections::BTreeMap;

const BROKERS: [&str; 3] = ["kafka1", "kafka2", "kafka3"];
const ZKS: [&str; 3] = ["zookeeper1", "zookeeper2", "zookeeper3"];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[derive(Default)]
struct Checker {
    controllers: BTreeMap<i32, i32>,
    events_seen: u64,
    epochs: BTreeMap<(String, i32), i32>,
}

impl Checker {
    fn check(&mut self, c: &Cluster) -> Result<(), String> {
        for e in c.events_since(self.events_seen) {
            if let EventKind::ControllerElected { id, epoch } = e.kind {
                if let Some(other) = self.controllers.insert(epoch, id) {
                    if other != id {
                        return Err(format!(
                            "two controllers in epoch {epoch}: {other} and {id}"
                        ));
                    }
                }
            }
        }
        self.events_seen = c.events_total();
        for t in c.topics() {
            for p in &t.partitions {
                if p.leader_epoch < 0 {
                    continue; // not elected yet
                }
                let at = format!("{}-{} at t={}", t.name, p.partition, c.now_ms());
                if p.isr.is_empty() {
                    return Err(format!("{at}: empty ISR"));
                }
                if let Some(r) = p.isr.iter().find(|r| !p.replicas.contains(r)) {
                    return Err(format!(
                        "{at}: ISR member {r} is not a replica {:?}",
                        p.replicas
                    ));
                }
                if let Some(l) = p.leader {
                    if !p.isr.contains(&l) {
                        return Err(format!("{at}: leader {l} not in ISR {:?}", p.isr));
                    }
                }
                if let Some(l) = p.leader {
                    let leader_log = c.replica_log(l, &t.name, p.partition);
                    if let Some(ll) = leader_log {
                        let hw = ll.high_watermark();
                        for &m in p.isr.iter().filter(|&&m| m != l) {
                            let Some(ml) = c.replica_log(m, &t.name, p.partition) else {
                                continue;
                            };
                            let upto = hw.min(ml.log_end_offset());
                            let a: Vec<_> = ll.records().filter(|r| r.offset < upto).collect();
                            let b: Vec<_> = ml.records().filter(|r| r.offset < upto).collect();
                            let from = a
                                .first()
                                .map_or(0, |r| r.offset)
                                .max(b.first().map_or(0, |r| r.offset));
                            let a: Vec<_> = a.into_iter().filter(|r| r.offset >= from).collect();
                            let b: Vec<_> = b.into_iter().filter(|r| r.offset >= from).collect();
                            if a != b {
                                return Err(format!(
                                    "{at}: ISR member {m} differs from leader {l} below HW {hw}"
                                ));
                            }
                        }
                    }
                }
                let key = (t.name.clone(), p.partition);
                let before = self.epochs.insert(key, p.leader_epoch).unwrap_or(-1);
                if p.leader_epoch < before {
                    return Err(format!(
                        "{at}: leader epoch went down {before} -> {}",
                        p.leader_epoch
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Returns how many acknowledged records were checked at the end.
fn run_seed(seed: u64) -> Result<usize, String> {
    let mut c = Cluster::seed_cluster(seed);
    let mut rng = Rng(seed ^ 0x5eed);
    let mut chk = Checker::default();
    c.wait_until_ready(60_000);
    c.wait_until_brokers_ready(60_000);
    let rf = 1 + rng.below(3);
    for (i, parts) in [3, 1 + rng.below(6)].iter().enumerate() {
        let line = format!("kafka-topics --create --topic t{i} --bootstrap-server kafka1:19091 --partitions {parts} --replication-factor {rf}");
        let out = c.run_command(&line, None);
        if !out.ok() {
            return Err(format!("{line}: {out:?}"));
        }
    }
    chk.check(&c)?;
    let servers: Vec<String> = ["kafka1:19091", "kafka2:19092", "kafka3:19093"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let producer = c
        .start_producer("campaign-producer", &servers, ProducerConfig::java(), None)
        .map_err(|_| "producer".to_string())?;
    let mut values = BTreeMap::new();
    let mut acked = Vec::new();
    let mut sent = 0u64;
    for _ in 0..12 {
        for _ in 0..3 {
            let topic = format!("t{}", rng.below(2));
            let value = format!("v{sent}");
            sent += 1;
            if let Some(id) = c.produce(
                producer,
                &topic,
                None,
                Some(value.clone()),
                Some(value.clone()),
            ) {
                values.insert(id, value);
            }
        }
        let b = BROKERS[rng.below(3) as usize];
        let state = c.simulator().host(c.host_id(b).unwrap()).state;
        let action = match (state, rng.below(4)) {
            (RunState::Running, 0) => HostAction::Kill,
            (RunState::Running, 1) => HostAction::Stop,
            (RunState::Running, 2) => HostAction::Pause,
            (RunState::Running, _) => HostAction::Restart,
            (RunState::Paused, _) => HostAction::Unpause,
            _ => HostAction::Start,
        };
        let _ = c.host_action(b, action);
        if rng.below(8) == 0 {
            let z = ZKS[rng.below(3) as usize];
            let zs = c.simulator().host(c.host_id(z).unwrap()).state;
            let a = if zs == RunState::Running {
                HostAction::Kill
            } else {
                HostAction::Start
            };
            let _ = c.host_action(z, a);
        }
        let wait = 500 + rng.below(25_000);
        let end = c.now_ms() + wait;
        while c.now_ms() < end {
            c.run_for(250);
            chk.check(&c)?;
        }
        for (id, r) in c.take_producer_results(producer) {
            if let Ok(md) = r {
                acked.push((md.topic, md.partition, md.offset, values[&id].clone()));
            }
        }
    }
    // Liveness: everything back; session expiry of killed brokers (18 s) then rejoin.
    for h in ZKS.iter().chain(BROKERS.iter()) {
        let st = c.simulator().host(c.host_id(h).unwrap()).state;
        let _ = match st {
            RunState::Paused => c.host_action(h, HostAction::Unpause),
            RunState::Running | RunState::Starting => Ok(()),
            _ => c.host_action(h, HostAction::Start),
        };
    }
    let deadline = c.now_ms() + 90_000;
    loop {
        c.run_for(1000);
        chk.check(&c)?;
        for (id, r) in c.take_producer_results(producer) {
            if let Ok(md) = r {
                acked.push((md.topic, md.partition, md.offset, values[&id].clone()));
            }
        }
        // A broker restarted within its old session's lifetime fails (as Kafka's does):
        // restart it once its old registration has expired.
        for b in BROKERS {
            if c.snapshot().broker(b).is_some_and(|v| v.failed.is_some()) {
                let _ = c.host_action(b, HostAction::Restart);
            }
        }
        let topics = c.topics();
        // Both topics visible (a ZooKeeper that has just restarted may not serve them yet).
        let healthy = c.controller().is_some()
            && ["t0", "t1"]
                .iter()
                .all(|n| topics.iter().any(|t| t.name == *n))
            && topics.iter().all(|t| {
                t.partitions.iter().all(|p| {
                    p.leader.is_some() && {
                        let mut a = p.replicas.clone();
                        let mut b = p.isr.clone();
                        a.sort();
                        b.sort();
                        a == b
                    }
                })
            });
        if healthy {
            // Every acknowledged acks=all record is still there.
            for (t, p, offset, value) in &acked {
                let leader = topics
                    .iter()
                    .find(|x| &x.name == t)
                    .and_then(|x| x.partitions.iter().find(|q| q.partition == *p))
                    .and_then(|q| q.leader);
                let found = leader
                    .and_then(|l| c.replica_log(l, t, *p))
                    .and_then(|log| log.records().find(|r| r.offset == *offset).cloned());
                if found.as_ref().and_then(|r| r.value.as_deref()) != Some(value.as_str()) {
                    let story: Vec<String> = if std::env::var("BROKER_CAMPAIGN_SEED").is_ok() {
                        let tp = format!("{t}-{p}");
                        c.events()
                            .iter()
                            .map(|e| format!("{} {}", e.time_ms, e.text("en")))
                            .filter(|l| {
                                l.contains(&tp)
                                    || l.contains("stopped")
                                    || l.contains("killed")
                                    || l.contains("started")
                            })
                            .collect()
                    } else {
                        Vec::new()
                    };
                    let logs: Vec<String> = (1..=3)
                        .map(|b| {
                            c.replica_log(b, t, *p).map_or(format!("{b}: none"), |l| {
                                format!(
                                    "{b}: start {} leo {} hw {} offsets {:?}",
                                    l.log_start_offset(),
                                    l.log_end_offset(),
                                    l.high_watermark(),
                                    l.records()
                                        .map(|r| (r.offset, r.leader_epoch))
                                        .collect::<Vec<_>>()
                                )
                            })
                        })
                        .collect();
                    return Err(format!(
                        "acked record {value} at {t}-{p}@{offset} is gone (found {found:?}) leader {leader:?}\n{}\n{}",
                        logs.join("\n"),
                        story.join("\n")
                    ));
                }
            }
            return Ok(acked.len());
        }
        if c.now_ms() > deadline {
            let tail: Vec<String> = c.events()[c.events().len().saturating_sub(40)..]
                .iter()
                .map(|e| format!("{} {}", e.time_ms, e.text("en")))
                .collect();
            return Err(format!(
                "not healthy 90 s after healing: {topics:?}\nbrokers: {:?}\n{}",
                c.snapshot().brokers,
                if std::env::var("BROKER_CAMPAIGN_SEED").is_ok() {
                    tail.join("\n")
                } else {
                    String::new()
                }
            ));
        }
    }
}

#[test]
fn broker_fault_campaign() {
    if let Ok(s) = std::env::var("BROKER_CAMPAIGN_SEED") {
        let seed: u64 = s.parse().expect("seed");
        let n = run_seed(seed).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        println!("seed {seed}: {n} acknowledged records all kept");
        return;
    }
    let n: u64 = std::env::var("BROKER_CAMPAIGN_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let mut checked = 0;
    let mut failures = Vec::new();
    for seed in 0..n {
        match run_seed(seed) {
            Ok(k) => checked += k,
            Err(e) => failures.push(format!("seed {seed}: {e}")),
        }
    }
    assert!(
        checked > n as usize,
        "the producer got almost nothing acknowledged: {checked}"
    );
    assert!(
        failures.is_empty(),
        "{} of {n} seeds failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
