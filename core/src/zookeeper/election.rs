//! Fast leader election (FastLeaderElection.java) as a pure state machine: it consumes
//! notifications and tells the server what to do (broadcast, reply, finalize, decide).

use crate::ordered::OrdMap as BTreeMap;
use crate::zookeeper::messages::{Notification, PeerState, Vote};

/// `finalizeWait`: initial notification timeout and the wait after a quorum agrees.
pub const FINALIZE_WAIT_MS: u64 = 200;
/// `maxNotificationInterval`.
pub const MAX_NOTIFICATION_INTERVAL_MS: u64 = 60_000;

#[derive(Clone, Debug)]
pub struct Election {
    pub proposal: Vote,
    initial: Vote,
    /// Votes in my round (LOOKING peers and same-round decided peers).
    recv: BTreeMap<u64, (Vote, PeerState)>,
    /// Votes of peers already FOLLOWING/LEADING, any round.
    out_of_election: BTreeMap<u64, (Vote, PeerState, u64)>,
    pub timeout_ms: u64,
    /// Set while waiting `finalizeWait` after a quorum agreed.
    pub finalizing: bool,
}

/// What the server must do after a notification.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reaction {
    pub broadcast: bool,
    pub reply: bool,
    pub start_finalize: bool,
    pub decide: Option<Vote>,
}

impl Election {
    pub fn new(me: u64, initial: Vote) -> Self {
        let mut recv = BTreeMap::new();
        recv.insert(me, (initial, PeerState::Looking));
        Election {
            proposal: initial,
            initial,
            recv,
            out_of_election: BTreeMap::new(),
            timeout_ms: FINALIZE_WAIT_MS,
            finalizing: false,
        }
    }

    fn quorum_for(votes: impl Iterator<Item = Vote>, v: &Vote, quorum: usize) -> bool {
        votes.filter(|x| x == v).count() >= quorum
    }

    /// Decided peers agree if they name the same leader and peer epoch (Vote.equals).
    fn decided_quorum_for(votes: impl Iterator<Item = Vote>, v: &Vote, quorum: usize) -> bool {
        votes
            .filter(|x| x.leader == v.leader && x.epoch == v.epoch)
            .count()
            >= quorum
    }

    fn check_leader(&self, me: u64, v: &Vote, round: u64, my_round: u64) -> bool {
        if v.leader == me {
            round == my_round
        } else {
            self.out_of_election
                .get(&v.leader)
                .map(|(_, s, _)| *s == PeerState::Leading)
                .unwrap_or(false)
                || self
                    .recv
                    .get(&v.leader)
                    .map(|(_, s)| *s == PeerState::Leading)
                    .unwrap_or(false)
        }
    }

    /// Handles a notification while LOOKING; `clock` is the server's logical clock.
    pub fn on_notification(
        &mut self,
        me: u64,
        clock: &mut u64,
        n: &Notification,
        quorum: usize,
    ) -> Reaction {
        let mut r = Reaction::default();
        match n.state {
            PeerState::Looking => {
                if n.round > *clock {
                    *clock = n.round;
                    self.recv.clear();
                    self.finalizing = false;
                    self.proposal = if n.vote.beats(&self.initial) {
                        n.vote
                    } else {
                        self.initial
                    };
                    r.broadcast = true;
                } else if n.round < *clock {
                    r.reply = true;
                    return r;
                } else if n.vote.beats(&self.proposal) {
                    self.proposal = n.vote;
                    self.finalizing = false;
                    r.broadcast = true;
                }
                self.recv.insert(n.sid, (n.vote, n.state));
                self.recv.insert(me, (self.proposal, PeerState::Looking));
                if !self.finalizing
                    && Self::quorum_for(self.recv.values().map(|x| x.0), &self.proposal, quorum)
                {
                    self.finalizing = true;
                    r.start_finalize = true;
                }
            }
            PeerState::Following | PeerState::Leading => {
                if n.round == *clock {
                    self.recv.insert(n.sid, (n.vote, n.state));
                    if Self::decided_quorum_for(self.recv.values().map(|x| x.0), &n.vote, quorum)
                        && self.check_leader(me, &n.vote, n.round, *clock)
                    {
                        r.decide = Some(n.vote);
                        return r;
                    }
                }
                self.out_of_election
                    .insert(n.sid, (n.vote, n.state, n.round));
                let votes = self.out_of_election.values().map(|x| x.0);
                if Self::decided_quorum_for(votes, &n.vote, quorum)
                    && self.check_leader(me, &n.vote, n.round, *clock)
                {
                    *clock = n.round;
                    r.decide = Some(n.vote);
                }
            }
        }
        r
    }

    /// The finalize wait ended without a better vote: decide if the quorum still holds.
    pub fn on_finalize(&mut self, quorum: usize) -> Option<Vote> {
        if self.finalizing
            && Self::quorum_for(self.recv.values().map(|x| x.0), &self.proposal, quorum)
        {
            Some(self.proposal)
        } else {
            self.finalizing = false;
            None
        }
    }

    /// No notification came in time: resend, and back off (doubling, capped).
    pub fn on_timeout(&mut self) {
        self.timeout_ms = (self.timeout_ms * 2).min(MAX_NOTIFICATION_INTERVAL_MS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(leader: u64, zxid: u64, epoch: u32) -> Vote {
        Vote {
            leader,
            zxid,
            epoch,
        }
    }

    fn n(sid: u64, vote: Vote, round: u64, state: PeerState) -> Notification {
        Notification {
            sid,
            vote,
            round,
            state,
        }
    }

    #[test]
    fn votes_order_by_epoch_then_zxid_then_myid() {
        assert!(v(1, 0, 2).beats(&v(3, 9, 1)));
        assert!(v(1, 5, 1).beats(&v(3, 4, 1)));
        assert!(v(3, 5, 1).beats(&v(2, 5, 1)));
    }

    #[test]
    fn two_fresh_servers_agree_on_the_higher_myid() {
        let mut clock = 1;
        let mut e1 = Election::new(1, v(1, 0, 0));
        let r = e1.on_notification(1, &mut clock, &n(2, v(2, 0, 0), 1, PeerState::Looking), 2);
        assert!(r.broadcast && r.start_finalize);
        assert_eq!(e1.on_finalize(2), Some(v(2, 0, 0)));
    }

    #[test]
    fn a_latecomer_joins_the_established_leader() {
        let mut clock = 1;
        let mut e3 = Election::new(3, v(3, 0, 0));
        let lead = v(2, 0, 0);
        let r = e3.on_notification(3, &mut clock, &n(1, lead, 1, PeerState::Following), 2);
        assert_eq!(r.decide, None);
        let r = e3.on_notification(3, &mut clock, &n(2, lead, 1, PeerState::Leading), 2);
        assert_eq!(r.decide, Some(lead));
    }
}
