//! The standard workload for benchmarks: the seed's ensemble plus clients writing, with event
//! recording off. A plain function so the page (wasm) can run it too.

use crate::cluster::Cluster;
use crate::zookeeper::messages::Op;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadStats {
    /// Simulator events handled (deliveries, timers, starts).
    pub events: u64,
    /// Writes acknowledged to clients.
    pub writes: u64,
    pub virtual_ms: u64,
    /// Largest event-queue length seen (a proxy for memory in flight).
    pub max_queue: usize,
    pub znodes: usize,
}

/// Three ZooKeepers and `clients` clients, each writing one znode after another (creates,
/// then sets), for `virtual_ms` of virtual time after the election.
pub fn standard_workload(seed: u64, virtual_ms: u64) -> WorkloadStats {
    standard_workload_keep(seed, virtual_ms).0
}

/// [`standard_workload`], also returning the cluster (so a benchmark can time the run without
/// the teardown).
pub fn standard_workload_keep(seed: u64, virtual_ms: u64) -> (WorkloadStats, Cluster) {
    const CLIENTS: usize = 8;
    let mut c = Cluster::seed_cluster(seed);
    c.set_record_events(false);
    c.run_for(2_000);
    let start_events = c.simulator().processed();
    let connect = "zookeeper1:2181,zookeeper2:2182,zookeeper3:2183";
    let clients: Vec<usize> = (0..CLIENTS)
        .filter_map(|_| c.open_zk_client(connect, 18_000, None).ok())
        .collect();
    let mut pending: Vec<Option<u32>> = vec![None; clients.len()];
    // Paths and values made once: the workload measures the cluster, not string formatting.
    let paths: Vec<Vec<String>> = (0..clients.len())
        .map(|i| (0..64).map(|k| format!("/bench-{i}-{k}")).collect())
        .collect();
    let values: Vec<String> = (0..64).map(|k| format!("value-{k}")).collect();
    let mut counters = vec![0u64; clients.len()];
    let mut writes = 0;
    let mut max_queue = 0;
    let end = c.now_ms() + virtual_ms;
    while c.now_ms() < end {
        for (i, &h) in clients.iter().enumerate() {
            if let Some(xid) = pending[i] {
                match c.zk_take_result(h, xid) {
                    Some(Ok(_)) => {
                        writes += 1;
                        pending[i] = None;
                    }
                    Some(Err(_)) => pending[i] = None,
                    None => continue,
                }
            }
            counters[i] += 1;
            let n = counters[i];
            let path = paths[i][(n % 64) as usize].clone();
            let data = Some(values[(n % 64) as usize].clone());
            let op = if n <= 64 {
                Op::Create {
                    path,
                    data,
                    ephemeral: false,
                    sequential: false,
                }
            } else {
                Op::SetData {
                    path,
                    data,
                    version: -1,
                }
            };
            pending[i] = c.zk_submit(h, op);
        }
        // Look at the clients every few events (responses wait a little, as in a real app).
        for _ in 0..8 {
            if !c.step() {
                break;
            }
        }
        max_queue = max_queue.max(c.simulator().queue_len());
    }
    let znodes = c
        .zk_server("zookeeper1")
        .map_or(0, |s| s.tree().node_count());
    let stats = WorkloadStats {
        events: c.simulator().processed() - start_events,
        writes,
        virtual_ms,
        max_queue,
        znodes,
    };
    (stats, c)
}

// ---------------------------------------------------------------------------------------------
// The broker workload: producers, replication and consumer groups on the seed cluster.
// ---------------------------------------------------------------------------------------------

use crate::client::consumer::OffsetReset;
use crate::client::membership::Membership;
use crate::client::producer::ProducerConfig;
use crate::cluster::HostAction;
use crate::ordered::OrdMap as BTreeMap;
use crate::sim::node::HostId;
use crate::sim::RunState;

