//! `cargo bench -p kafka-playground-core --bench sim`: simulated events per second and memory
//! for the standard workload (three ZooKeepers, eight clients writing). Not a test: it prints.

use kafka_playground_core::bench::{standard_workload, standard_workload_keep};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts live and peak heap bytes (the simulator's memory, natively).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// CPU seconds used by this process (Linux /proc; `None` elsewhere). On a busy machine the
/// wall-clock rate understates the simulator; the CPU-time rate does not.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    // `cargo bench` passes `--bench`; an optional number sets the virtual seconds.
    let secs: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(600);
    let _ = standard_workload(1, 1_000); // warm-up
    let mut best = f64::MAX;
    let mut stats = None;
    for seed in 1..=3 {
        PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
        let base = LIVE.load(Ordering::Relaxed);
        let t = Instant::now();
        let cpu0 = cpu_seconds();
        let (s, cluster) = standard_workload_keep(seed, secs * 1000);
        let el = t.elapsed().as_secs_f64();
        if let (Some(a), Some(b)) = (cpu0, cpu_seconds()) {
            println!(
                "seed {seed}: {:.3} s CPU: {:.2} M events/s of CPU time",
                b - a,
                s.events as f64 / (b - a).max(0.01) / 1e6
            );
        }
        let peak = PEAK.load(Ordering::Relaxed) - base;
        drop(cluster);
        println!(
            "seed {seed}: {} events, {} acknowledged writes, {secs} s virtual in {:.3} s wall: {:.2} M events/s, {:.0} writes/s, peak heap {:.1} MiB, max queue {}",
            s.events,
            s.writes,
            el,
            s.events as f64 / el / 1e6,
            s.writes as f64 / el,
            peak as f64 / (1024.0 * 1024.0),
            s.max_queue
        );
        if el < best {
            best = el;
            stats = Some(s);
        }
    }
    if let Some(s) = stats {
        println!(
            "best: {:.2} M simulated events/s ({} events in {:.3} s)",
            s.events as f64 / best / 1e6,
            s.events,
            best
        );
    }
}
