//! Drives the core's `Cluster` in step with the page's clock: play, pause, single step, speed,
//! restart with a seed. Work per animation frame is bounded so the page never blocks.

use crate::flow_history::FlowHistory;
use crate::isr_history::{IsrHistory, Sample};
use crate::panel_clients::{PanelAction, PanelClients};
use crate::terminals::{TermAction, Terminals};
use kafka_playground_core::cli::{run_script, CommandOutput, ScriptOutput};
use kafka_playground_core::compose::parse_compose;
use kafka_playground_core::notebook::run::cell_output;
use kafka_playground_core::notebook::Cell;
use kafka_playground_core::ordered::OrdMap as BTreeMap;
use kafka_playground_core::{Cluster, ClusterConfig};

/// Speeds offered by the time controls (virtual ms per real ms).
pub const SPEEDS: [f64; 8] = [0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 20.0, 100.0];

/// At most this many simulated events per frame; the rest waits for the next frame.
pub const EVENTS_PER_FRAME: usize = 5_000;

/// Virtual time a chapter's cluster gets to boot (the notebook runner's value).
const BOOT_MS: u64 = 60_000;

/// Longest real interval one frame may account for (a background tab comes back gently).
const MAX_FRAME_MS: f64 = 100.0;

/// A fast-forward spreads over at least this many frames, so its progress is seen.
const FAST_FORWARD_MIN_FRAMES: u64 = 20;

/// Events between two looks at the frame's deadline.
const DEADLINE_CHECK_EVERY: usize = 64;

/// A fast-forward under way: virtual time runs from `from_ms` to `to_ms` as fast as the frame
/// budget allows, in slices, so the page keeps drawing and the user can cancel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FastForward {
    pub from_ms: u64,
    pub to_ms: u64,
}

pub struct Driver {
    cluster: Cluster,
    pub running: bool,
    pub speed: f64,
    /// Virtual time the clock should have reached; may run ahead of the cluster when a
    /// frame's event budget ran out (the cluster then catches up over the next frames).
    target_ms: f64,
    /// Every command run since the last restart, with the virtual time it started at: with the
    /// seed, enough to rebuild this exact cluster (share links).
    journal: Vec<(u64, String)>,
    /// Whether the cluster was booted before the first command (chapters) or started at t=0.
    booted: bool,
    /// The cluster's definition, and the compose text it came from when not the tutorial's.
    config: ClusterConfig,
    compose: Option<String>,
    fast_forward: Option<FastForward>,
    /// ISR size over time, sampled per virtual second as events run.
    isr_history: IsrHistory,
    /// Produce and consume rates and group lags, sampled with the ISR.
    flow_history: FlowHistory,
    /// The producers and consumers the panels started.
    clients: PanelClients,
    /// The page's terminals, their shells and screens.
    terminals: Terminals,
}

/// A compose file that cannot become a cluster: the line and what is wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposeProblem {
    pub line: usize,
    pub message: String,
}

/// Parses a compose file into a cluster definition and its warnings.
pub fn compose_config(text: &str) -> Result<(ClusterConfig, Vec<String>), ComposeProblem> {
    let parsed = parse_compose(text, &BTreeMap::new()).map_err(|e| ComposeProblem {
        line: e.line,
        message: e.to_string(),
    })?;
    if parsed.config.zookeepers.is_empty() {
        return Err(ComposeProblem {
            line: 1,
            message: "the file defines no ZooKeeper server".into(),
        });
    }
    Ok((
        parsed.config,
        parsed.warnings.iter().map(ToString::to_string).collect(),
    ))
}

impl Driver {
    pub fn new(seed: u64) -> Self {
        Driver {
            cluster: Cluster::seed_cluster(seed),
            running: true,
            speed: 1.0,
            target_ms: 0.0,
            journal: Vec::new(),
            booted: false,
            config: ClusterConfig::seed(),
            compose: None,
            fast_forward: None,
            isr_history: IsrHistory::default(),
            flow_history: FlowHistory::default(),
            clients: PanelClients::default(),
            terminals: Terminals::default(),
        }
    }

    /// The compose text of the running cluster, when it is not the tutorial's.
    pub fn compose(&self) -> Option<&str> {
        self.compose.as_deref()
    }