/// The workload's own topic: three partitions on all three brokers.
pub const BENCH_TOPIC: &str = "bench";
/// The seed's topic, with the seed's layout (3 partitions, replication factor 2).
pub const SEED_TOPIC: &str = "my-topic";
const TOPICS: [&str; 2] = [BENCH_TOPIC, SEED_TOPIC];
const BOOTSTRAP: [&str; 3] = ["kafka1:19091", "kafka2:19092", "kafka3:19093"];
/// How often (virtual ms) the workload takes the clients' results, as a program polls.
const POLL_MS: u64 = 100;

/// A broker killed in the middle of the load and started again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerFault {
    pub broker: String,
    /// Virtual ms after the load starts.
    pub kill_at_ms: u64,
    /// How long it stays down (beyond the 18 s ZooKeeper session, so the controller moves
    /// its leaderships and shrinks the ISRs; back up, it catches up and rejoins them).
    pub down_ms: u64,
}

/// The shape of the broker workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerLoad {
    /// Producer processes (acks=all, linger.ms=5, as the page's automatic producer).
    pub producers: usize,
    /// Records per virtual second, per producer.
    pub rate: u32,
    pub fault: Option<BrokerFault>,
    /// Keep the structured event log, as the page does (benchmarks otherwise turn it off).
    pub record_events: bool,
}

impl BrokerLoad {
    /// Three producers × 100 records/s: the page's load of issue 6.
    pub fn standard() -> Self {
        BrokerLoad {
            producers: 3,
            rate: 100,
            fault: None,
            record_events: false,
        }
    }

    /// The standard load with `kafka2` killed `kill_at_ms` into it and started 30 s later.
    pub fn with_fault(kill_at_ms: u64) -> Self {
        BrokerLoad {
            fault: Some(BrokerFault {
                broker: "kafka2".into(),
                kill_at_ms,
                down_ms: 30_000,
            }),
            ..BrokerLoad::standard()
        }
    }
}

/// Counts of the broker workload since the load started (boot and topic creation excluded).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerStats {
    /// Simulator events handled.
    pub events: u64,
    pub virtual_ms: u64,
    /// `send()` calls, sends acknowledged (acks=all) and sends that failed.
    pub sent: u64,
    pub acked: u64,
    pub failed: u64,
    /// Records handed to the consumers, repeats included (a rebalance re-reads from the
    /// last commit), and distinct records among them.
    pub consumed: u64,
    pub consumed_distinct: u64,
    /// Acknowledged records no consumer received (0 is the point; counted when asked).
    pub acked_not_consumed: u64,
    /// Copies written by followers: over the workload's partitions, every replica's log end
    /// offset beyond the longest one's (each record once per follower that copied it).
    pub replicated: u64,
    /// Records held in every replica log of every topic (`__consumer_offsets` included) and
    /// their approximate size: the record structs plus their keys, values and headers.
    pub retained_records: u64,
    pub log_bytes: u64,
    /// Largest event-queue length seen.
    pub max_queue: usize,
    /// Fault actions carried out (a kill and a start when the fault ran its course).
    pub faults: u32,
    /// Structured events held by the cluster's event log (0 unless it records them).
    pub recorded_events: u64,
}

/// A set of small integers, one bit each.
#[derive(Clone, Debug, Default)]
struct Bits(Vec<u64>);

impl Bits {
    /// Sets bit `n`; returns whether it was clear.
    fn insert(&mut self, n: u64) -> bool {
        let (w, b) = ((n / 64) as usize, n % 64);
        if self.0.len() <= w {
            self.0.resize(w + 1, 0);
        }
        let was = self.0[w] & (1 << b) != 0;
        self.0[w] |= 1 << b;
        !was
    }
    fn contains(&self, n: u64) -> bool {
        self.0
            .get((n / 64) as usize)
            .is_some_and(|w| w & (1 << (n % 64)) != 0)
    }
}

#[derive(Clone, Debug)]
struct LoadProducer {
    host: HostId,
    topic: &'static str,
    /// Records sent so far (the next record's number).
    sent: u64,
    /// Record id → record number, until answered.
    pending: BTreeMap<u64, u64>,
    acked: Bits,
    consumed: Bits,
}

