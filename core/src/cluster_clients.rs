//! Starting and driving producer and consumer processes on the cluster, for the console
//! tools, the seed's Python scripts and the page's panels.

use crate::broker::admin::Dialable;
use crate::broker::log::NewRecord;
use crate::broker::messages::KafkaMessage;
use crate::client::consumer::{Assignment, ClientNote, ConsumedRecord, Consumer, OffsetReset};
use crate::client::membership::Membership;
use crate::client::probe::Probe;
use crate::client::producer::{Producer, ProducerConfig, SendResult};
use crate::cluster::Cluster;
use crate::sim::node::{HostId, Process};
use crate::sim::RunState;
use crate::zookeeper::wall_clock_ms;

/// `No resolvable bootstrap urls given in bootstrap.servers` (the client cannot be built).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnresolvableBootstrap;

impl Cluster {
    /// The dialable bootstrap entries of a server list; unresolvable names are an error,
    /// addresses where nothing listens are dropped (connections would be refused).
    fn bootstrap(
        &self,
        servers: &[String],
        inside: Option<&str>,
    ) -> Result<Vec<Dialable>, UnresolvableBootstrap> {
        let mut out = Vec::new();
        for s in servers {
            match self.resolve_bootstrap(s, inside) {
                Ok(Some(d)) => out.push(d),
                Ok(None) => {}
                Err(_) => return Err(UnresolvableBootstrap),
            }
        }
        Ok(out)
    }

    fn spawn_client(&mut self, prefix: &str, process: Process, inside: Option<&str>) -> HostId {
        self.clients_opened += 1;
        let name = format!("{prefix}-{}", self.clients_opened);
        let h = self.sim.add_host(&name, Some(process));
        if let Some(parent) = inside.and_then(|p| self.host_id(p)) {
            self.sim.net.attach(h, parent);
        }
        self.sim.start_at(h, self.sim.now());
        // Let it start (its start is due at this instant).
        while self.sim.host(h).state == RunState::Starting {
            if !self.sim.step() {
                break;
            }
        }
        h
    }

    /// Starts a producer process named `PREFIX-N`.
    pub fn start_producer(
        &mut self,
        prefix: &str,
        servers: &[String],
        config: ProducerConfig,
        inside: Option<&str>,
    ) -> Result<HostId, UnresolvableBootstrap> {
        let bootstrap = self.bootstrap(servers, inside)?;
        let p = Producer::new(bootstrap, self.dial_book(), config);
        Ok(self.spawn_client(prefix, Process::Producer(Box::new(p)), inside))
    }

    /// `producer.send()`: returns the record's id, or None if the process is not running.
    pub fn produce(
        &mut self,
        h: HostId,
        topic: &str,
        partition: Option<i32>,
        key: Option<String>,
        value: Option<String>,
    ) -> Option<u64> {
        let timestamp = wall_clock_ms(self.sim.now()) as i64;
        let record = NewRecord {
            key,
            value,
            headers: Vec::new(),
            timestamp,
        };
        self.sim.call(h, |p, ctx| {
            p.as_producer_mut()
                .map(|pr| pr.send(topic, partition, record, ctx))
        })?
    }

    /// `flush()`: sends what lingers and runs until every record is answered (or `max_ms`).
    pub fn flush_producer(&mut self, h: HostId, max_ms: u64) {
        self.sim.call(h, |p, ctx| {
            if let Some(pr) = p.as_producer_mut() {
                pr.flush(ctx)
            }
        });
        let deadline = self.sim.now() + max_ms;
        while self.producer_outstanding(h) > 0 {
            match self.sim.next_time() {
                Some(t) if t <= deadline => {
                    self.sim.step();
                }
                _ => break,
            }
        }
    }

    pub fn producer_outstanding(&self, h: HostId) -> usize {
        self.sim
            .host(h)
            .process
            .as_ref()
            .and_then(|p| p.as_producer())
            .map_or(0, |p| p.outstanding())
    }

    /// The outcomes of sends since the last call, in completion order.
    pub fn take_producer_results(&mut self, h: HostId) -> Vec<(u64, SendResult)> {
        self.sim
            .host_mut(h)
            .process
            .as_mut()
            .and_then(|p| p.as_producer_mut())
            .map(|p| std::mem::take(&mut p.results))
            .unwrap_or_default()
    }