    /// Replaces the cluster with one built from a compose file (restarted with the same seed).
    /// A bad file changes nothing and says which line is wrong.
    pub fn apply_compose(&mut self, text: &str) -> Result<Vec<String>, ComposeProblem> {
        let (config, warnings) = compose_config(text)?;
        self.config = config;
        self.compose = Some(text.to_string());
        let seed = self.cluster.seed();
        self.restart(seed);
        Ok(warnings)
    }

    /// Back to the tutorial's cluster.
    pub fn reset_compose(&mut self) {
        self.config = ClusterConfig::seed();
        self.compose = None;
        let seed = self.cluster.seed();
        self.restart(seed);
    }

    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    pub fn cluster_mut(&mut self) -> &mut Cluster {
        &mut self.cluster
    }

    /// A fresh cluster from `seed`: the same seed gives the same run again.
    pub fn restart(&mut self, seed: u64) {
        self.cluster = Cluster::new(self.config.clone(), seed);
        self.target_ms = 0.0;
        self.journal.clear();
        self.booted = false;
        self.fast_forward = None;
        self.isr_history.clear();
        self.flow_history.clear();
        self.clients = PanelClients::default();
        // The programs ran on the old cluster; the screens stay, marked.
        self.terminals.reset_sessions(seed);
    }

    /// The panels' producers and consumers and what they show.
    pub fn clients(&self) -> &PanelClients {
        &self.clients
    }

    /// Runs a panel action (a send, the automatic producer, a consumer started or stopped),
    /// journaled so share links replay it. Returns false when it could not be done.
    pub fn panel(&mut self, action: &PanelAction) -> bool {
        self.journal
            .push((self.cluster.now_ms(), action.journal_line()));
        let done = self.clients.apply(&mut self.cluster, action);
        self.clients.poll(&mut self.cluster);
        done
    }

    /// Takes the panels' processes' results and records (every frame).
    pub fn poll_clients(&mut self) {
        self.clients.poll(&mut self.cluster);
    }

    /// The terminals, their screens and what runs in them.
    pub fn terminals(&self) -> &Terminals {
        &self.terminals
    }

    /// Runs a terminal action (a command, a line typed to a program, Ctrl-C, Ctrl-D, a
    /// terminal opened or closed), journaled so share links replay it. Returns false when it
    /// could not be done (then it is not journaled).
    pub fn terminal(&mut self, action: &TermAction) -> bool {
        let at = self.cluster.now_ms();
        let done = self.terminals.apply(&mut self.cluster, action);
        if done {
            self.journal.push((at, action.journal_line()));
        }
        self.sync_target();
        done
    }

    /// Moves the terminals' programs' output onto their screens (every frame); a program that
    /// ended by itself is journaled as ending now.
    fn poll_terminals(&mut self) {
        for end in self.terminals.poll(&mut self.cluster, true) {
            self.terminal(&end);
        }
    }

    pub fn journal(&self) -> &[(u64, String)] {
        &self.journal
    }

    pub fn booted(&self) -> bool {
        self.booted
    }

    /// Runs one terminal line (or a pasted here-document), journaled.
    pub fn run_command(&mut self, line: &str) -> CommandOutput {
        self.journal.push((self.cluster.now_ms(), line.to_string()));
        let out = self.cluster.run_command(line, None);
        self.sync_target();
        out
    }

    /// Runs a notebook cell, journaled; returns what it printed and its exit status.
    pub fn run_cell(&mut self, cell: &Cell) -> (String, i32) {
        self.journal
            .push((self.cluster.now_ms(), cell.source.clone()));
        let out = cell_output(&mut self.cluster, cell);
        self.sync_target();
        out
    }