/// The broker workload on one seeded cluster: [`BrokerBench::new`] boots the seed cluster,
/// creates the topics and starts the clients; [`BrokerBench::run_for`] runs the load;
/// [`BrokerBench::finish`] stops the producers and lets the consumers catch up.
#[derive(Clone, Debug)]
pub struct BrokerBench {
    cluster: Cluster,
    load: BrokerLoad,
    producers: Vec<LoadProducer>,
    consumers: Vec<HostId>,
    /// Virtual time and events when the load started.
    start_ms: u64,
    start_events: u64,
    producing: bool,
    next_poll: u64,
    stats: BrokerStats,
}

/// The numbers in a record value `{"producer": P, "n": N}`.
fn parse_value(v: &str) -> Option<(usize, u64)> {
    let mut nums = v
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty());
    Some((nums.next()?.parse().ok()?, nums.next()?.parse().ok()?))
}

impl BrokerBench {
    /// Boots the seed cluster (event recording off), creates `bench` (3 partitions, RF 3)
    /// and `my-topic` (3 partitions, RF 2), starts two consumer groups reading them from the
    /// beginning (`bench-readers`, two members on `bench`; `my-group`, one on `my-topic`) and
    /// the producers (producer i writes to `bench` when i is even, else `my-topic`).
    pub fn new(seed: u64, load: BrokerLoad) -> Result<Self, String> {
        let mut c = Cluster::seed_cluster(seed);
        c.set_record_events(load.record_events);
        if !c.wait_until_ready(60_000) || !c.wait_until_brokers_ready(60_000) {
            return Err("the seed cluster did not boot in 60 s".into());
        }
        for (topic, rf) in [(BENCH_TOPIC, 3), (SEED_TOPIC, 2)] {
            let line = format!("kafka-topics --create --topic {topic} --bootstrap-server kafka1:19091 --partitions 3 --replication-factor {rf}");
            let out = c.run_command(&line, None);
            if !out.ok() {
                return Err(format!("{line}: {}{}", out.stdout, out.stderr));
            }
        }
        let servers: Vec<String> = BOOTSTRAP.iter().map(|s| s.to_string()).collect();
        let mut consumers = Vec::new();
        for (group, topic, members) in [
            ("bench-readers", BENCH_TOPIC, 2),
            ("my-group", SEED_TOPIC, 1),
        ] {
            for m in 1..=members {
                let membership =
                    Membership::new(group, &format!("consumer-{group}-{m}"), Vec::new());
                let h = c
                    .start_group_consumer(
                        "bench-consumer",
                        &servers,
                        topic,
                        OffsetReset::Earliest,
                        membership,
                        None,
                    )
                    .map_err(|_| "no bootstrap server".to_string())?;
                consumers.push(h);
            }
        }
        let config = ProducerConfig {
            linger_ms: 5,
            ..ProducerConfig::java()
        };
        let mut producers = Vec::new();
        for i in 0..load.producers {
            let host = c
                .start_producer("bench-producer", &servers, config.clone(), None)
                .map_err(|_| "no bootstrap server".to_string())?;
            producers.push(LoadProducer {
                host,
                topic: TOPICS[i % 2],
                sent: 0,
                pending: BTreeMap::new(),
                acked: Bits::default(),
                consumed: Bits::default(),
            });
        }
        let start_ms = c.now_ms();
        let start_events = c.simulator().processed();
        Ok(BrokerBench {
            cluster: c,
            load,
            producers,
            consumers,
            start_ms,
            start_events,
            producing: true,
            next_poll: start_ms + POLL_MS,
            stats: BrokerStats::default(),
        })
    }

    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    pub fn cluster_mut(&mut self) -> &mut Cluster {
        &mut self.cluster
    }

    /// Virtual ms since the load started.
    pub fn elapsed_ms(&self) -> u64 {
        self.cluster.now_ms() - self.start_ms
    }

    /// When producer `i` sends its record number `n` (staggered evenly between producers).
    fn due(&self, i: usize, n: u64) -> u64 {
        let rate = u64::from(self.load.rate.max(1));
        let stagger = 1000 * i as u64 / (rate * self.load.producers.max(1) as u64);
        self.start_ms + stagger + n * 1000 / rate
    }