    /// Starts a consumer process named `PREFIX-N`.
    pub fn start_consumer(
        &mut self,
        prefix: &str,
        servers: &[String],
        assignment: Assignment,
        reset: OffsetReset,
        inside: Option<&str>,
    ) -> Result<HostId, UnresolvableBootstrap> {
        let bootstrap = self.bootstrap(servers, inside)?;
        let c = Consumer::new(bootstrap, self.dial_book(), assignment, reset);
        Ok(self.spawn_client(prefix, Process::Consumer(Box::new(c)), inside))
    }

    /// Records the consumer received since the last call.
    pub fn take_consumed(&mut self, h: HostId) -> Vec<ConsumedRecord> {
        self.sim
            .host_mut(h)
            .process
            .as_mut()
            .and_then(|p| p.as_consumer_mut())
            .map(|c| std::mem::take(&mut c.records))
            .unwrap_or_default()
    }

    /// What the consumer logged or threw since the last call.
    pub fn take_consumer_notes(&mut self, h: HostId) -> Vec<ClientNote> {
        self.sim
            .host_mut(h)
            .process
            .as_mut()
            .and_then(|p| p.as_consumer_mut())
            .map(|c| std::mem::take(&mut c.notes))
            .unwrap_or_default()
    }

    /// Runs the simulation until `done` holds or `max_ms` passes; returns whether it held.
    pub fn run_until_or(
        &mut self,
        max_ms: u64,
        mut done: impl FnMut(&mut Cluster) -> bool,
    ) -> bool {
        let deadline = self.sim.now() + max_ms;
        loop {
            if done(self) {
                return true;
            }
            match self.sim.next_time() {
                Some(t) if t <= deadline => {
                    self.sim.step();
                }
                _ => {
                    self.sim.run_until(deadline);
                    return done(self);
                }
            }
        }
    }

    /// Ends a client process (its connections close). A group member first commits (waiting
    /// for the answer) and then leaves its group, as `consumer.close()` does.
    pub fn stop_client(&mut self, h: HostId) {
        let closing = self
            .sim
            .call(h, |p, ctx| {
                p.as_consumer_mut().map(|c| {
                    c.close(ctx);
                    c.group.is_some()
                })
            })
            .flatten()
            .unwrap_or(false);
        if closing {
            self.run_until_or(5_000, |c| {
                c.sim
                    .host(h)
                    .process
                    .as_ref()
                    .and_then(|p| p.as_consumer())
                    .is_none_or(|c| c.closed())
            });
        }
        self.sim.retire(h);
    }

    /// Sends one request from a short-lived client to `target` and waits (at most
    /// `timeout_ms`) for its answer; `None` on timeout, `Some(Err)` when refused.
    pub fn request(
        &mut self,
        target: HostId,
        msg: KafkaMessage,
        inside: Option<&str>,
        timeout_ms: u64,
    ) -> Option<Result<KafkaMessage, String>> {
        let probe = Probe::new(target, msg);
        let h = self.spawn_client("adminclient", Process::Probe(Box::new(probe)), inside);
        let answered = |c: &mut Cluster| {
            c.sim
                .host(h)
                .process
                .as_ref()
                .and_then(|p| p.as_probe())
                .is_some_and(|p| p.response.is_some())
        };
        self.run_until_or(timeout_ms, answered);
        let r = self
            .sim
            .host(h)
            .process
            .as_ref()
            .and_then(|p| p.as_probe())
            .and_then(|p| p.response.clone());
        self.sim.retire(h);
        r
    }

    /// A consumer started for a group (`--group`).
    pub fn start_group_consumer(
        &mut self,
        prefix: &str,
        servers: &[String],
        topic: &str,
        reset: OffsetReset,
        membership: Membership,
        inside: Option<&str>,
    ) -> Result<HostId, UnresolvableBootstrap> {
        let bootstrap = self.bootstrap(servers, inside)?;
        let c = Consumer::new(
            bootstrap,
            self.dial_book(),
            Assignment::Topic(topic.to_string()),
            reset,
        )
        .with_group(membership);
        Ok(self.spawn_client(prefix, Process::Consumer(Box::new(c)), inside))
    }
}
