//! A terminal session, as the page's terminals hold one each: its own background jobs and, while
//! one runs, the program in the foreground. A consumer there streams what it receives as
//! virtual time passes; a producer reads the lines typed at its prompt; both run until they end
//! by themselves, Ctrl-C or (for the producers) Ctrl-D.
//!
//! Determinism: [`Session::poll`] only drains the programs' output queues. Whatever changes the
//! cluster (a command, a line typed to a program, Ctrl-C, Ctrl-D, a program ending by itself)
//! is its own call, which the page journals with the virtual time it happened at, so a share
//! link replays it at the same instant. A program that ends by itself is found by a *live*
//! poll (which also applies `--timeout-ms`); replaying, the journal says when ([`Session::end`]).

use crate::cli::clients_cli::{input_traceback, python_send, send_error, KEY_INPUT, VALUE_INPUT};
use crate::cli::consumer_programs::{ConsumerProgram, Printed};
use crate::cli::container_shell::Shell;
use crate::cli::jobs::Job;
use crate::cli::CommandOutput;
use crate::cluster::Cluster;
use crate::ordered::OrdMap as BTreeMap;
use crate::sim::node::HostId;

/// How long Ctrl-D/Ctrl-C may take a console producer to deliver what it sent (virtual ms),
/// as for a here-document.
const PRODUCER_CLOSE_MS: u64 = 180_000;

/// The program in a terminal's foreground.
#[derive(Clone, Debug)]
pub enum Foreground {
    /// `kafka-console-consumer` or consumer.py.
    Consumer {
        host: HostId,
        program: ConsumerProgram,
    },
    /// `kafka-console-producer` at its `>` prompt.
    ConsoleProducer(ConsoleProducer),
    /// producer.py asking for a key (`key` None), then a value.
    PythonProducer { host: HostId, key: Option<String> },
}

/// An interactive console producer.
#[derive(Clone, Debug)]
pub struct ConsoleProducer {
    host: HostId,
    topic: String,
    parse_key: bool,
    separator: String,
    lines: usize,
    /// Sends not answered yet: record id → (key, value length), for the error line.
    sent: BTreeMap<u64, (Option<String>, usize)>,
}

impl ConsoleProducer {
    pub(crate) fn new(host: HostId, topic: String, parse_key: bool, separator: String) -> Self {
        ConsoleProducer {
            host,
            topic,
            parse_key,
            separator,
            lines: 0,
            sent: BTreeMap::new(),
        }
    }

    /// The ErrorLoggingCallback lines of the sends answered since the last call.
    fn errors(&mut self, c: &mut Cluster) -> String {
        let mut err = String::new();
        for (id, r) in c.take_producer_results(self.host) {
            let info = self.sent.remove(&id);
            if let Err((_, _, e)) = r {
                let (key, len) = info.unwrap_or((None, 0));
                err.push_str(&send_error(
                    c.now_ms(),
                    &self.topic,
                    key.as_deref(),
                    len,
                    &e,
                ));
            }
        }
        err
    }

    /// One line typed at the prompt. Err: the tool dies (a line without the key separator).
    fn line(&mut self, c: &mut Cluster, line: &str) -> Result<(), String> {
        self.lines += 1;
        let (key, value) = if self.parse_key {
            match line.split_once(self.separator.as_str()) {
                Some((k, v)) => (Some(k.to_string()), v.to_string()),
                None => {
                    return Err(format!(
                        "org.apache.kafka.common.KafkaException: No key separator found on line number {}: '{line}'\n",
                        self.lines
                    ))
                }
            }
        } else {
            (None, line.to_string())
        };
        let len = value.len();
        if let Some(id) = c.produce(self.host, &self.topic, None, key.clone(), Some(value)) {
            self.sent.insert(id, (key, len));
        }
        Ok(())
    }

    /// `producer.close()`: what was sent is delivered (or fails), then the process ends.
    fn close(mut self, c: &mut Cluster) -> String {
        c.flush_producer(self.host, PRODUCER_CLOSE_MS);
        let err = self.errors(c);
        c.stop_client(self.host);
        err
    }
}

/// A program that ended by itself: enough messages, `--timeout-ms`, or a crash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    Foreground,
    /// A background job, by its number.
    Job(usize),
}

/// One terminal's shell: background jobs and the foreground program.
#[derive(Clone, Debug, Default)]
pub struct Session {
    jobs: Vec<Job>,
    foreground: Option<Foreground>,
    /// Inside `docker exec -it CONTAINER bash`: that container's shell.
    shell: Option<Shell>,
}

fn add(out: &mut CommandOutput, p: Printed) {
    out.stdout.push_str(&p.stdout);
    out.stderr.push_str(&p.stderr);
}