    /// The fault's next action, if one is still to come: (virtual time, action).
    fn next_fault(&self) -> Option<(u64, HostAction)> {
        let f = self.load.fault.as_ref()?;
        let h = self.cluster.host_id(&f.broker)?;
        let state = self.cluster.simulator().host(h).state;
        let kill = self.start_ms + f.kill_at_ms;
        let start = kill + f.down_ms;
        let now = self.cluster.now_ms();
        match state {
            RunState::Running if now < kill + 1 => Some((kill, HostAction::Kill)),
            RunState::Killed => Some((start, HostAction::Start)),
            _ => None,
        }
    }

    /// Runs the load for `ms` of virtual time.
    pub fn run_for(&mut self, ms: u64) {
        let end = self.cluster.now_ms() + ms;
        loop {
            let now = self.cluster.now_ms();
            let mut next = end.min(self.next_poll);
            if self.producing {
                for (i, p) in self.producers.iter().enumerate() {
                    next = next.min(self.due(i, p.sent));
                }
            }
            let fault = self.next_fault();
            if let Some((t, _)) = fault {
                next = next.min(t);
            }
            if next > now {
                self.cluster.run_until(next);
            }
            let now = self.cluster.now_ms();
            self.stats.max_queue = self
                .stats
                .max_queue
                .max(self.cluster.simulator().queue_len());
            if let Some((t, action)) = fault {
                if t <= now {
                    let name = self.load.fault.as_ref().map(|f| f.broker.clone());
                    if let Some(name) = name {
                        if self.cluster.host_action(&name, action).is_ok() {
                            self.stats.faults += 1;
                        }
                    }
                }
            }
            if self.producing {
                for i in 0..self.producers.len() {
                    // A segment sends what is due before its end (the next one sends the rest).
                    while self.due(i, self.producers[i].sent) <= now.min(end - 1) {
                        self.send(i);
                    }
                }
            }
            if now >= self.next_poll {
                self.poll();
                self.next_poll = now + POLL_MS;
            }
            if now >= end {
                break;
            }
        }
    }

    fn send(&mut self, i: usize) {
        let p = &mut self.producers[i];
        let n = p.sent;
        p.sent += 1;
        self.stats.sent += 1;
        let value = format!("{{\"producer\": {i}, \"n\": {n}}}");
        let (host, topic) = (p.host, p.topic);
        if let Some(id) = self.cluster.produce(host, topic, None, None, Some(value)) {
            self.producers[i].pending.insert(id, n);
        } else {
            self.stats.failed += 1;
        }
    }

    /// Takes the producers' answers and the consumers' records (and drops them).
    fn poll(&mut self) {
        for p in &mut self.producers {
            for (id, result) in self.cluster.take_producer_results(p.host) {
                let Some(n) = p.pending.remove(&id) else {
                    continue;
                };
                match result {
                    Ok(_) => {
                        p.acked.insert(n);
                        self.stats.acked += 1;
                    }
                    Err(_) => self.stats.failed += 1,
                }
            }
        }
        for &h in &self.consumers {
            for r in self.cluster.take_consumed(h) {
                self.stats.consumed += 1;
                let Some((i, n)) = r.record.value.as_deref().and_then(parse_value) else {
                    continue;
                };
                if let Some(p) = self.producers.get_mut(i) {
                    if p.consumed.insert(n) {
                        self.stats.consumed_distinct += 1;
                    }
                }
            }
        }
    }

    /// Stops producing and runs until every send is answered and the consumers hold every
    /// acknowledged record (at most `max_ms`).
    pub fn finish(&mut self, max_ms: u64) -> BrokerStats {
        self.producing = false;
        let deadline = self.cluster.now_ms() + max_ms;
        while self.cluster.now_ms() < deadline {
            let settled = self.producers.iter().all(|p| p.pending.is_empty())
                && self.stats.consumed_distinct >= self.stats.acked;
            if settled {
                break;
            }
            self.run_for(POLL_MS);
        }
        self.stats()
    }