    /// Rebuilds a shared situation: the same seed and boot, each script at its time, then the
    /// clock where the sharer left it.
    pub fn replay(&mut self, seed: u64, booted: bool, journal: &[(u64, String)], now_ms: u64) {
        self.terminals = Terminals::default();
        if booted {
            self.restart_booted(seed);
        } else {
            self.restart(seed);
        }
        for (at, script) in journal {
            if *at > self.cluster.now_ms() {
                self.advance(*at, usize::MAX, &mut || true);
            }
            // What the programs printed until now goes on the screens; a program ends only
            // where the journal says it did.
            self.terminals.poll(&mut self.cluster, false);
            if let Some(action) = PanelAction::from_journal(script) {
                self.panel(&action);
            } else if let Some(action) = TermAction::from_journal(script) {
                if !self.terminal(&action) {
                    // Keep the journal as it came, even where this replay refused the action.
                    self.journal.push((self.cluster.now_ms(), script.clone()));
                }
            } else {
                self.journal.push((self.cluster.now_ms(), script.clone()));
                let _: ScriptOutput = run_script(&mut self.cluster, script, false);
            }
        }
        if now_ms > self.cluster.now_ms() {
            self.advance(now_ms, usize::MAX, &mut || true);
        }
        self.poll_clients();
        self.terminals.poll(&mut self.cluster, false);
        self.sync_target();
    }

    /// A fresh cluster from `seed`, already booted (every ZooKeeper serving, every broker registered), as the headless
    /// notebook runner starts a chapter: the same cells then print the same output.
    pub fn restart_booted(&mut self, seed: u64) {
        self.restart(seed);
        self.cluster.wait_until_ready(BOOT_MS);
        self.cluster.wait_until_brokers_ready(BOOT_MS);
        self.booted = true;
        self.sync_target();
    }

    /// Advances virtual time for `real_ms` of wall-clock time at the current speed.
    /// Returns true when the cluster reached the target within the event budget.
    pub fn frame(&mut self, real_ms: f64) -> bool {
        self.frame_within(real_ms, &mut || true)
    }

    /// As [`Driver::frame`], also stopping early once `in_budget` says the frame's real time is
    /// used up (asked every few dozen events), so a heavy frame never blocks the page.
    /// A fast-forward under way takes the frame instead of the clock.
    pub fn frame_within(&mut self, real_ms: f64, in_budget: &mut dyn FnMut() -> bool) -> bool {
        if let Some(ff) = self.fast_forward {
            let slice = (ff.to_ms - ff.from_ms)
                .div_ceil(FAST_FORWARD_MIN_FRAMES)
                .max(1);
            let limit = ff.to_ms.min(self.cluster.now_ms() + slice);
            let reached = self.advance(limit, EVENTS_PER_FRAME, in_budget);
            if reached && limit == ff.to_ms {
                self.fast_forward = None;
            }
            self.poll_clients();
            self.poll_terminals();
            return reached;
        }
        if self.running {
            self.target_ms += real_ms.clamp(0.0, MAX_FRAME_MS) * self.speed;
        }
        let reached = self.advance(self.target_ms as u64, EVENTS_PER_FRAME, in_budget);
        self.poll_clients();
        self.poll_terminals();
        reached
    }

    /// Starts a fast-forward of `ms` of virtual time from the time shown, or lengthens the one
    /// under way.
    pub fn fast_forward(&mut self, ms: u64) {
        let now = self.cluster.now_ms();
        let ff = self.fast_forward.get_or_insert(FastForward {
            from_ms: now,
            to_ms: now,
        });
        ff.to_ms += ms;
        self.target_ms = self.target_ms.max(ff.to_ms as f64);
    }

    /// Stops a fast-forward where it got to; the clock goes on from there.
    pub fn cancel_fast_forward(&mut self) {
        if self.fast_forward.take().is_some() {
            self.target_ms = self.cluster.now_ms() as f64;
        }
    }

    /// The fast-forward under way: (virtual ms done, virtual ms in all).
    pub fn fast_forward_progress(&self) -> Option<(u64, u64)> {
        self.fast_forward.map(|ff| {
            (
                self.cluster.now_ms().saturating_sub(ff.from_ms),
                ff.to_ms - ff.from_ms,
            )
        })
    }

    /// The ISR samples taken so far (oldest first, at most the last few minutes).
    pub fn isr_history(&self) -> &IsrHistory {
        &self.isr_history
    }

    /// The rate and lag samples taken so far (oldest first, the same instants as the ISR's).
    pub fn flow_history(&self) -> &FlowHistory {
        &self.flow_history
    }

