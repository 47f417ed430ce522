//! A fixed reference scenario: boot, writes, a leader crash and recovery, all driven through the
//! command language. Its event-log hash must be the same natively and in the browser (wasm), which
//! the test suite checks against `tests/golden/reference-run.txt` on both.

use crate::cli::run_script;
use crate::cluster::Cluster;

/// The script of the reference run.
pub const REFERENCE_SCRIPT: &str = "\
zookeeper-shell zookeeper1:2181 create /reference one
zookeeper-shell zookeeper3:2183 create -e -s /reference/seq- x
docker compose kill zookeeper2
sleep 20
zookeeper-shell zookeeper1:2181 set /reference two
docker compose start zookeeper2
sleep 15
netem cut zookeeper1 zookeeper3
sleep 5
netem heal --all
zookeeper-shell zookeeper2:2182 get /reference
";

/// Runs the reference scenario on a fresh cluster with `seed` and returns it.
pub fn reference_run(seed: u64) -> Cluster {
    let mut cluster = Cluster::seed_cluster(seed);
    cluster.wait_until_ready(60_000);
    run_script(&mut cluster, REFERENCE_SCRIPT, false);
    cluster.run_for(5_000);
    cluster
}

/// Seeds whose reference runs are pinned in the golden file.
pub const GOLDEN_SEEDS: [u64; 3] = [1, 42, 2026];

/// One line per golden seed: event count and event-log hash of its reference run.
pub fn reference_fingerprint() -> String {
    GOLDEN_SEEDS
        .iter()
        .map(|&seed| {
            let c = reference_run(seed);
            format!(
                "seed {seed}: {} events, hash {:016x}\n",
                c.events().len(),
                c.event_log_hash()
            )
        })
        .collect()
}
