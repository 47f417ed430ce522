//! Tab completion for the page's terminals: command names, subcommands, each tool's options
//! (the ones its `--help` lists), and the cluster's hosts, addresses and topics where a value
//! is expected. Reads the cluster only.

use crate::cli::container_shell;
use crate::cluster::Cluster;

/// What Tab does to a line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// The line with the word being typed grown as far as every candidate agrees (a space
    /// after it when only one fits).
    pub line: String,
    /// Every word that fits, when more than one does.
    pub candidates: Vec<String>,
}

/// The commands of the language.
pub const COMMANDS: [&str; 16] = [
    "clear",
    "docker",
    "docker-compose",
    "help",
    "jobs",
    "kafka-console-consumer",
    "kafka-console-producer",
    "kafka-consumer-groups",
    "kafka-leader-election",
    "kafka-topics",
    "kill",
    "netem",
    "python",
    "sleep",
    "zkCli.sh",
    "zookeeper-shell",
];

/// Each Kafka tool's options, as its `--help` lists them.
pub fn options(tool: &str) -> &'static [&'static str] {
    match tool.trim_end_matches(".sh") {
        "kafka-topics" => &[
            "--alter",
            "--bootstrap-server",
            "--config",
            "--create",
            "--delete",
            "--describe",
            "--exclude-internal",
            "--help",
            "--if-exists",
            "--if-not-exists",
            "--list",
            "--partitions",
            "--replication-factor",
            "--topic",
            "--unavailable-partitions",
            "--under-replicated-partitions",
        ],
        "kafka-console-producer" => &[
            "--bootstrap-server",
            "--help",
            "--producer-property",
            "--property",
            "--request-required-acks",
            "--topic",
        ],
        "kafka-console-consumer" => &[
            "--bootstrap-server",
            "--consumer-property",
            "--from-beginning",
            "--group",
            "--help",
            "--max-messages",
            "--offset",
            "--partition",
            "--property",
            "--timeout-ms",
            "--topic",
        ],
        "kafka-consumer-groups" => &[
            "--all-groups",
            "--all-topics",
            "--bootstrap-server",
            "--by-duration",
            "--delete",
            "--delete-offsets",
            "--describe",
            "--dry-run",
            "--execute",
            "--export",
            "--group",
            "--help",
            "--list",
            "--members",
            "--reset-offsets",
            "--shift-by",
            "--state",
            "--timeout",
            "--to-current",
            "--to-datetime",
            "--to-earliest",
            "--to-latest",
            "--to-offset",
            "--topic",
            "--verbose",
        ],
        "kafka-leader-election" => &[
            "--all-topic-partitions",
            "--bootstrap-server",
            "--election-type",
            "--help",
            "--partition",
            "--topic",
        ],
        _ => &[],
    }
}

const DOCKER: [&str; 10] = [
    "compose", "exec", "kill", "network", "pause", "ps", "restart", "start", "stop", "unpause",
];
const COMPOSE: [&str; 8] = [
    "kill", "pause", "ps", "restart", "start", "stop", "unpause", "up",
];
const ZK_COMMANDS: [&str; 8] = [
    "create",
    "delete",
    "deleteall",
    "get",
    "ls",
    "quit",
    "set",
    "stat",
];

/// The completion of `word` (the end of `line`, after `head`) from the words that may follow.
fn complete_from(line: &str, head: &str, word: &str, words: Vec<String>) -> Completion {
    let mut fits: Vec<String> = words.into_iter().filter(|w| w.starts_with(word)).collect();
    crate::sort::sort(&mut fits);
    fits.dedup();
    match fits.as_slice() {
        [] => Completion {
            line: line.to_string(),
            candidates: Vec::new(),
        },
        [only] => Completion {
            line: format!("{head}{only} "),
            candidates: Vec::new(),
        },
        many => {
            let common = many.iter().skip(1).fold(many[0].clone(), |acc, w| {
                acc.chars()
                    .zip(w.chars())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a)
                    .collect()
            });
            Completion {
                line: format!(
                    "{head}{}",
                    if common.len() > word.len() {
                        &common
                    } else {
                        word
                    }
                ),
                candidates: fits,
            }
        }
    }
}