    /// Runs the next event only (the "step" button), pausing the clock.
    pub fn single_step(&mut self) {
        self.running = false;
        self.cancel_fast_forward();
        let next = self.cluster.simulator().next_time();
        match self.clients.next_auto_send() {
            // The automatic producer's send is due before the next event: that is the step.
            Some(d) if next.is_none_or(|t| d < t) => self.auto_send_at(d),
            _ => {
                if let Some(t) = next {
                    self.sample_before(t);
                }
                self.cluster.step();
            }
        }
        self.poll_clients();
        self.poll_terminals();
        self.target_ms = self.cluster.now_ms() as f64;
    }

    /// Samples the ISR history at every sample time before `t` (the cluster's state does not
    /// change until its next event at `t`).
    fn sample_before(&mut self, t: u64) {
        while let Some(at) = self.isr_history.due(self.cluster.now_ms(), t) {
            let topics = self.cluster.topics();
            self.isr_history.record(Sample::of(at, &topics));
            let groups = self.cluster.consumer_groups_in(&topics);
            let delivered = self.cluster.delivered_counts();
            self.flow_history.record(at, &topics, &delivered, &groups);
        }
    }

    /// Processes events up to virtual time `limit`, at most `budget` of them and only while
    /// `in_budget` holds. Returns true when the cluster reached `limit`.
    fn advance(&mut self, limit: u64, budget: usize, in_budget: &mut dyn FnMut() -> bool) -> bool {
        for i in 0..budget {
            if i % DEADLINE_CHECK_EVERY == DEADLINE_CHECK_EVERY - 1 && !in_budget() {
                return false;
            }
            let next = self.cluster.simulator().next_time();
            match self.clients.next_auto_send() {
                // A send of the automatic producer goes before the first event after its time.
                Some(d) if d <= limit && next.is_none_or(|t| d < t) => {
                    self.auto_send_at(d);
                    continue;
                }
                _ => {}
            }
            match next {
                Some(t) if t <= limit => {
                    self.sample_before(t);
                    self.cluster.step();
                }
                _ => {
                    self.sample_before(limit.saturating_add(1));
                    if self.cluster.now_ms() < limit {
                        self.cluster.run_until(limit);
                    }
                    return true;
                }
            }
        }
        false
    }

    /// Moves the clock to `due` (no event lies before it) and sends the automatic producer's
    /// next record.
    fn auto_send_at(&mut self, due: u64) {
        if due > self.cluster.now_ms() {
            self.sample_before(due);
            self.cluster.run_until(due);
        }
        self.clients.auto_send(&mut self.cluster);
    }

    /// Commands run in virtual time (a `sleep 20` moves the clock): keep the target in step.
    pub fn sync_target(&mut self) {
        self.target_ms = self.target_ms.max(self.cluster.now_ms() as f64);
    }
}

