//! The broker's data path: Produce (acks 0/1/all, `min.insync.replicas`), Fetch from
//! consumers and followers (long-polling in a purgatory until data or `max_wait_ms`),
//! ListOffsets, and the follower's fetcher that keeps one fetch in flight per leader.

use super::{Broker, BrokerTimer};
use crate::broker::controller::PartitionKey;
use crate::broker::messages::{
    BrokerId, FetchPartition, FetchedPartition, KafkaMessage, NewRecord, EARLIEST_TIMESTAMP,
    LATEST_TIMESTAMP,
};
use crate::broker::replica::MAX_FETCH_RECORDS;
use crate::sim::event::EventKind;
use crate::sim::node::{Ctx, HostId, Message, Timer};

/// `replica.fetch.wait.max.ms`.
pub const REPLICA_FETCH_WAIT_MS: u64 = 500;
/// A follower re-sends a fetch that got no answer after this long (the leader died).
const FETCH_RESEND_MS: u64 = 2_000;

/// (first, last) offsets written, or the error already decided.
type Appended = Result<(i64, i64), String>;

/// A fetch waiting for data (DelayedFetch).
#[derive(Clone, Debug)]
pub(super) struct ParkedFetch {
    from: HostId,
    corr: u32,
    replica_id: BrokerId,
    partitions: Vec<FetchPartition>,
}

/// An acks=all produce waiting for the HW (DelayedProduce).
#[derive(Clone, Debug)]
pub(super) struct DelayedProduce {
    from: HostId,
    corr: u32,
    parts: Vec<(PartitionKey, Appended)>,
}

impl Broker {
    /// `min.insync.replicas` of a topic: its own config, else the broker's.
    pub(super) fn min_isr(&self, topic: &str) -> usize {
        self.topic_configs
            .get(topic)
            .and_then(|c| c.get("min.insync.replicas"))
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(self.setup.settings.min_insync_replicas.max(1) as usize)
    }

    pub(super) fn on_produce(
        &mut self,
        from: HostId,
        corr: u32,
        acks: i16,
        timeout_ms: u64,
        partitions: Vec<(String, i32, Vec<NewRecord>)>,
        ctx: &mut Ctx,
    ) {
        let me = self.id();
        let mut parts = Vec::new();
        for (topic, partition, records) in partitions {
            let key = (topic, partition);
            let min_isr = self.min_isr(&key.0);
            let n = records.len();
            let r = self
                .replicas
                .append(me, &key, acks, min_isr, records)
                .map_err(|e| e.name().to_string());
            match &r {
                Ok((base, _)) => {
                    let (t, p, base) = (key.0.clone(), key.1, *base);
                    ctx.emit(|| EventKind::RecordsAppended {
                        topic: t,
                        partition: p,
                        base_offset: base,
                        count: n,
                        acks,
                    });
                }
                Err(e) => {
                    let (t, p, e, isr) = (key.0.clone(), key.1, e.clone(), self.isr_len(&key));
                    ctx.emit(|| EventKind::ProduceRejected {
                        topic: t,
                        partition: p,
                        error: e,
                        isr,
                        min_isr,
                    });
                }
            }
            parts.push((key, r));
        }
        self.complete_fetches(ctx);
        match acks {
            0 => {}
            -1 if parts.iter().any(|p| p.1.is_ok()) => {
                let id = self.next_delayed;
                self.next_delayed += 1;
                self.delayed_produces
                    .insert(id, DelayedProduce { from, corr, parts });
                ctx.set_timer(
                    timeout_ms.max(1),
                    Timer::Broker(BrokerTimer::ProduceTimeout { id }),
                );
                self.complete_produces(ctx);
            }
            _ => {
                let partitions = parts
                    .into_iter()
                    .map(|(k, r)| (k.0, k.1, r.map(|o| o.0)))
                    .collect();
                let m = KafkaMessage::ProduceResponse { corr, partitions };
                ctx.send(from, Message::Kafka(m));
            }
        }
    }

    fn isr_len(&self, key: &PartitionKey) -> usize {
        self.replicas.parts.get(key).map_or(0, |r| r.isr.len())
    }

    /// Answers the acks=all produces whose records the HW has passed, or that can no longer
    /// succeed.
    pub(super) fn complete_produces(&mut self, ctx: &mut Ctx) {
        let ids: Vec<u64> = self.delayed_produces.keys().copied().collect();
        for id in ids {
            self.finish_produce(id, false, ctx);
        }
        // The coordinator's own acks=all writes (offset commits, group metadata).
        self.complete_group_appends(ctx);
    }

