//! The command language shared by the native runner, the page's terminal and notebooks.
//!
//! [`Cluster::run_command`] runs one line (with optional standard input) and advances virtual
//! time as the command needs; [`run_script`] runs a whole script with here-documents.

pub mod clients_cli;
pub mod complete;
pub mod consumer_groups;
pub mod consumer_groups_reset;
pub mod consumer_programs;
pub mod container_shell;
pub mod docker;
#[cfg(test)]
mod help_tests;
pub mod jobs;
pub mod kafka_topics;
pub mod leader_election;
pub mod parse;
pub mod python_repr;
pub mod script;
pub mod session;
pub mod zookeeper_shell;

use crate::cluster::Cluster;
use crate::sim::network::LinkConfig;
use serde::{Deserialize, Serialize};

pub use script::{run_script, ScriptOutput};

/// What a command printed and how it exited.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandOutput {
    pub stdout: String,
    pub stderr: String,
    /// 0 = success; 1 = the tool reported an error; 2 = bad usage; 127 = unknown command.
    pub exit_code: i32,
}

impl CommandOutput {
    pub fn ok(&self) -> bool {
        self.exit_code == 0
    }

    pub fn out(s: impl Into<String>) -> Self {
        CommandOutput {
            stdout: s.into(),
            ..Default::default()
        }
    }

    pub fn err(code: i32, s: impl Into<String>) -> Self {
        CommandOutput {
            stderr: s.into(),
            exit_code: code,
            ..Default::default()
        }
    }
}

/// Ensures text ends with a newline (empty stays empty).
pub(crate) fn line(s: &str) -> String {
    if s.is_empty() || s.ends_with('\n') {
        s.to_string()
    } else {
        format!("{s}\n")
    }
}