    /// The counts so far, with the replicas' logs measured now.
    pub fn stats(&self) -> BrokerStats {
        let mut s = self.stats.clone();
        s.events = self.cluster.simulator().processed() - self.start_events;
        s.virtual_ms = self.elapsed_ms();
        s.acked_not_consumed = self
            .producers
            .iter()
            .map(|p| {
                (0..p.sent)
                    .filter(|&n| p.acked.contains(n) && !p.consumed.contains(n))
                    .count() as u64
            })
            .sum();
        let (records, bytes) = self.log_size();
        s.retained_records = records;
        s.log_bytes = bytes;
        s.replicated = self.replicated();
        s.recorded_events = self.cluster.events().len() as u64;
        s
    }

    /// Records in every replica log of every broker (down ones keep their disks) and their
    /// approximate bytes.
    pub fn log_size(&self) -> (u64, u64) {
        let (mut records, mut bytes) = (0u64, 0u64);
        for b in &self.cluster.config().brokers {
            let Some(broker) = self.cluster.broker(&b.service) else {
                continue;
            };
            for log in broker.replicas.logs.values() {
                for r in log.records() {
                    records += 1;
                    bytes += (std::mem::size_of_val(r)
                        + r.key.as_ref().map_or(0, |k| k.len())
                        + r.value.as_ref().map_or(0, |v| v.len())
                        + r.headers
                            .iter()
                            .map(|(k, v)| k.len() + v.len() + 48)
                            .sum::<usize>()) as u64;
                }
            }
        }
        (records, bytes)
    }

    /// Follower copies on the workload's topics (see [`BrokerStats::replicated`]).
    fn replicated(&self) -> u64 {
        let mut total = 0u64;
        for t in self.cluster.topics() {
            if !TOPICS.contains(&t.name.as_str()) {
                continue;
            }
            for p in &t.partitions {
                let leos: Vec<i64> = p
                    .replicas
                    .iter()
                    .filter_map(|&b| self.cluster.replica_log(b, &t.name, p.partition))
                    .map(|l| l.log_end_offset())
                    .collect();
                let max = leos.iter().copied().max().unwrap_or(0);
                total += leos.iter().map(|&l| l as u64).sum::<u64>() - max as u64;
            }
        }
        total
    }
}

/// The broker workload for `virtual_ms` of load, then up to 60 s for the consumers to catch up.
pub fn broker_workload(
    seed: u64,
    virtual_ms: u64,
    load: BrokerLoad,
) -> Result<BrokerStats, String> {
    let mut b = BrokerBench::new(seed, load)?;
    b.run_for(virtual_ms);
    Ok(b.finish(60_000))
}

/// The figures of one broker-workload run at one moment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Wall-clock and CPU seconds spent running the load so far (measuring excluded). On a
    /// busy machine the CPU time is the fairer figure.
    pub wall_s: f64,
    pub cpu_s: f64,
    /// Live heap bytes as the caller's allocator counts them (0 when unknown).
    pub heap_bytes: u64,
    pub stats: BrokerStats,
}

/// A broker-workload run as the benchmarks print it, natively and in wasm alike.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BrokerReport {
    /// `steady`, `fault` or `events` (steady, with the event log kept as in the page).
    pub variant: String,
    pub seed: u64,
    pub producers: usize,
    pub rate: u32,
    /// Wall-clock seconds to boot the cluster, create the topics and start the clients.
    pub boot_wall_s: f64,
    /// At each requested virtual time of the load.
    pub checkpoints: Vec<Checkpoint>,
    /// After the producers stopped and the consumers caught up.
    pub drained: BrokerStats,
}

impl BrokerReport {
    /// The last checkpoint's rates per second of CPU time (`cpu`) or wall-clock time:
    /// [events/s, acknowledged records/s, follower copies/s, virtual seconds per second].
    pub fn rates(&self, cpu: bool) -> [f64; 4] {
        let Some(c) = self.checkpoints.last() else {
            return [0.0; 4];
        };
        let t = if cpu { c.cpu_s } else { c.wall_s }.max(1e-9);
        [
            c.stats.events as f64 / t,
            c.stats.acked as f64 / t,
            c.stats.replicated as f64 / t,
            c.stats.virtual_ms as f64 / 1000.0 / t,
        ]
    }
}