    /// Answers one delayed produce if it is done; `timed_out` answers it anyway, with
    /// REQUEST_TIMED_OUT for the partitions still waiting.
    fn finish_produce(&mut self, id: u64, timed_out: bool, ctx: &mut Ctx) {
        let me = self.id();
        let Some(d) = self.delayed_produces.get(&id) else {
            return;
        };
        let mut out = Vec::new();
        let mut waiting = false;
        for (key, r) in &d.parts {
            let res = match r {
                Err(e) => Err(e.clone()),
                Ok((base, last)) => {
                    let min_isr = self.min_isr(&key.0);
                    match self.replicas.produce_done(me, key, *last, min_isr) {
                        Some(Ok(())) => Ok(*base),
                        Some(Err(e)) => Err(e),
                        None if timed_out => Err("REQUEST_TIMED_OUT".into()),
                        None => {
                            waiting = true;
                            Ok(*base)
                        }
                    }
                }
            };
            out.push((key.0.clone(), key.1, res));
        }
        if !waiting {
            let d = self.delayed_produces.remove(&id).expect("present");
            let m = KafkaMessage::ProduceResponse {
                corr: d.corr,
                partitions: out,
            };
            ctx.send(d.from, Message::Kafka(m));
        }
    }

    pub(super) fn on_produce_timeout(&mut self, id: u64, ctx: &mut Ctx) {
        self.finish_produce(id, true, ctx);
    }

    /// One partition of a fetch as the leader answers it now.
    fn read_partition(
        &mut self,
        replica_id: BrokerId,
        fp: &FetchPartition,
        ctx: &mut Ctx,
    ) -> FetchedPartition {
        let me = self.id();
        if replica_id >= 0 {
            let (resp, hw_moved) = self.replicas.on_follower_fetch(me, replica_id, fp, ctx.now);
            if hw_moved {
                self.hw_moved = true;
            }
            return resp;
        }
        let key = (fp.topic.clone(), fp.partition);
        let mut resp = FetchedPartition {
            topic: fp.topic.clone(),
            partition: fp.partition,
            error: None,
            high_watermark: 0,
            log_start_offset: 0,
            diverging_epoch: None,
            records: Vec::new(),
        };
        let leader = self.replicas.parts.get(&key).filter(|r| r.leader == me);
        let error = match leader {
            None if !self.cache.contains_topic(&fp.topic) => Some("UNKNOWN_TOPIC_OR_PARTITION"),
            None => Some("NOT_LEADER_OR_FOLLOWER"),
            Some(r) if fp.current_leader_epoch >= 0 && fp.current_leader_epoch < r.leader_epoch => {
                Some("FENCED_LEADER_EPOCH")
            }
            Some(r) if fp.current_leader_epoch > r.leader_epoch => Some("UNKNOWN_LEADER_EPOCH"),
            Some(_) => None,
        };
        if let Some(e) = error {
            resp.error = Some(e.into());
            return resp;
        }
        let Some(log) = self.replicas.log(&key) else {
            return resp;
        };
        resp.high_watermark = log.high_watermark();
        resp.log_start_offset = log.log_start_offset();
        if fp.fetch_offset < log.log_start_offset() || fp.fetch_offset > log.log_end_offset() {
            resp.error = Some("OFFSET_OUT_OF_RANGE".into());
            return resp;
        }
        resp.records = log.read(fp.fetch_offset, log.high_watermark(), MAX_FETCH_RECORDS);
        resp
    }

    /// Answers a fetch now if it has something to return, else parks it until data arrives
    /// or `max_wait_ms` passes. Returns whether it was answered.
    fn try_fetch(&mut self, pf: &ParkedFetch, force: bool, ctx: &mut Ctx) -> bool {
        let parts: Vec<FetchedPartition> = pf
            .partitions
            .iter()
            .map(|fp| self.read_partition(pf.replica_id, fp, ctx))
            .collect();
        let ready = parts
            .iter()
            .any(|p| !p.records.is_empty() || p.error.is_some() || p.diverging_epoch.is_some());
        if ready || force {
            let m = KafkaMessage::FetchResponse {
                corr: pf.corr,
                partitions: parts,
            };
            ctx.send(pf.from, Message::Kafka(m));
        }
        ready || force
    }

    pub(super) fn on_fetch(
        &mut self,
        from: HostId,
        corr: u32,
        replica_id: BrokerId,
        max_wait_ms: u64,
        partitions: Vec<FetchPartition>,
        ctx: &mut Ctx,
    ) {
        let pf = ParkedFetch {
            from,
            corr,
            replica_id,
            partitions,
        };
        let answered = self.try_fetch(&pf, max_wait_ms == 0, ctx);
        if !answered {
            let id = self.next_delayed;
            self.next_delayed += 1;
            self.parked_fetches.insert(id, pf);
            ctx.set_timer(max_wait_ms, Timer::Broker(BrokerTimer::FetchWait { id }));
        }
        self.after_data_change(ctx);
    }