pub const HELP: &str = "\
Kafka Playground commands (virtual time; one per line; `#` starts a comment):

  zookeeper-shell HOST:PORT CMD [ARGS]     ZooKeeper CLI (also zkCli.sh -server HOST:PORT CMD)
      ls [-s] [-R] PATH | get [-s] PATH | stat PATH
      create [-e] [-s] PATH [DATA] | set [-s] [-v VERSION] PATH DATA
      delete [-v VERSION] PATH | deleteall PATH
      (without CMD, the commands are read from standard input, e.g. a here-document)
  kafka-topics --bootstrap-server HOST:PORT --create --topic T [--partitions P] [--replication-factor R]
  kafka-topics --bootstrap-server HOST:PORT --list
  kafka-topics --bootstrap-server HOST:PORT --describe [--topic T] [--under-replicated-partitions|--unavailable-partitions]
  kafka-topics ... --create ... --config min.insync.replicas=2   topic configs (k=v, repeatable)
  kafka-topics --bootstrap-server HOST:PORT --delete --topic T [--if-exists]
  kafka-topics --bootstrap-server HOST:PORT --alter --topic T --partitions N   (only increases)
  kafka-leader-election --bootstrap-server B --election-type preferred|unclean
      (--topic T --partition P | --all-topic-partitions)
  kafka-console-producer --bootstrap-server B --topic T [--property parse.key=true]
      [--property key.separator=S] [--producer-property acks=all|1|0]
      (lines from a here-document; in the page's terminal, typed at its > prompt until Ctrl-D)
  kafka-console-consumer --bootstrap-server B --topic T [--from-beginning] [--partition P [--offset O]]
      [--max-messages N] [--timeout-ms MS] [--property print.key=true print.partition=true
      print.offset=true print.timestamp=true]   (runs until Ctrl-C: in the page's terminal in
      the foreground; in a script use & and kill %N, or a limit)
      [--group G [--consumer-property partition.assignment.strategy=CLASS[,CLASS]]]   (the Java
      client takes class names: org.apache.kafka.clients.consumer.RoundRobinAssignor, ...)
  kafka-consumer-groups --bootstrap-server B --list
  kafka-consumer-groups --bootstrap-server B --describe --group G [--members [--verbose] | --state]
  kafka-consumer-groups --bootstrap-server B --reset-offsets --group G (--topic T[:P,..] | --all-topics)
      (--to-earliest | --to-latest | --to-current | --to-offset N | --shift-by N | --to-datetime D
      | --by-duration PnDTnHnMnS) [--dry-run | --execute]
  kafka-consumer-groups --bootstrap-server B --delete --group G | --delete-offsets --group G --topic T
  python producer.py            the seed's producer: key, value pairs (here-document or typed)
  python consumer.py            the seed's consumer (topic test, from the earliest offset):
                                in the foreground until Ctrl-C, or `&` in a script
  jobs | kill %N                background programs (a script's end interrupts them, as Ctrl-C)
  docker compose stop|kill|start|restart|pause|unpause|ps [SERVICE...]
  docker stop|kill|start|restart|pause|unpause CONTAINER...
  docker exec [-it] CONTAINER COMMAND     run a tool inside a container (see docker exec --help):
                                brokers: kafka-topics, kafka-console-*, kafka-consumer-groups,
                                zookeeper-shell …; ZooKeepers: zkServer.sh status, zkCli.sh
  docker exec -it CONTAINER bash          a shell inside the container (exit or Ctrl-D leaves)
  docker network disconnect|connect NETWORK CONTAINER    (network: kafka_default)
  netem cut A B [--oneway]      cut the link A-B (only A->B with --oneway)
  netem heal A B | netem heal --all
  netem delay A B MS [JITTER_MS]  latency on the link A-B (both directions)
  netem loss A B PERCENT        loss on A-B: TCP retransmits (RTO 200ms doubling); 100 = drop all
  netem show                    list the network faults in force
  sleep SECONDS                 advance virtual time (fractions allowed: sleep 0.5)
  help                          this text
  COMMAND --help                the options of each command (also -h for docker and python)

Scripts (kafka-playground exec FILE): here-documents (<<EOF ... EOF) feed standard input;
a failing tool (exit 1) does not stop the script; an unknown command or bad usage does.
";

/// `sleep --help` (coreutils' text, shortened to the suffixes the playground takes).
pub const SLEEP_HELP: &str = "Usage: sleep NUMBER[SUFFIX]
Pause for NUMBER seconds of virtual time.  SUFFIX may be 's' for seconds (the default),
'm' for minutes or 'ms' for milliseconds.  NUMBER may be a fraction (sleep 0.5).
";

/// `netem --help`: the playground's network faults (as `tc qdisc … netem` would make them).
pub const NETEM_HELP: &str = "Usage: netem COMMAND
Network faults between two hosts (ZooKeepers, brokers), until healed.

Commands:
  cut A B [--oneway]      cut the link A-B (only A->B with --oneway)
  heal A B                heal the link A-B
  heal --all              heal every link
  delay A B MS [JITTER]   latency on the link A-B, both directions
  loss A B PERCENT        loss on A-B: TCP retransmits (RTO 200ms, doubling); 100 drops all
  show                    list the faults in force

A or B is a host: a ZooKeeper, a broker or a client process (console-consumer-7); %N is the
client process of this shell's background job N (see jobs).
";

/// `jobs --help` (bash's builtin help, for what the playground's shell keeps).
pub const JOBS_HELP: &str = "jobs: jobs
    Display status of jobs.

    Lists the programs this terminal runs in the background (`COMMAND &`), with their
    numbers for `kill %N`.
";

/// `kill --help`.
pub const KILL_HELP: &str = "kill: kill %N
    Send a signal to a job.

    Interrupts background job N (see `jobs`), as Ctrl-C would in the foreground: the program
    prints what it prints then (e.g. \"Processed a total of 3 messages\"). Without %N, the
    newest job.
";

impl Cluster {
    /// Runs a whole script (see [`run_script`]); `echo` adds `$ command` lines to stdout.
    pub fn run_script(&mut self, text: &str, echo: bool) -> ScriptOutput {
        run_script(self, text, echo)
    }

    /// Runs one command line. Never panics; bad input changes nothing.
    pub fn run_command(&mut self, line: &str, stdin: Option<&str>) -> CommandOutput {
        let (line, stdin_owned) = match (stdin, parse::heredoc(line)) {
            // A here-document inside a multi-line `line` (the page's terminal paste).
            (None, Some((head, delim))) if line.contains('\n') => {
                let first_nl = line.find('\n').unwrap_or(line.len());
                let head_line = parse::heredoc(&line[..first_nl])
                    .map(|h| h.0)
                    .unwrap_or(head);
                let body: Vec<&str> = line[first_nl + 1..]
                    .lines()
                    .take_while(|l| l.trim() != delim)
                    .collect();
                (head_line, Some(body.join("\n") + "\n"))
            }
            _ => (line.to_string(), None),
        };
        let stdin = stdin.or(stdin_owned.as_deref());
        // `CMD &`: a long-running program goes to the background.
        let trimmed = line.trim_end();
        let background = trimmed.ends_with('&') && !trimmed.ends_with("&&");
        let line = if background {
            trimmed.trim_end_matches('&').trim_end().to_string()
        } else {
            line
        };
        let mut out = self.run_words(&line, stdin, background);
        if !self.jobs.is_empty() && !matches!(line.split_whitespace().next(), Some("jobs" | "kill"))
        {
            let j = self.poll_jobs();
            out.stdout.push_str(&j.stdout);
            out.stderr.push_str(&j.stderr);
        }
        out
    }

    fn run_words(&mut self, line: &str, stdin: Option<&str>, background: bool) -> CommandOutput {
        let words = match parse::split_words(line) {
            Ok(w) => w,
            Err(e) => return CommandOutput::err(2, format!("syntax error: {e}\n")),
        };
        if words.is_empty() {
            return CommandOutput::default();
        }
        self.push_history(line.trim());
        let args: Vec<&str> = words.iter().map(String::as_str).collect();
        // In a container's shell (`docker exec -it C bash` at a terminal) the line runs there;
        // the terminal's jobs stay the host shell's.
        if !matches!(args[0], "jobs" | "kill") {
            if let Some(mut shell) = self.shell.take() {
                let (out, open) = shell.run_line(self, &args, stdin, line.trim(), background);
                if open {
                    self.shell = Some(shell);
                }
                return out;
            }
        }
        match args[0] {
            "help" | "--help" | "-h" => CommandOutput::out(HELP),
            "sleep" if args[1..].contains(&"--help") => CommandOutput::out(SLEEP_HELP),
            "netem" if args[1..].iter().any(|a| matches!(*a, "--help" | "-h")) => {
                CommandOutput::out(NETEM_HELP)
            }
            "jobs" if args[1..].contains(&"--help") => CommandOutput::out(JOBS_HELP),
            "kill" if args[1..].contains(&"--help") => CommandOutput::out(KILL_HELP),
            "sleep" => self.cmd_sleep(&args[1..]),
            "netem" => self.cmd_netem(&args[1..]),
            "docker" => docker::run(self, &args[1..], stdin, line.trim(), background),
            "docker-compose" => docker::compose(self, &args[1..]),
            "zookeeper-shell" | "zookeeper-shell.sh" | "zkCli.sh" | "zkCli" => {
                zookeeper_shell::run(self, args[0], &args[1..], stdin, None)
            }
            "kafka-topics" | "kafka-topics.sh" => kafka_topics::run(self, &args[1..], None),
            "kafka-leader-election" | "kafka-leader-election.sh" => {
                leader_election::run(self, &args[1..], None)
            }
            "kafka-console-producer" | "kafka-console-producer.sh" => {
                clients_cli::console_producer(self, &args[1..], stdin, None)
            }
            "kafka-console-consumer" | "kafka-console-consumer.sh" => {
                clients_cli::console_consumer(self, &args[1..], line.trim(), background, None)
            }
            "python" | "python3" => {
                clients_cli::python(self, &args[1..], stdin, line.trim(), background)
            }
            "kafka-consumer-groups" | "kafka-consumer-groups.sh" => {
                consumer_groups::run(self, &args[1..], None)
            }
            "jobs" => self.cmd_jobs(),
            "kill" => self.cmd_kill(&args[1..]),
            c if c.starts_with("kafka-") => CommandOutput::err(
                127,
                format!(
                    "{c}: this Kafka tool is not simulated yet in this version of the playground (see help)\n"
                ),
            ),
            c => CommandOutput::err(127, format!("{c}: command not found (try 'help')\n")),
        }
    }

    fn cmd_sleep(&mut self, args: &[&str]) -> CommandOutput {
        let [arg] = args else {
            return CommandOutput::err(2, "sleep: usage: sleep SECONDS\n");
        };
        let (num, scale) = if let Some(n) = arg.strip_suffix("ms") {
            (n, 1.0)
        } else if let Some(n) = arg.strip_suffix('s') {
            (n, 1000.0)
        } else if let Some(n) = arg.strip_suffix('m') {
            (n, 60_000.0)
        } else {
            (*arg, 1000.0)
        };
        match num.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 && v * scale <= 86_400_000.0 => {
                self.run_for((v * scale).round() as u64);
                CommandOutput::default()
            }
            _ => CommandOutput::err(2, format!("sleep: invalid time interval '{arg}'\n")),
        }
    }

    /// `%N` names the host of this shell's background job N (a consumer's client process), so a
    /// script can cut a consumer it just started without knowing its number.
    fn job_host(&self, arg: &str) -> Result<String, String> {
        if !arg.starts_with('%') {
            return Ok(arg.to_string());
        }
        self.job_index(arg)
            .map(|i| self.sim.host(self.jobs[i].host).name.clone())
            .ok_or_else(|| format!("netem: {arg}: no such job"))
    }

    fn cmd_netem(&mut self, args: &[&str]) -> CommandOutput {
        const USAGE: &str = "usage: netem cut A B [--oneway] | heal A B | heal --all | delay A B MS [JITTER_MS] | loss A B PERCENT | show\n  (A or B may be %N, the host of background job N)\n";
        let named: Result<Vec<String>, String> = args.iter().map(|a| self.job_host(a)).collect();
        let named = match named {
            Ok(n) => n,
            Err(e) => return CommandOutput::err(1, format!("{e}\n")),
        };
        let args: Vec<&str> = named.iter().map(String::as_str).collect();
        let r: Result<String, String> = match args.as_slice() {
            ["cut", a, b] => self.cut(a, b, false).map(|_| format!("cut {a} <-> {b}\n")),
            ["cut", a, b, "--oneway"] | ["cut", "--oneway", a, b] => {
                self.cut(a, b, true).map(|_| format!("cut {a} -> {b}\n"))
            }
            ["heal", "--all"] => {
                self.heal_all();
                Ok("healed every link\n".into())
            }
            ["heal", a, b] => self.heal(a, b).map(|_| format!("healed {a} <-> {b}\n")),
            ["delay", a, b, ms, rest @ ..] if rest.len() <= 1 => {
                let lat = ms.parse::<u64>().ok().filter(|v| *v <= 600_000);
                let jit = rest
                    .first()
                    .map_or(Some(0), |j| j.parse::<u64>().ok().filter(|v| *v <= 600_000));
                match (lat, jit) {
                    (Some(latency_ms), Some(jitter_ms)) => self.link(a, b).and_then(|cur| {
                        let cfg = LinkConfig {
                            latency_ms,
                            jitter_ms,
                            ..cur
                        };
                        self.set_link(a, b, cfg).map(|_| {
                            format!("{a} <-> {b}: delay {latency_ms}ms jitter {jitter_ms}ms\n")
                        })
                    }),
                    _ => Err(format!("netem: invalid delay '{ms}'")),
                }
            }
            ["loss", a, b, pct] => match pct.trim_end_matches('%').parse::<u8>() {
                Ok(loss_pct) if loss_pct <= 100 => self.link(a, b).and_then(|cur| {
                    let cfg = LinkConfig { loss_pct, ..cur };
                    self.set_link(a, b, cfg)
                        .map(|_| format!("{a} <-> {b}: loss {loss_pct}%\n"))
                }),
                _ => Err(format!("netem: invalid loss '{pct}' (0-100)")),
            },
            ["show"] => {
                let s = self.snapshot().network;
                let mut out = String::new();
                for (a, b) in &s.cuts {
                    out.push_str(&format!("cut {a} -> {b}\n"));
                }
                for h in &s.disconnected {
                    out.push_str(&format!("disconnected {h}\n"));
                }
                for (a, b, l, j, p) in &s.links {
                    out.push_str(&format!(
                        "link {a} <-> {b}: delay {l}ms jitter {j}ms loss {p}%\n"
                    ));
                }
                if out.is_empty() {
                    out.push_str("no network faults\n");
                }
                Ok(out)
            }
            _ => return CommandOutput::err(2, USAGE),
        };
        match r {
            Ok(s) => CommandOutput::out(s),
            Err(e) => CommandOutput::err(
                1,
                format!("netem: {e}\n").replace("netem: netem: ", "netem: "),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha8Rng;
    use rand_core::{RngCore, SeedableRng};

    #[test]
    fn unknown_and_bad_input_never_panics_and_changes_nothing() {
        let mut c = Cluster::seed_cluster(3);
        c.run_for(2000);
        let before = c.snapshot();
        for l in [
            "frobnicate",
            "sleep",
            "sleep -1",
            "sleep abc",
            "netem cut zookeeper1",
            "netem cut zookeeper1 nowhere",
            "netem loss zookeeper1 zookeeper2 300",
            "docker compose stop nosuch",
            "docker exec nosuch zkServer.sh status",
            "docker network disconnect nonet zookeeper1",
            "echo 'unterminated",
        ] {
            let out = c.run_command(l, None);
            assert!(!out.ok(), "{l} should fail");
            assert!(!out.stderr.is_empty(), "{l} should explain");
        }
        let after = c.snapshot();
        assert_eq!(before.hosts, after.hosts);
        assert_eq!(before.network, after.network);
        assert_eq!(before.now_ms, after.now_ms);
    }

    #[test]
    fn random_lines_never_panic() {
        let mut rng = ChaCha8Rng::seed_from_u64(99);
        let vocab = [
            "zookeeper-shell",
            "zookeeper1:2181",
            "zookeeper2:2182",
            "ls",
            "get",
            "create",
            "set",
            "delete",
            "deleteall",
            "stat",
            "-s",
            "-e",
            "-v",
            "/",
            "/a",
            "/a/b",
            "a",
            "''",
            "\"x",
            "docker",
            "compose",
            "stop",
            "start",
            "pause",
            "unpause",
            "kill",
            "restart",
            "exec",
            "zkServer.sh",
            "status",
            "network",
            "disconnect",
            "connect",
            "kafka_default",
            "netem",
            "cut",
            "heal",
            "delay",
            "loss",
            "show",
            "--all",
            "--oneway",
            "sleep",
            "0.2",
            "-1",
            "zookeeper3",
            "kafka1",
            "<<EOF",
            "#",
            "\\",
            "9999999999999999999999",
            "ü",
            "\u{0}",
        ];
        let mut c = Cluster::seed_cluster(5);
        for _ in 0..400 {
            let n = (rng.next_u32() % 7) as usize;
            let line: Vec<&str> = (0..n)
                .map(|_| vocab[(rng.next_u32() as usize) % vocab.len()])
                .collect();
            let _ = c.run_command(&line.join(" "), None);
        }
        let bytes: Vec<u8> = (0..2000).map(|_| (rng.next_u32() % 128) as u8).collect();
        for chunk in bytes.chunks(37) {
            let s = String::from_utf8_lossy(chunk).to_string();
            let _ = c.run_command(&s, Some(&s));
        }
    }
}
