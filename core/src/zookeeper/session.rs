//! The leader's session tracker: deadlines rounded up to the tick, as ZooKeeper's
//! `ExpiryQueue` does. Only the leader expires sessions; a new leader re-arms them all.

use crate::ordered::OrdMap as BTreeMap;

#[derive(Clone, Debug)]
struct Entry {
    timeout_ms: u32,
    deadline: u64,
    closing: bool,
}

#[derive(Clone, Debug, Default)]
pub struct SessionTracker {
    tick_ms: u64,
    sessions: BTreeMap<u64, Entry>,
}

impl SessionTracker {
    pub fn new(tick_ms: u64) -> Self {
        SessionTracker {
            tick_ms,
            sessions: BTreeMap::new(),
        }
    }

    fn deadline(&self, now: u64, timeout_ms: u32) -> u64 {
        let t = now + u64::from(timeout_ms);
        (t / self.tick_ms + 1) * self.tick_ms
    }

    pub fn add(&mut self, session: u64, timeout_ms: u32, now: u64) {
        let deadline = self.deadline(now, timeout_ms);
        self.sessions.insert(
            session,
            Entry {
                timeout_ms,
                deadline,
                closing: false,
            },
        );
    }

    pub fn touch(&mut self, session: u64, now: u64) {
        if let Some(e) = self.sessions.get(&session) {
            let d = self.deadline(now, e.timeout_ms);
            if let Some(e) = self.sessions.get_mut(&session) {
                if !e.closing {
                    e.deadline = e.deadline.max(d);
                }
            }
        }
    }

    pub fn remove(&mut self, session: u64) {
        self.sessions.remove(&session);
    }

    /// Sessions past their deadline, marked closing so each is expired once.
    pub fn take_expired(&mut self, now: u64) -> Vec<u64> {
        let mut out = Vec::new();
        for (s, e) in self.sessions.iter_mut() {
            if !e.closing && e.deadline <= now {
                e.closing = true;
                out.push(*s);
            }
        }
        out
    }

    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_round_to_the_tick_and_touch_extends() {
        let mut t = SessionTracker::new(2000);
        t.add(1, 6000, 500);
        assert!(t.take_expired(7999).is_empty());
        t.touch(1, 7000);
        assert!(t.take_expired(13_999).is_empty());
        assert_eq!(t.take_expired(14_000), vec![1]);
        assert!(t.take_expired(20_000).is_empty());
    }
}