    pub(super) fn on_fetch_wait(&mut self, id: u64, ctx: &mut Ctx) {
        if let Some(pf) = self.parked_fetches.remove(&id) {
            self.try_fetch(&pf, true, ctx);
            self.after_data_change(ctx);
        }
    }

    /// Completes parked fetches that now have data.
    pub(super) fn complete_fetches(&mut self, ctx: &mut Ctx) {
        let ids: Vec<u64> = self.parked_fetches.keys().copied().collect();
        for id in ids {
            let pf = self.parked_fetches[&id].clone();
            if self.try_fetch(&pf, false, ctx) {
                self.parked_fetches.remove(&id);
            }
        }
    }

    /// After a fetch or ISR change: a moved HW may release produces and consumer fetches.
    pub(super) fn after_data_change(&mut self, ctx: &mut Ctx) {
        self.send_alter_isrs(ctx);
        if std::mem::take(&mut self.hw_moved) {
            self.complete_produces(ctx);
            self.complete_fetches(ctx);
        }
    }

    pub(super) fn on_list_offsets(
        &mut self,
        from: HostId,
        corr: u32,
        partitions: Vec<(String, i32, i64)>,
        ctx: &mut Ctx,
    ) {
        let me = self.id();
        let out = partitions
            .into_iter()
            .map(|(t, p, ts)| {
                let key = (t.clone(), p);
                let led = self
                    .replicas
                    .parts
                    .get(&key)
                    .is_some_and(|r| r.leader == me);
                let r = match self.replicas.log(&key) {
                    _ if !led => Err(if self.cache.contains_topic(&t) {
                        "NOT_LEADER_OR_FOLLOWER".to_string()
                    } else {
                        "UNKNOWN_TOPIC_OR_PARTITION".to_string()
                    }),
                    // By timestamp: the first record at or after it below the HW, else -1
                    // (UNKNOWN_OFFSET: no such record).
                    None if ts >= 0 => Ok(-1),
                    None => Ok(0),
                    Some(l) if ts == EARLIEST_TIMESTAMP => Ok(l.log_start_offset()),
                    Some(l) if ts == LATEST_TIMESTAMP => Ok(l.high_watermark()),
                    Some(l) => Ok(l
                        .records()
                        .find(|r| r.timestamp >= ts && r.offset < l.high_watermark())
                        .map_or(-1, |r| r.offset)),
                };
                (t, p, r)
            })
            .collect();
        let m = KafkaMessage::ListOffsetsResponse {
            corr,
            partitions: out,
        };
        ctx.send(from, Message::Kafka(m));
    }

    // ---------- the follower's fetcher ----------

    /// Sends a fetch to every leader this broker follows that has none in flight.
    pub(super) fn run_fetchers(&mut self, ctx: &mut Ctx) {
        let me = self.id();
        for (leader, parts) in self.replicas.fetch_targets(me) {
            let stale = self
                .fetcher
                .get(&leader)
                .is_none_or(|&(_, sent)| ctx.now.saturating_sub(sent) >= FETCH_RESEND_MS);
            if !stale {
                continue;
            }
            self.next_corr = self.next_corr.wrapping_add(1);
            let corr = self.next_corr;
            self.fetcher.insert(leader, (corr, ctx.now));
            let m = KafkaMessage::Fetch {
                corr,
                replica_id: me,
                max_wait_ms: REPLICA_FETCH_WAIT_MS,
                partitions: parts,
            };
            self.send_kafka(ctx, leader, m);
        }
    }

    pub(super) fn on_fetch_response(
        &mut self,
        corr: u32,
        partitions: Vec<FetchedPartition>,
        ctx: &mut Ctx,
    ) {
        let Some(leader) = self
            .fetcher
            .iter()
            .find(|(_, &(c, _))| c == corr)
            .map(|(&l, _)| l)
        else {
            return;
        };
        self.fetcher.remove(&leader);
        let me = self.id();
        for p in &partitions {
            let lost = self.replicas.on_fetch_response(leader, p);
            if lost > 0 {
                let (topic, partition) = (p.topic.clone(), p.partition);
                let to = self
                    .replicas
                    .log(&(topic.clone(), partition))
                    .map_or(0, |l| l.log_end_offset());
                ctx.emit(|| EventKind::LogTruncated {
                    id: me,
                    topic,
                    partition,
                    offset: to,
                    removed: lost,
                });
            }
        }
        self.run_fetchers(ctx);
    }
}
