//! `cargo bench -p kafka-playground-core --bench broker`: criterion timing of the broker
//! workload (the seed cluster, `bench` 3×RF3 and `my-topic` 3×RF2, three acks=all producers at
//! 100 records/s each, two consumer groups), steady and with `kafka2` killed and restarted.
//! One iteration is 60 s of virtual time from a booted cluster (booting is not timed); the
//! throughput criterion prints is simulated events per second. The printing example
//! `broker_bench` gives records/s, speed-up and memory over an hour.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kafka_playground_core::bench::{BrokerBench, BrokerLoad};
use std::time::Duration;

const VIRTUAL_MS: u64 = 60_000;

fn variant(c: &mut Criterion, name: &str, load: BrokerLoad) {
    // Same seed, same run: count its events and records once for the throughput.
    let mut probe = BrokerBench::new(1, load.clone()).expect("the seed cluster boots");
    probe.run_for(VIRTUAL_MS);
    let s = probe.stats();
    println!(
        "{name}: one iteration = {} s virtual, {} events, {} records acked, {} follower copies",
        VIRTUAL_MS / 1000,
        s.events,
        s.acked,
        s.replicated
    );
    let mut g = c.benchmark_group("broker_workload");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(s.events));
    g.bench_function(name, |b| {
        b.iter_batched(
            || BrokerBench::new(1, load.clone()).expect("the seed cluster boots"),
            |mut bench| {
                bench.run_for(VIRTUAL_MS);
                bench // dropped outside the timing
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn broker(c: &mut Criterion) {
    variant(c, "steady_3x100", BrokerLoad::standard());
    variant(
        c,
        "kafka2_killed_3x100",
        BrokerLoad::with_fault(VIRTUAL_MS / 4),
    );
}

criterion_group!(benches, broker);
criterion_main!(benches);
