//! Long-running programs: a consumer runs until it has enough, times out, or is interrupted.
//! `CMD &` runs one in the background (`jobs`, `kill %N`); its output appears after each later
//! command, in virtual-time order; the end of a script interrupts what is left, as Ctrl-C.

use crate::cli::consumer_programs::{ConsumerProgram, Printed};
use crate::cli::session::Foreground;
use crate::cli::CommandOutput;
use crate::cluster::Cluster;
use crate::sim::node::HostId;

/// A consuming program with its consumer process.
#[derive(Clone, Debug)]
pub struct Job {
    pub id: usize,
    pub command: String,
    pub host: HostId,
    pub program: ConsumerProgram,
}

impl Cluster {
    /// Moves received records into the program's output; ends it when done or timed out.
    pub(crate) fn pump_program(&mut self, host: HostId, program: &mut ConsumerProgram) -> Printed {
        let now = self.now_ms();
        let recs = self.take_consumed(host);
        let notes = self.take_consumer_notes(host);
        let mut p = program.on_records(&recs, now);
        let n = program.on_notes(&notes);
        p.stdout.push_str(&n.stdout);
        p.stderr.push_str(&n.stderr);
        if let Some(d) = program.deadline() {
            if now >= d {
                let t = program.on_timeout(now);
                p.stdout.push_str(&t.stdout);
                p.stderr.push_str(&t.stderr);
            }
        }
        if program.finished {
            self.stop_client(host);
        }
        p
    }

    /// Runs a foreground program until it finishes (`max_ms` at most, then interrupted).
    pub(crate) fn run_program(
        &mut self,
        host: HostId,
        mut program: ConsumerProgram,
        max_ms: u64,
    ) -> CommandOutput {
        let mut out = CommandOutput::default();
        let b = program.banner();
        out.stdout.push_str(&b.stdout);
        let deadline = self.now_ms() + max_ms;
        loop {
            let p = self.pump_program(host, &mut program);
            out.stdout.push_str(&p.stdout);
            out.stderr.push_str(&p.stderr);
            if program.finished {
                break;
            }
            let next = program.deadline().unwrap_or(deadline).min(deadline);
            // Step until the consumer has records or the next deadline.
            let got = self.run_until_or(next.saturating_sub(self.now_ms()), |c| {
                c.consumer_has_records(host)
            });
            if !got && self.now_ms() >= deadline && program.deadline().is_none() {
                let p = program.interrupt();
                out.stdout.push_str(&p.stdout);
                out.stderr.push_str(&p.stderr);
                self.stop_client(host);
                break;
            }
        }
        out
    }

    /// At an interactive terminal: the program stays in the foreground, and the session
    /// streams what it prints as virtual time passes.
    pub(crate) fn start_foreground(
        &mut self,
        host: HostId,
        program: ConsumerProgram,
    ) -> CommandOutput {
        let b = program.banner();
        self.started = Some(Foreground::Consumer { host, program });
        CommandOutput {
            stdout: b.stdout,
            stderr: b.stderr,
            exit_code: 0,
        }
    }

    fn consumer_has_records(&self, h: HostId) -> bool {
        self.sim
            .host(h)
            .process
            .as_ref()
            .and_then(|p| p.as_consumer())
            .is_some_and(|c| !c.records.is_empty() || !c.notes.is_empty())
    }

    /// Starts a background job; prints `[N] PID`-like `[N] host` as a shell does.
    pub(crate) fn add_job(
        &mut self,
        command: &str,
        host: HostId,
        program: ConsumerProgram,
    ) -> CommandOutput {
        let id = self.jobs.iter().map(|j| j.id).max().unwrap_or(0) + 1;
        let b = program.banner();
        self.jobs.push(Job {
            id,
            command: command.to_string(),
            host,
            program,
        });
        CommandOutput {
            stdout: format!("[{id}] {}\n{}", self.simulator().host(host).name, b.stdout),
            stderr: b.stderr,
            exit_code: 0,
        }
    }

    /// New output of the background jobs since the last call; finished jobs report `Done`.
    /// At an interactive terminal its session polls them instead (as virtual time passes).
    pub fn poll_jobs(&mut self) -> CommandOutput {
        let mut out = CommandOutput::default();
        if self.tty {
            return out;
        }
        let mut jobs = std::mem::take(&mut self.jobs);
        for j in jobs.iter_mut() {
            let p = self.pump_program(j.host, &mut j.program);
            out.stdout.push_str(&p.stdout);
            out.stderr.push_str(&p.stderr);
            if j.program.finished {
                out.stdout.push_str(&format!(
                    "[{}]+  Done                    {}\n",
                    j.id, j.command
                ));
            }
        }
        jobs.retain(|j| !j.program.finished);
        // Jobs started while pumping (none today) stay after the old ones.
        jobs.append(&mut self.jobs);
        self.jobs = jobs;
        out
    }

    /// `jobs`: the background programs still running.
    pub(crate) fn cmd_jobs(&mut self) -> CommandOutput {
        let mut out = self.poll_jobs();
        for j in &self.jobs {
            out.stdout.push_str(&format!(
                "[{}]   Running                 {} &\n",
                j.id, j.command
            ));
        }
        out
    }

    /// `kill %N` (or `kill` alone: the newest job), as Ctrl-C would.
    /// Where job `%N` is in this shell's job list (`None`: not a job spec, or no such job).
    pub(crate) fn job_index(&self, spec: &str) -> Option<usize> {
        let n = spec.strip_prefix('%')?.parse::<usize>().ok()?;
        self.jobs.iter().position(|j| j.id == n)
    }

    pub(crate) fn cmd_kill(&mut self, args: &[&str]) -> CommandOutput {
        let mut out = self.poll_jobs();
        let index = match args {
            [] => self.jobs.len().checked_sub(1),
            [a] if a.starts_with('%') => self.job_index(a),
            _ => {
                return CommandOutput::err(2, "kill: usage: kill %JOB (see `jobs`)\n");
            }
        };
        let Some(i) = index else {
            out.stderr.push_str(&format!(
                "kill: {}: no such job\n",
                args.first().copied().unwrap_or("%")
            ));
            out.exit_code = 1;
            return out;
        };
        let mut j = self.jobs.remove(i);
        let p = j.program.interrupt();
        self.stop_client(j.host);
        out.stdout.push_str(&p.stdout);
        out.stderr.push_str(&p.stderr);
        out.stdout.push_str(&format!(
            "[{}]+  Interrupt               {}\n",
            j.id, j.command
        ));
        out
    }

    /// The end of a script: every background program is interrupted.
    pub fn interrupt_jobs(&mut self) -> CommandOutput {
        let mut out = self.poll_jobs();
        for mut j in std::mem::take(&mut self.jobs) {
            let p = j.program.interrupt();
            self.stop_client(j.host);
            out.stdout.push_str(&p.stdout);
            out.stderr.push_str(&p.stderr);
        }
        out
    }

    /// Background programs still running: (job id, command).
    pub fn job_list(&self) -> Vec<(usize, String)> {
        self.jobs
            .iter()
            .map(|j| (j.id, j.command.clone()))
            .collect()
    }
}