/// Moves what a consumer received into its program's output.
fn drain(c: &mut Cluster, host: HostId, program: &mut ConsumerProgram) -> Printed {
    let records = c.take_consumed(host);
    let notes = c.take_consumer_notes(host);
    let mut p = program.on_records(&records, c.now_ms());
    let n = program.on_notes(&notes);
    p.stdout.push_str(&n.stdout);
    p.stderr.push_str(&n.stderr);
    p
}

/// Whether a program is done: it finished, or its `--timeout-ms` ran out (which [`Session::end`]
/// then reports).
fn done(program: &ConsumerProgram, now_ms: u64) -> bool {
    program.finished || program.deadline().is_some_and(|d| now_ms >= d)
}

impl Session {
    /// Whether a program runs in the foreground (the shell's prompt is not shown).
    pub fn busy(&self) -> bool {
        self.foreground.is_some()
    }

    /// The prompt of the foreground program when it reads a line (None for a consumer).
    pub fn prompt(&self) -> Option<&'static str> {
        match &self.foreground {
            Some(Foreground::ConsoleProducer(_)) => Some(">"),
            Some(Foreground::PythonProducer { key: None, .. }) => Some("key: (quit -> q)"),
            Some(Foreground::PythonProducer { key: Some(_), .. }) => Some("value: "),
            _ => None,
        }
    }

    /// Background jobs still running: (job number, command).
    pub fn job_list(&self) -> Vec<(usize, String)> {
        self.jobs
            .iter()
            .map(|j| (j.id, j.command.clone()))
            .collect()
    }

    /// Runs a command line typed at the prompt. A program that runs until Ctrl-C stays in
    /// the foreground; `CMD &`, `jobs` and `kill %N` use this session's jobs.
    pub fn run(&mut self, c: &mut Cluster, line: &str) -> CommandOutput {
        if self.busy() {
            return CommandOutput::err(
                1,
                "a program runs in the foreground of this terminal (Ctrl-C stops it)\n",
            );
        }
        self.leave_stopped_container(c);
        let outer = std::mem::replace(&mut c.jobs, std::mem::take(&mut self.jobs));
        c.tty = true;
        c.started = None;
        c.shell = self.shell.take();
        c.entered_shell = None;
        let out = c.run_command(line, None);
        c.tty = false;
        self.jobs = std::mem::replace(&mut c.jobs, outer);
        self.foreground = c.started.take();
        self.shell = c.entered_shell.take().or(c.shell.take());
        out
    }

    /// The container whose shell this terminal is in (`docker exec -it C bash`), if any.
    pub fn container(&self) -> Option<&str> {
        self.shell.as_ref().map(|sh| sh.container.as_str())
    }

    /// The shell's prompt: `$ ` on the host, the image's bash prompt inside a container.
    pub fn shell_prompt(&self) -> String {
        self.shell
            .as_ref()
            .map_or_else(|| "$ ".to_string(), Shell::prompt)
    }

    /// A `docker exec` session ends when its container stops (the terminal is back on the
    /// host).
    pub fn leave_stopped_container(&mut self, c: &Cluster) -> bool {
        let stopped = self.shell.as_ref().is_some_and(|sh| {
            c.host_status(&sh.container) != Some(crate::snapshot::HostStatus::Running)
        });
        if stopped {
            self.shell = None;
        }
        stopped
    }

    /// A line typed while a program runs in the foreground: a producer sends it; a consumer
    /// does not read its standard input.
    pub fn input(&mut self, c: &mut Cluster, line: &str) -> CommandOutput {
        let mut out = CommandOutput::default();
        match self.foreground.take() {
            Some(Foreground::ConsoleProducer(mut p)) => {
                out.stderr.push_str(&p.errors(c));
                match p.line(c, line) {
                    Ok(()) => self.foreground = Some(Foreground::ConsoleProducer(p)),
                    Err(e) => {
                        out.stderr.push_str(&e);
                        out.exit_code = 1;
                        c.stop_client(p.host);
                    }
                }
            }
            Some(Foreground::PythonProducer { host, key: None }) => {
                self.foreground = Some(Foreground::PythonProducer {
                    host,
                    key: Some(line.to_string()),
                });
            }
            Some(Foreground::PythonProducer {
                host,
                key: Some(key),
            }) => match python_send(c, host, &key, line) {
                Ok(sent) => {
                    out.stdout.push_str(&sent);
                    self.foreground = Some(Foreground::PythonProducer { host, key: None });
                }
                Err(traceback) => {
                    out.stderr.push_str(&traceback);
                    out.exit_code = 1;
                    c.stop_client(host);
                }
            },
            other => self.foreground = other,
        }
        out
    }

    /// Ctrl-C: the foreground program is interrupted and prints what it prints then.
    pub fn interrupt(&mut self, c: &mut Cluster) -> CommandOutput {
        let mut out = CommandOutput::default();
        match self.foreground.take() {
            Some(Foreground::Consumer { host, mut program }) => {
                add(&mut out, drain(c, host, &mut program));
                add(&mut out, program.interrupt());
                c.stop_client(host);
                out.exit_code = 130;
            }
            Some(Foreground::ConsoleProducer(p)) => {
                // Its shutdown hook closes the producer, which delivers what it holds.
                out.stderr.push_str(&p.close(c));
                out.exit_code = 130;
            }
            Some(Foreground::PythonProducer { host, key }) => {
                let at = if key.is_some() {
                    VALUE_INPUT
                } else {
                    KEY_INPUT
                };
                out.stderr
                    .push_str(&input_traceback(at, "KeyboardInterrupt"));
                out.exit_code = 1;
                c.stop_client(host);
            }
            None => {}
        }
        out
    }

    /// Ctrl-D: the end of standard input. The producers end; a consumer does not notice.
    pub fn eof(&mut self, c: &mut Cluster) -> CommandOutput {
        let mut out = CommandOutput::default();
        match self.foreground.take() {
            Some(Foreground::ConsoleProducer(p)) => out.stderr.push_str(&p.close(c)),
            Some(Foreground::PythonProducer { host, key }) => {
                let at = if key.is_some() {
                    VALUE_INPUT
                } else {
                    KEY_INPUT
                };
                out.stderr
                    .push_str(&input_traceback(at, "EOFError: EOF when reading a line"));
                out.exit_code = 1;
                c.stop_client(host);
            }
            // Ctrl-D at a container's shell prompt leaves it, as `exit` does.
            None if self.shell.is_some() => {
                self.shell = None;
                out.stdout.push_str("exit\n");
            }
            other => self.foreground = other,
        }
        out
    }

    /// What the programs printed since the last call. Only drains their output queues: the
    /// run is unchanged. `live`, it also returns the programs that are done (enough
    /// messages, `--timeout-ms`, a crash); the caller journals and applies [`Session::end`]
    /// for each.
    pub fn poll(&mut self, c: &mut Cluster, live: bool) -> (CommandOutput, Vec<Ended>) {
        let mut out = CommandOutput::default();
        let mut ended = Vec::new();
        let now = c.now_ms();
        // The container stopped: its `docker exec` session is over, the terminal is back on
        // the host (a session change only; the cluster is untouched).
        self.leave_stopped_container(c);
        match &mut self.foreground {
            Some(Foreground::Consumer { host, program }) => {
                add(&mut out, drain(c, *host, program));
                if done(program, now) {
                    ended.push(Ended::Foreground);
                }
            }
            Some(Foreground::ConsoleProducer(p)) => out.stderr.push_str(&p.errors(c)),
            _ => {}
        }
        for j in &mut self.jobs {
            add(&mut out, drain(c, j.host, &mut j.program));
            if done(&j.program, now) {
                ended.push(Ended::Job(j.id));
            }
        }
        if !live {
            ended.clear();
        }
        (out, ended)
    }

    /// A program ended by itself now (found by a live poll, or replayed from the journal):
    /// its consumer closes; a job reports `Done`. A program that had not finished yet ran
    /// into its `--timeout-ms`.
    pub fn end(&mut self, c: &mut Cluster, which: Ended) -> CommandOutput {
        let mut out = CommandOutput::default();
        let now = c.now_ms();
        match which {
            Ended::Foreground => match self.foreground.take() {
                Some(Foreground::Consumer { host, mut program }) => {
                    add(&mut out, drain(c, host, &mut program));
                    if !program.finished {
                        add(&mut out, program.on_timeout(now));
                    }
                    c.stop_client(host);
                }
                other => self.foreground = other,
            },
            Ended::Job(id) => {
                if let Some(i) = self.jobs.iter().position(|j| j.id == id) {
                    let mut j = self.jobs.remove(i);
                    add(&mut out, drain(c, j.host, &mut j.program));
                    if !j.program.finished {
                        add(&mut out, j.program.on_timeout(now));
                    }
                    c.stop_client(j.host);
                    // An interactive bash reports a job's end on standard error.
                    out.stderr.push_str(&format!(
                        "[{}]+  Done                    {}\n",
                        j.id, j.command
                    ));
                }
            }
        }
        out
    }

    /// The terminal closes: every program it runs is interrupted.
    pub fn hang_up(&mut self, c: &mut Cluster) {
        let _ = self.interrupt(c);
        for mut j in std::mem::take(&mut self.jobs) {
            let _ = j.program.interrupt();
            c.stop_client(j.host);
        }
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