impl BrokerReport {
    /// The report as the benchmarks print it: one row per checkpoint, then the drained counts.
    pub fn text(&self, platform: &str) -> String {
        const MIB: f64 = 1024.0 * 1024.0;
        let mut out = format!(
            "{platform} broker {} ({} producers x {} records/s, acks=all; seed {}{}): boot {:.0} ms wall\n",
            self.variant,
            self.producers,
            self.rate,
            self.seed,
            match self.variant.as_str() {
                "fault" => "; kafka2 killed halfway, started 30 s later",
                "events" => "; event log kept, as in the page",
                _ => "",
            },
            self.boot_wall_s * 1000.0
        );
        out.push_str("  (rates per CPU second of the run; speed-up = virtual seconds per wall second, and per CPU second)\n");
        out.push_str("  virtual   wall s   CPU s  events/s  acked rec/s  replicated/s  speed-up wall/CPU  retained records  log MiB  heap MiB  queue max  event log\n");
        for c in &self.checkpoints {
            let s = &c.stats;
            let cpu = c.cpu_s.max(1e-9);
            let virt = s.virtual_ms as f64 / 1000.0;
            out.push_str(&format!(
                "  {:>4} min {:>8.2} {:>7.2} {:>9.0} {:>12.0} {:>13.0} {:>9.0}x/{:>6.0}x {:>17} {:>8.1} {:>9.1} {:>10} {:>10}\n",
                s.virtual_ms / 60_000,
                c.wall_s,
                c.cpu_s,
                s.events as f64 / cpu,
                s.acked as f64 / cpu,
                s.replicated as f64 / cpu,
                virt / c.wall_s.max(1e-9),
                virt / cpu,
                s.retained_records,
                s.log_bytes as f64 / MIB,
                c.heap_bytes as f64 / MIB,
                s.max_queue,
                s.recorded_events
            ));
        }
        let d = &self.drained;
        out.push_str(&format!(
            "  drained after {:.1} s virtual: sent {}, acked {}, failed {}, consumed {} ({} distinct), acked but not consumed {}, follower copies {}, fault actions {}\n",
            d.virtual_ms as f64 / 1000.0,
            d.sent,
            d.acked,
            d.failed,
            d.consumed,
            d.consumed_distinct,
            d.acked_not_consumed,
            d.replicated,
            d.faults
        ));
        out
    }
}

/// Checkpoints for a run of `minutes`: 1, 10, 30 and 60 minutes where shorter, then the end.
pub fn checkpoints_ms(minutes: u64) -> Vec<u64> {
    let mut v: Vec<u64> = [1, 10, 30, 60]
        .into_iter()
        .filter(|&m| m < minutes)
        .map(|m| m * 60_000)
        .collect();
    v.push(minutes.max(1) * 60_000);
    v
}

