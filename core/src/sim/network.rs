//! The network model: per-link latency, jitter and loss, directional cuts, disconnected hosts.
//!
//! Links behave like TCP: delivery on one directed link is FIFO, and loss shows up as
//! retransmission delay (RTO doubling, at most 6 transmissions); 100 % loss drops everything.

use crate::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};
use crate::sim::node::HostId;
use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;
use serde::{Deserialize, Serialize};

/// Behaviour of one directed link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkConfig {
    pub latency_ms: u64,
    pub jitter_ms: u64,
    /// Per-transmission loss in percent (0..=100).
    pub loss_pct: u8,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            latency_ms: 1,
            jitter_ms: 1,
            loss_pct: 0,
        }
    }
}

const INITIAL_RTO_MS: u64 = 200;
const MAX_TRANSMISSIONS: u32 = 6;

#[derive(Clone, Debug, Default)]
pub struct Network {
    pub default_link: LinkConfig,
    overrides: BTreeMap<(HostId, HostId), LinkConfig>,
    cuts: BTreeSet<(HostId, HostId)>,
    disconnected: BTreeSet<HostId>,
    /// Client processes living inside a container share its network fate.
    attached: BTreeMap<HostId, HostId>,
    /// Last delivery time per directed link, to keep links FIFO.
    fifo: Vec<Vec<u64>>,
}

impl Network {
    fn phys(&self, h: HostId) -> HostId {
        *self.attached.get(&h).unwrap_or(&h)
    }

    /// Makes `child` (a client process) share `parent`'s network position.
    pub fn attach(&mut self, child: HostId, parent: HostId) {
        self.attached.insert(child, parent);
    }

    pub fn blocked(&self, from: HostId, to: HostId) -> bool {
        let (a, b) = (self.phys(from), self.phys(to));
        a != b
            && (self.disconnected.contains(&a)
                || self.disconnected.contains(&b)
                || self.cuts.contains(&(a, b)))
    }

    pub fn cut(&mut self, a: HostId, b: HostId, oneway: bool) {
        self.cuts.insert((a, b));
        if !oneway {
            self.cuts.insert((b, a));
        }
    }

    pub fn heal(&mut self, a: HostId, b: HostId) {
        self.cuts.remove(&(a, b));
        self.cuts.remove(&(b, a));
    }

    pub fn heal_all(&mut self) {
        self.cuts.clear();
        self.disconnected.clear();
        self.overrides.clear();
    }

    pub fn disconnect(&mut self, h: HostId) {
        self.disconnected.insert(h);
    }

    pub fn connect(&mut self, h: HostId) {
        self.disconnected.remove(&h);
    }

    pub fn is_disconnected(&self, h: HostId) -> bool {
        self.disconnected.contains(&h)
    }

    pub fn set_link(&mut self, a: HostId, b: HostId, cfg: LinkConfig) {
        self.overrides.insert((a, b), cfg);
        self.overrides.insert((b, a), cfg);
    }

    pub fn link(&self, a: HostId, b: HostId) -> LinkConfig {
        let key = (self.phys(a), self.phys(b));
        *self.overrides.get(&key).unwrap_or(&self.default_link)
    }

    pub fn cuts(&self) -> impl Iterator<Item = (HostId, HostId)> + '_ {
        self.cuts.iter().copied()
    }

    pub fn overrides(&self) -> impl Iterator<Item = ((HostId, HostId), LinkConfig)> + '_ {
        self.overrides.iter().map(|(k, v)| (*k, *v))
    }

    pub fn disconnected(&self) -> impl Iterator<Item = HostId> + '_ {
        self.disconnected.iter().copied()
    }

    /// When a message sent now from `from` to `to` arrives, or `None` if it is lost.
    pub fn route(
        &mut self,
        from: HostId,
        to: HostId,
        now: u64,
        rng: &mut ChaCha8Rng,
    ) -> Option<u64> {
        if self.blocked(from, to) {
            return None;
        }
        let cfg = if from == to {
            LinkConfig {
                latency_ms: 0,
                jitter_ms: 0,
                loss_pct: 0,
            }
        } else {
            self.link(from, to)
        };
        let mut at = now + cfg.latency_ms;
        if cfg.jitter_ms > 0 {
            at += rng.next_u64() % (cfg.jitter_ms + 1);
        }
        if cfg.loss_pct >= 100 {
            return None;
        }
        if cfg.loss_pct > 0 {
            // TCP: a lost segment is retransmitted after the RTO (doubling), so loss shows up
            // as delay; the stream never silently skips a message.
            let mut rto = INITIAL_RTO_MS;
            let mut tries = 1;
            while tries < MAX_TRANSMISSIONS && (rng.next_u64() % 100) < u64::from(cfg.loss_pct) {
                at += rto;
                rto *= 2;
                tries += 1;
            }
        }
        let n = from.max(to) + 1;
        if self.fifo.len() < n {
            self.fifo.resize(n, Vec::new());
        }
        let row = &mut self.fifo[from];
        if row.len() < n {
            row.resize(n, 0);
        }
        at = at.max(row[to]);
        row[to] = at;
        Some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng;

    #[test]
    fn links_are_fifo_and_cuts_drop() {
        let mut net = Network::default();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        net.set_link(
            0,
            1,
            LinkConfig {
                latency_ms: 10,
                jitter_ms: 50,
                loss_pct: 30,
            },
        );
        let mut last = 0;
        for t in 0..200 {
            if let Some(at) = net.route(0, 1, t, &mut rng) {
                assert!(at >= last && at >= t + 10);
                last = at;
            }
        }
        net.cut(0, 1, true);
        assert!(net.route(0, 1, 0, &mut rng).is_none());
        assert!(net.route(1, 0, 0, &mut rng).is_some());
        net.heal(0, 1);
        net.disconnect(1);
        assert!(net.blocked(1, 0) && net.blocked(0, 1));
    }
}