/// What a page control shows of the command it ran: everything printed on success, else the
/// error's first line (a tool's summary; the log lines under it are for terminals).
pub fn said(out: &CommandOutput) -> Result<String, String> {
    if out.ok() {
        return Ok(out.stdout.trim_end().to_string());
    }
    let text = if out.stdout.is_empty() {
        &out.stderr
    } else {
        &out.stdout
    };
    Err(text.lines().next().unwrap_or_default().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_advance_virtual_time_by_speed() {
        let mut d = Driver::new(3);
        d.speed = 2.0;
        for _ in 0..10 {
            assert!(d.frame(50.0));
        }
        assert_eq!(d.cluster().now_ms(), 1000);
    }

    #[test]
    fn paused_clock_does_not_move_and_step_runs_one_event() {
        let mut d = Driver::new(3);
        d.running = false;
        d.frame(50.0);
        assert_eq!(d.cluster().now_ms(), 0);
        let before = d.cluster().simulator().processed();
        d.single_step();
        assert_eq!(d.cluster().simulator().processed(), before + 1);
        assert!(!d.running);
    }

    #[test]
    fn replaying_the_journal_rebuilds_the_same_cluster() {
        let mut d = Driver::new(9);
        d.restart_booted(9);
        for _ in 0..10 {
            d.frame(100.0);
        }
        d.run_command("zookeeper-shell zookeeper1:2181 create /shared yes");
        for _ in 0..30 {
            d.frame(100.0);
        }
        d.run_command("docker compose kill zookeeper2");
        for _ in 0..20 {
            d.frame(100.0);
        }
        let (journal, now, hash) = (
            d.journal().to_vec(),
            d.cluster().now_ms(),
            d.cluster().event_log_hash(),
        );
        let mut other = Driver::new(1);
        other.replay(9, true, &journal, now);
        assert_eq!(other.cluster().now_ms(), now);
        assert_eq!(other.cluster().event_log_hash(), hash);
        assert_eq!(other.journal(), &journal[..]);
    }

    #[test]
    fn panel_clients_produce_consume_and_replay_the_same_run() {
        use crate::panel_clients::{PanelAction, Program};
        let mut d = Driver::new(7);
        d.restart_booted(7);
        d.run_command(
            "kafka-topics --create --topic test --bootstrap-server kafka1:19091 --partitions 3 --replication-factor 2",
        );
        for _ in 0..20 {
            d.frame(100.0);
        }
        assert!(d.panel(&PanelAction::StartConsumer {
            program: Program::Python,
            topic: String::new(),
            from_beginning: true,
            group: None,
        }));
        assert!(d.panel(&PanelAction::StartConsumer {
            program: Program::Console,
            topic: "test".into(),
            from_beginning: false,
            group: None,
        }));
        for _ in 0..30 {
            d.frame(100.0);
        }
        assert!(d.panel(&PanelAction::PythonSend {
            key: "k".into(),
            value: "<img src=x onerror=alert(1)>".into(),
        }));
        assert!(d.panel(&PanelAction::ConsoleSend {
            topic: "test".into(),
            key: Some("a".into()),
            value: "hello".into(),
            acks: -1,
        }));
        assert!(d.panel(&PanelAction::Auto {
            topic: "test".into(),
            rate: 10,
            producers: 1,
        }));
        for _ in 0..30 {
            d.frame(100.0);
        }
        assert!(d.panel(&PanelAction::Auto {
            topic: "test".into(),
            rate: 0,
            producers: 1,
        }));
        for _ in 0..30 {
            d.frame(100.0);
        }
        let sent: Vec<_> = d.clients().sent().cloned().collect();
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0].shown, "{'k': '<img src=x onerror=alert(1)>'}");
        assert!(matches!(sent[0].outcome, Some(Ok((_, 0)))), "{sent:?}");
        assert!(matches!(sent[1].outcome, Some(Ok(_))), "{sent:?}");
        let auto = d.clients().auto().unwrap().clone();
        assert!(auto.sent >= 29 && auto.sent <= 31, "{auto:?}");
        assert_eq!(auto.acked, auto.sent);
        let consumers = d.clients().consumers().to_vec();
        assert_eq!(consumers.len(), 2);
        assert_eq!(consumers[0].received, 2 + auto.sent);
        assert_eq!(consumers[1].received, 2 + auto.sent);
        assert_eq!(
            consumers[0].positions.values().sum::<i64>(),
            2 + auto.sent as i64
        );
        let id = consumers[1].id;
        assert!(d.panel(&PanelAction::StopConsumer { id }));
        assert_eq!(d.clients().consumers().len(), 1);
        d.frame(100.0);

        let (journal, now, hash) = (
            d.journal().to_vec(),
            d.cluster().now_ms(),
            d.cluster().event_log_hash(),
        );
        let mut other = Driver::new(1);
        other.replay(7, true, &journal, now);
        assert_eq!(other.cluster().event_log_hash(), hash);
        assert_eq!(other.journal(), &journal[..]);
        assert_eq!(other.clients().auto(), d.clients().auto());
        assert_eq!(other.clients().consumers().len(), 1);
        assert_eq!(
            other.clients().consumers()[0].received,
            d.clients().consumers()[0].received
        );
    }

    #[test]
    fn a_control_shows_all_a_success_prints_and_an_error_s_first_line() {
        let ok = CommandOutput::out("WARNING: …\nCreated topic a.b.\n");
        assert_eq!(said(&ok), Ok("WARNING: …\nCreated topic a.b.".to_string()));
        let mut failed =
            CommandOutput::out("Error while executing topic command : x\n[log] ERROR x\n");
        failed.exit_code = 1;
        assert_eq!(
            said(&failed),
            Err("Error while executing topic command : x".to_string())
        );
        let only_stderr = CommandOutput::err(1, "netem: %1: no such job\n");
        assert_eq!(
            said(&only_stderr),
            Err("netem: %1: no such job".to_string())
        );
    }

    /// A screen as text (live polls and replay split the output at other places).
    fn screen_text(d: &Driver, t: u32) -> String {
        use crate::terminals::Line;
        let term = d.terminals().iter().find(|x| x.id == t).unwrap();
        term.screen()
            .lines
            .iter()
            .map(|l| match l {
                Line::Command(c) => format!("$ {c}"),
                Line::ShellCommand(s) | Line::Input(s) | Line::Out(s) | Line::Err(s) => s.clone(),
                Line::Signal(s) => s.to_string(),
                Line::Restarted(seed) => format!("── {seed} ──"),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn terminals_stream_foreground_programs_and_replay_the_same_run_and_screens() {
        let mut d = Driver::new(7);
        d.restart_booted(7);
        let b = "--bootstrap-server 127.0.0.1:9091";
        let run = |d: &mut Driver, t: u32, line: &str| {
            assert!(d.terminal(&TermAction::Run {
                t,
                line: line.into()
            }));
        };
        run(
            &mut d,
            1,
            &format!(
                "kafka-topics {b} --create --topic test --partitions 2 --replication-factor 2"
            ),
        );
        for _ in 0..10 {
            d.frame(100.0);
        }
        run(
            &mut d,
            1,
            &format!("kafka-console-consumer {b} --topic test"),
        );
        assert!(d.terminals().iter().next().unwrap().busy());
        assert!(d.terminal(&TermAction::Open { t: 2 }));
        run(
            &mut d,
            2,
            &format!("kafka-console-consumer {b} --topic test --from-beginning --max-messages 2 &"),
        );
        run(
            &mut d,
            2,
            &format!("kafka-console-producer {b} --topic test"),
        );
        for _ in 0..10 {
            d.frame(100.0);
        }
        for line in ["1", "2", "3"] {
            assert!(d.terminal(&TermAction::Input {
                t: 2,
                line: line.into()
            }));
            for _ in 0..5 {
                d.frame(100.0);
            }
        }
        for _ in 0..20 {
            d.frame(100.0);
        }
        let shown = screen_text(&d, 1);
        assert!(shown.ends_with("1\n2\n3"), "{shown}");
        // The job in terminal 2 ended by itself: journaled.
        assert!(
            d.journal()
                .iter()
                .any(|(_, l)| l.contains("\"do\":\"end\"")),
            "{:?}",
            d.journal()
        );
        assert!(d.terminal(&TermAction::Interrupt { t: 1 }));
        assert!(d.terminal(&TermAction::Eof { t: 2 }));
        assert!(
            !d.terminal(&TermAction::Eof { t: 2 }),
            "nothing runs there any more"
        );
        run(&mut d, 1, "python consumer.py");
        for _ in 0..20 {
            d.frame(100.0);
        }
        let one = screen_text(&d, 1);
        assert!(
            one.contains(
                "3\n^C\nProcessed a total of 3 messages\n$ python consumer.py\nTopic default: test"
            ),
            "{one}"
        );
        let two = screen_text(&d, 2);
        assert!(two.contains(">1\n>2\n>3\n"), "{two}");
        assert!(two.ends_with("\n^D"), "{two}");
        assert!(two.contains("Processed a total of 2 messages"), "{two}");
        assert!(two.contains("[1]+  Done"), "{two}");

        let (journal, now, hash) = (
            d.journal().to_vec(),
            d.cluster().now_ms(),
            d.cluster().event_log_hash(),
        );
        let mut other = Driver::new(1);
        other.replay(7, true, &journal, now);
        assert_eq!(other.cluster().event_log_hash(), hash);
        assert_eq!(other.journal(), &journal[..]);
        assert_eq!(screen_text(&other, 1), one);
        assert_eq!(screen_text(&other, 2), two);
        assert!(one.ends_with("Received message: 3 at offset 2"), "{one}");
        assert!(
            other.terminals().iter().next().unwrap().busy(),
            "consumer.py still runs"
        );
    }

    #[test]
    fn panel_group_consumers_split_the_partitions_and_rebalance_when_one_stops() {
        use crate::panel_clients::{GroupEventKind, PanelAction, Program};
        use kafka_playground_core::client::membership::Phase;
        let mut d = Driver::new(7);
        d.restart_booted(7);
        d.run_command(
            "kafka-topics --create --topic my-topic --bootstrap-server kafka1:19091 --partitions 3 --replication-factor 2",
        );
        let start = PanelAction::StartConsumer {
            program: Program::Console,
            topic: "my-topic".into(),
            from_beginning: true,
            group: Some(" g1 ".into()),
        };
        let assigned = |d: &Driver| -> Vec<usize> {
            d.clients()
                .consumers()
                .iter()
                .map(|k| {
                    k.member
                        .as_ref()
                        .filter(|m| m.phase == Phase::Stable)
                        .map_or(0, |m| m.assigned.len())
                })
                .collect()
        };
        let run_until = |d: &mut Driver, done: &dyn Fn(&Driver) -> bool| {
            for _ in 0..600 {
                if done(d) {
                    return;
                }
                d.frame(100.0);
            }
            panic!("never happened: {:?}", d.clients().consumers());
        };
        assert!(d.panel(&start));
        assert_eq!(d.clients().consumers()[0].group.as_deref(), Some("g1"));
        run_until(&mut d, &|d| assigned(d) == [3]);
        assert!(d.panel(&start));
        run_until(&mut d, &|d| {
            let mut a = assigned(d);
            a.sort_unstable();
            a == [1, 2]
        });
        let ks = d.clients().consumers().to_vec();
        let (m0, m1) = (ks[0].member.clone().unwrap(), ks[1].member.clone().unwrap());
        assert_eq!(m0.generation, m1.generation);
        assert_ne!(m0.member_id, m1.member_id);
        assert!(m0.member_id.starts_with("consumer-g1-1-"), "{m0:?}");
        assert_eq!((ks[0].mark, ks[1].mark), (0, 1));
        assert_eq!(ks[0].assignments, 2);
        let kinds: Vec<(String, GroupEventKind)> = d
            .clients()
            .group_events()
            .map(|e| (e.consumer.clone(), e.kind.clone()))
            .collect();
        assert!(
            kinds.contains(&(ks[0].name.clone(), GroupEventKind::Revoked)),
            "{kinds:?}"
        );
        assert_eq!(
            kinds
                .iter()
                .filter(|k| k.1 == GroupEventKind::Joined)
                .count(),
            2
        );

        // The automatic producer: the charts' samples see records produced and consumed, and
        // the coordinator's view of the group names both members.
        assert!(d.panel(&PanelAction::Auto {
            topic: "my-topic".into(),
            rate: 20,
            producers: 1,
        }));
        for _ in 0..40 {
            d.frame(100.0);
        }
        let samples: Vec<_> = d.flow_history().samples().cloned().collect();
        assert!(samples.iter().any(|s| s.produced >= 15), "{samples:?}");
        assert!(samples.iter().any(|s| s.consumed >= 15), "{samples:?}");
        assert!(samples.last().unwrap().lags.iter().any(|(g, _)| g == "g1"));
        let groups = d.cluster().consumer_groups();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].members.len(), 2);

        // The second one stops: the first takes every partition in a newer generation.
        let id = ks[1].id;
        assert!(d.panel(&PanelAction::StopConsumer { id }));
        run_until(&mut d, &|d| assigned(d) == [3]);
        let m = d.clients().consumers()[0].member.clone().unwrap();
        assert!(m.generation > m0.generation);
        assert!(d
            .clients()
            .group_events()
            .any(|e| e.kind == GroupEventKind::Left && e.consumer == ks[1].name));

        let (journal, now, hash) = (
            d.journal().to_vec(),
            d.cluster().now_ms(),
            d.cluster().event_log_hash(),
        );
        let mut other = Driver::new(1);
        other.replay(7, true, &journal, now);
        assert_eq!(other.cluster().event_log_hash(), hash);
        assert_eq!(other.clients().consumers()[0].member, Some(m));
    }

    #[test]
    fn old_journal_lines_without_a_group_still_replay() {
        use crate::panel_clients::{PanelAction, Program};
        let line = r#"# panel {"do":"start_consumer","program":"console","topic":"t","from_beginning":true}"#;
        let a = PanelAction::from_journal(line).unwrap();
        assert_eq!(
            a,
            PanelAction::StartConsumer {
                program: Program::Console,
                topic: "t".into(),
                from_beginning: true,
                group: None,
            }
        );
        assert_eq!(a.journal_line(), line);
    }

    #[test]
    fn a_bad_compose_file_changes_nothing_and_names_the_line() {
        let mut d = Driver::new(4);
        d.frame(100.0);
        let before = d.cluster().event_log_hash();
        let bad = kafka_playground_core::compose::SEED_COMPOSE_ANNOTATED;
        let e = d.apply_compose(bad).unwrap_err();
        assert_eq!(e.line, 14, "{e:?}");
        assert!(e.message.contains("server2="), "{e:?}");
        assert_eq!(d.cluster().event_log_hash(), before);
        assert_eq!(d.compose(), None);
    }

    #[test]
    fn a_good_compose_file_rebuilds_the_cluster_from_it() {
        let mut d = Driver::new(4);
        let text = kafka_playground_core::compose::SEED_COMPOSE
            .replace("KAFKA_BROKER_ID: 3", "KAFKA_BROKER_ID: 33");
        let warnings = d.apply_compose(&text).unwrap();
        assert!(
            warnings.iter().any(|w| w.contains("kafdrop")),
            "{warnings:?}"
        );
        let snap = d.cluster().snapshot();
        assert_eq!(snap.hosts.len(), 6);
        assert_eq!(snap.host("kafka3").map(|h| h.id), Some(33));
        assert_eq!(d.compose(), Some(text.as_str()));
        d.reset_compose();
        assert_eq!(d.compose(), None);
    }

    #[test]
    fn restart_with_the_same_seed_replays_the_same_run() {
        let mut d = Driver::new(11);
        for _ in 0..40 {
            d.frame(100.0);
        }
        let first = d.cluster().event_log_hash();
        d.restart(11);
        for _ in 0..40 {
            d.frame(100.0);
        }
        assert_eq!(d.cluster().event_log_hash(), first);
    }

    #[test]
    fn fast_forward_runs_in_slices_and_matches_the_plain_run() {
        let mut plain = Driver::new(5);
        plain.running = false;
        plain.cluster_mut().run_until(30_000);
        let mut d = Driver::new(5);
        d.running = false;
        d.fast_forward(10_000);
        d.fast_forward(20_000);
        assert_eq!(d.fast_forward_progress(), Some((0, 30_000)));
        let mut frames = 0;
        let mut last = 0;
        while let Some((done, total)) = d.fast_forward_progress() {
            assert!(done >= last && total == 30_000);
            last = done;
            d.frame(33.0);
            frames += 1;
            assert!(frames < 1_000, "fast-forward never ends");
        }
        assert!(
            frames >= FAST_FORWARD_MIN_FRAMES as usize,
            "{frames} frames"
        );
        assert_eq!(d.cluster().now_ms(), 30_000);
        assert_eq!(
            d.cluster().event_log_hash(),
            plain.cluster().event_log_hash()
        );
        // One ISR sample per virtual second (no topics yet: all zero).
        assert_eq!(d.isr_history().samples().len(), 31);
    }

    #[test]
    fn a_cancelled_fast_forward_stops_where_it_got_to() {
        let mut d = Driver::new(5);
        d.running = false;
        d.fast_forward(60_000);
        d.frame(33.0);
        d.cancel_fast_forward();
        let at = d.cluster().now_ms();
        assert!(at > 0 && at < 60_000, "{at}");
        assert_eq!(d.fast_forward_progress(), None);
        d.frame(33.0);
        assert_eq!(d.cluster().now_ms(), at);
    }

    #[test]
    fn a_frame_stops_when_its_real_time_budget_is_spent() {
        let mut d = Driver::new(5);
        // Ten minutes: the first slice (30 s) holds far more events than one deadline check.
        d.fast_forward(600_000);
        let before = d.cluster().simulator().processed();
        let mut calls = 0;
        let reached = d.frame_within(33.0, &mut || {
            calls += 1;
            false
        });
        assert!(!reached);
        assert_eq!(calls, 1);
        assert_eq!(
            (d.cluster().simulator().processed() - before) as usize,
            DEADLINE_CHECK_EVERY - 1
        );
    }
}