/// Runs the broker workload, `variant` `steady`, `fault` (`kafka2` killed halfway, started
/// 30 s later) or `events` (steady, event log kept as the page keeps it), and takes
/// figures at each of `checkpoints_ms` (virtual ms of load, ascending). `clock` gives wall and
/// CPU seconds (the caller's: `std::time` does not exist in wasm), `heap` the live heap bytes.
pub fn broker_report(
    seed: u64,
    variant: &str,
    checkpoints_ms: &[u64],
    clock: &mut dyn FnMut() -> [f64; 2],
    heap: &dyn Fn() -> u64,
) -> Result<BrokerReport, String> {
    let total = checkpoints_ms.iter().copied().max().unwrap_or(0);
    let load = match variant {
        "steady" => BrokerLoad::standard(),
        "fault" => BrokerLoad::with_fault(total / 2),
        "events" => BrokerLoad {
            record_events: true,
            ..BrokerLoad::standard()
        },
        _ => {
            return Err(format!(
                "no such variant: {variant} (steady, fault, events)"
            ))
        }
    };
    let (producers, rate) = (load.producers, load.rate);
    let t0 = clock();
    let mut b = BrokerBench::new(seed, load)?;
    let boot_wall_s = clock()[0] - t0[0];
    let (mut wall_s, mut cpu_s) = (0.0, 0.0);
    let mut checkpoints = Vec::new();
    for &at in checkpoints_ms {
        let t = clock();
        b.run_for(at.saturating_sub(b.elapsed_ms()));
        let u = clock();
        wall_s += u[0] - t[0];
        cpu_s += u[1] - t[1];
        checkpoints.push(Checkpoint {
            wall_s,
            cpu_s,
            heap_bytes: heap(),
            stats: b.stats(),
        });
    }
    let drained = b.finish(60_000);
    Ok(BrokerReport {
        variant: variant.into(),
        seed,
        producers,
        rate,
        boot_wall_s,
        checkpoints,
        drained,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_broker_workload_moves_records_and_is_deterministic() {
        let a = broker_workload(5, 20_000, BrokerLoad::standard()).unwrap();
        let b = broker_workload(5, 20_000, BrokerLoad::standard()).unwrap();
        assert_eq!(a, b);
        // 3 producers × 100 records/s × 20 s.
        assert_eq!(a.sent, 6_000);
        assert_eq!(a.acked, a.sent, "{a:?}");
        assert_eq!(a.failed, 0);
        assert_eq!(a.consumed, a.acked, "{a:?}");
        assert_eq!(a.consumed_distinct, a.acked);
        assert_eq!(a.acked_not_consumed, 0);
        // `bench` (RF 3) gets producers 0 and 2, `my-topic` (RF 2) producer 1.
        assert_eq!(a.replicated, 4_000 * 2 + 2_000);
        assert!(a.events > 0 && a.retained_records >= 6_000 * 3 - 2_000);
        println!("{a:?}");
    }

    #[test]
    fn a_broker_killed_mid_load_loses_no_acknowledged_record() {
        let load = BrokerLoad::with_fault(10_000);
        let a = broker_workload(5, 60_000, load.clone()).unwrap();
        let b = broker_workload(5, 60_000, load).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.sent, 18_000);
        assert!(a.acked > 0 && a.consumed_distinct >= a.acked, "{a:?}");
        assert_eq!(a.acked_not_consumed, 0, "{a:?}");
        assert_eq!(a.faults, 2, "killed and started again");
        println!("{a:?}");
    }

    #[test]
    fn the_event_log_stays_bounded_under_the_page_load() {
        use crate::sim::EVENT_LOG_LIMIT;
        let load = BrokerLoad {
            record_events: true,
            ..BrokerLoad::standard()
        };
        let mut b = BrokerBench::new(7, load.clone()).unwrap();
        let mut total = b.cluster().events_total();
        for _ in 0..6 {
            b.run_for(10_000);
            let c = b.cluster();
            let events = c.events();
            assert!(
                events.len() <= EVENT_LOG_LIMIT,
                "{} events kept",
                events.len()
            );
            assert!(c.events_total() > total + 1_000, "the load records events");
            total = c.events_total();
            // The newest events are kept, contiguous, numbered since the start.
            assert_eq!(events.last().unwrap().seq, total - 1);
            assert!(events.windows(2).all(|w| w[1].seq == w[0].seq + 1));
            assert_eq!(c.events_dropped(), total - events.len() as u64);
            assert_eq!(c.events_since(total - 5).len(), 5);
            assert_eq!(c.events_since(0).len(), events.len());
            let snap = c.snapshot();
            assert_eq!(snap.events_dropped, c.events_dropped());
            assert_eq!(snap.event_count, total);
        }
        // A minute of this load is ~18 k events: the oldest are dropped.
        assert!(b.cluster().events_dropped() > 0);
        assert_eq!(b.cluster().events().len(), EVENT_LOG_LIMIT);
        // The log hash covers dropped events too: a run keeping only 500 hashes the same.
        let mut small = BrokerBench::new(7, load).unwrap();
        small.cluster_mut().set_event_limit(500);
        for _ in 0..6 {
            small.run_for(10_000);
        }
        assert!(small.cluster().events().len() <= 500);
        assert_eq!(small.cluster().events_total(), total);
        assert_eq!(
            small.cluster().event_log_hash(),
            b.cluster().event_log_hash()
        );
    }
}