fn owned(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

impl Cluster {
    /// Completes `line` typed in a terminal: on the host, or in the shell of `container`
    /// (`docker exec -it CONTAINER bash`), where the words are those of the container's tools.
    pub fn complete_in(&self, line: &str, container: Option<&str>) -> Completion {
        let Some(container) = container else {
            return self.complete(line);
        };
        if !line.contains(char::is_whitespace) {
            let mut words = owned(&["cd", "exit", "hostname", "pwd"]);
            words.extend(owned(&container_shell::programs(self, container)));
            return complete_from(line, "", line, words);
        }
        let prefix = format!("docker exec {container} ");
        let r = self.complete(&format!("{prefix}{line}"));
        Completion {
            line: r.line.strip_prefix(&prefix).unwrap_or(line).to_string(),
            candidates: r.candidates,
        }
    }

    /// Completes the last word of `line` (the word the cursor ends).
    pub fn complete(&self, line: &str) -> Completion {
        let (head, word) = match line.rfind(char::is_whitespace) {
            Some(i) => (&line[..=i], &line[i + 1..]),
            None => ("", line),
        };
        let before: Vec<&str> = head.split_whitespace().collect();
        complete_from(line, head, word, self.words_after(&before))
    }

    /// The words that may come after `before`.
    fn words_after(&self, before: &[&str]) -> Vec<String> {
        let containers = self.service_names();
        let zookeepers: Vec<String> = self
            .config()
            .zookeepers
            .iter()
            .map(|z| format!("{}:{}", z.hostname, z.client_port))
            .collect();
        let Some((&cmd, args)) = before.split_first() else {
            return owned(&COMMANDS);
        };
        let prev = args.last().copied().unwrap_or(cmd);
        match cmd.trim_end_matches(".sh") {
            "docker" | "docker-compose" => {
                let rest = if cmd == "docker-compose" {
                    before
                } else {
                    args
                };
                match rest {
                    [] => owned(&DOCKER),
                    ["compose" | "docker-compose", more @ ..] => {
                        if more.iter().any(|w| COMPOSE.contains(w)) {
                            containers
                        } else {
                            owned(&COMPOSE)
                        }
                    }
                    ["exec", more @ ..] => {
                        // docker's options, the container, then the command and its words.
                        match more.iter().position(|w| !w.starts_with('-')) {
                            None => {
                                let mut w = owned(&["-it"]);
                                w.extend(containers);
                                w
                            }
                            Some(i) if i + 1 == more.len() => {
                                let mut w = owned(&["bash"]);
                                w.extend(owned(&container_shell::programs(self, more[i])));
                                w.sort();
                                w
                            }
                            Some(i) => self.words_after(&more[i + 1..]),
                        }
                    }
                    ["network"] => owned(&["connect", "disconnect", "ls"]),
                    ["network", "connect" | "disconnect"] => vec!["kafka_default".to_string()],
                    ["network", "connect" | "disconnect", _] => containers,
                    [verb, ..] if DOCKER.contains(verb) && *verb != "ps" => containers,
                    _ => Vec::new(),
                }
            }
            "zookeeper-shell" | "zkCli" => match args {
                [] => zookeepers,
                ["-server"] => zookeepers,
                [_] | ["-server", _] => owned(&ZK_COMMANDS),
                _ => Vec::new(),
            },
            "zkServer" => owned(&["status"]),
            "python" | "python3" if args.is_empty() => owned(&["consumer.py", "producer.py"]),
            "netem" => match args {
                [] => owned(&["cut", "delay", "heal", "loss", "show"]),
                ["heal"] => {
                    let mut w = owned(&["--all"]);
                    w.extend(containers);
                    w
                }
                ["cut" | "delay" | "loss" | "heal", ..] if args.len() <= 2 => containers,
                ["cut", _, _] => owned(&["--oneway"]),
                _ => Vec::new(),
            },
            tool if tool.starts_with("kafka-") => match prev {
                "--bootstrap-server" | "--broker-list" => {
                    let mut w = Vec::new();
                    for b in &self.config().brokers {
                        w.extend(b.listeners.iter().map(|l| l.address()));
                    }
                    w
                }
                "--topic" => self.topics().into_iter().map(|t| t.name).collect(),
                "--election-type" => owned(&["preferred", "unclean"]),
                "--property" => owned(&[
                    "key.separator=",
                    "parse.key=true",
                    "print.key=true",
                    "print.offset=true",
                    "print.partition=true",
                    "print.timestamp=true",
                ]),
                "--producer-property" => owned(&["acks=0", "acks=1", "acks=all"]),
                "--consumer-property" => owned(&[
                    "auto.offset.reset=earliest",
                    "partition.assignment.strategy=",
                ]),
                _ => owned(options(tool)),
            },
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(c: &Cluster, line: &str) -> (String, Vec<String>) {
        let r = c.complete(line);
        (r.line, r.candidates)
    }

    #[test]
    fn a_containers_shell_completes_the_containers_tools() {
        let c = Cluster::seed_cluster(3);
        let r = c.complete_in("kafka-con", Some("kafka2"));
        assert_eq!(r.line, "kafka-cons");
        assert_eq!(
            r.candidates,
            [
                "kafka-console-consumer",
                "kafka-console-producer",
                "kafka-consumer-groups"
            ]
        );
        assert_eq!(c.complete_in("ex", Some("kafka2")).line, "exit ");
        assert_eq!(
            c.complete_in("kafka-topics --li", Some("kafka2")).line,
            "kafka-topics --list "
        );
        assert_eq!(
            c.complete_in("zkS", Some("zookeeper1")).line,
            "zkServer.sh "
        );
        // No docker inside a container; on the host, the host's commands.
        assert_eq!(c.complete_in("dock", Some("kafka2")).line, "dock");
        assert_eq!(c.complete_in("dock", None).line, "docker");
    }

    #[test]
    fn commands_subcommands_options_and_names_complete() {
        let mut c = Cluster::seed_cluster(3);
        assert!(c.wait_until_ready(60_000));
        assert!(c.wait_until_brokers_ready(60_000));
        let out = c.run_command(
            "kafka-topics --bootstrap-server kafka1:19091 --create --topic orders --partitions 1 --replication-factor 1",
            None,
        );
        assert!(out.ok(), "{out:?}");
        c.run_for(2_000);
        assert_eq!(lines_of(&c, "kafka-to").0, "kafka-topics ");
        let (line, all) = lines_of(&c, "kafka-con");
        assert_eq!(line, "kafka-cons");
        assert_eq!(
            all,
            [
                "kafka-console-consumer",
                "kafka-console-producer",
                "kafka-consumer-groups"
            ]
        );
        assert_eq!(
            lines_of(&c, "kafka-topics --desc").0,
            "kafka-topics --describe "
        );
        assert_eq!(
            lines_of(&c, "kafka-topics --describe --topic or").0,
            "kafka-topics --describe --topic orders "
        );
        assert_eq!(
            lines_of(&c, "kafka-console-consumer --bootstrap-server 127").0,
            "kafka-console-consumer --bootstrap-server 127.0.0.1:909"
        );
        assert_eq!(lines_of(&c, "docker comp").0, "docker compose ");
        assert_eq!(lines_of(&c, "docker compose st").1, ["start", "stop"]);
        assert_eq!(
            lines_of(&c, "docker compose stop zookeeper").1,
            ["zookeeper1", "zookeeper2", "zookeeper3"]
        );
        assert_eq!(
            lines_of(&c, "docker exec kafka2 kafka-t").0,
            "docker exec kafka2 kafka-topics "
        );
        assert_eq!(
            lines_of(&c, "docker exec -it zookeeper1 zkS").0,
            "docker exec -it zookeeper1 zkServer.sh "
        );
        assert_eq!(
            lines_of(&c, "docker exec kafka1 kafka-topics --li").0,
            "docker exec kafka1 kafka-topics --list "
        );
        assert_eq!(
            lines_of(&c, "zookeeper-shell zookeeper2").0,
            "zookeeper-shell zookeeper2:2182 "
        );
        assert_eq!(
            lines_of(&c, "zookeeper-shell zookeeper2:2182 deletea").0,
            "zookeeper-shell zookeeper2:2182 deleteall "
        );
        assert_eq!(lines_of(&c, "python c").0, "python consumer.py ");
        assert_eq!(lines_of(&c, "netem heal --a").0, "netem heal --all ");
        assert_eq!(
            lines_of(&c, "kafka-leader-election --election-type u").0,
            "kafka-leader-election --election-type unclean "
        );
        // Nothing fits: the line stays.
        assert_eq!(lines_of(&c, "frob"), ("frob".to_string(), Vec::new()));
        assert_eq!(lines_of(&c, "sleep 1"), ("sleep 1".to_string(), Vec::new()));
    }

    #[test]
    fn every_option_offered_is_one_the_tool_s_help_lists() {
        let mut c = Cluster::seed_cluster(1);
        for tool in COMMANDS.iter().filter(|t| t.starts_with("kafka-")) {
            let help = c.run_command(&format!("{tool} --help"), None).stdout;
            assert!(!options(tool).is_empty(), "{tool}");
            for o in options(tool).iter().filter(|o| **o != "--help") {
                assert!(help.contains(o), "{tool} --help does not list {o}:\n{help}");
            }
        }
        // And every command is offered for its own name.
        for cmd in COMMANDS {
            let r = c.complete(cmd);
            assert!(
                r.line == format!("{cmd} ") || r.candidates.iter().any(|w| w == cmd),
                "{cmd}: {r:?}"
            );
        }
    }
}
