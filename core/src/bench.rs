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
