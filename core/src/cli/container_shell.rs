//! Inside a container: what `docker exec CONTAINER PROGRAM …` can run (the programs its image
//! ships) and the shell `docker exec -it CONTAINER bash` opens, as the seed does ("connect to
//! the broker container and run kafka-topics from /usr/bin").
//!
//! Programs run inside a container connect from there: container names resolve, and
//! `localhost` is the container itself. The images are the seed's: `confluentinc/cp-kafka:7.0`
//! (user `appuser`, the Kafka tools on the PATH without `.sh`, `zookeeper-shell` included) and
//! the official `zookeeper:3.7` (user root, `zkServer.sh` and `zkCli.sh` on the PATH).

use crate::cli::{
    clients_cli, consumer_groups, kafka_topics, leader_election, zookeeper_shell, CommandOutput,
};
use crate::cluster::Cluster;

/// The official zookeeper image's working directory.
const ZK_HOME: &str = "/apache-zookeeper-3.7.0-bin";

/// Which image a service runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Image {
    Kafka,
    ZooKeeper,
}

pub fn image_of(cluster: &Cluster, container: &str) -> Option<Image> {
    let config = cluster.config();
    if config.brokers.iter().any(|b| b.service == container) {
        Some(Image::Kafka)
    } else if config.zookeepers.iter().any(|z| z.service == container) {
        Some(Image::ZooKeeper)
    } else {
        None
    }
}

/// Runs `args` (program first) inside `container` if its image has that program.
pub fn run_program(
    cluster: &mut Cluster,
    container: &str,
    args: &[&str],
    stdin: Option<&str>,
    line: &str,
    background: bool,
) -> Option<CommandOutput> {
    let (&prog, rest) = args.split_first()?;
    let name = prog.rsplit('/').next().unwrap_or(prog);
    let inside = Some(container);
    match (image_of(cluster, container)?, name) {
        (Image::ZooKeeper, "zkServer.sh") => {
            Some(crate::cli::docker::zk_server_sh(cluster, container, rest))
        }
        (Image::ZooKeeper, "zkCli.sh") | (Image::Kafka, "zookeeper-shell") => {
            Some(zookeeper_shell::run(cluster, name, rest, stdin, inside))
        }
        (Image::Kafka, "kafka-topics") => Some(kafka_topics::run(cluster, rest, inside)),
        (Image::Kafka, "kafka-leader-election") => {
            Some(leader_election::run(cluster, rest, inside))
        }
        (Image::Kafka, "kafka-console-producer") => {
            Some(clients_cli::console_producer(cluster, rest, stdin, inside))
        }
        (Image::Kafka, "kafka-console-consumer") => Some(clients_cli::console_consumer(
            cluster, rest, line, background, inside,
        )),
        (Image::Kafka, "kafka-consumer-groups") => {
            Some(consumer_groups::run(cluster, rest, inside))
        }
        _ => None,
    }
}

/// The shell's prompt in `container` (bash's default prompt in each image).
pub fn prompt(cluster: &Cluster, container: &str, cwd: &str) -> String {
    match image_of(cluster, container) {
        Some(Image::ZooKeeper) => format!("root@{container}:{cwd}# "),
        _ => {
            let dir = if cwd == "/home/appuser" {
                "~"
            } else {
                cwd.rsplit('/').find(|s| !s.is_empty()).unwrap_or("/")
            };
            format!("[appuser@{container} {dir}]$ ")
        }
    }
}

/// Where the shell starts (the image's WORKDIR).
pub fn home(cluster: &Cluster, container: &str) -> &'static str {
    match image_of(cluster, container) {
        Some(Image::ZooKeeper) => ZK_HOME,
        _ => "/home/appuser",
    }
}

/// What a line typed in the shell did to the shell itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShellEffect {
    None,
    Exit,
    ChangeDir(String),
}

/// Unix tools a student may try that the playground does not simulate: a clear word instead
/// of a misleading "command not found".
const NOT_SIMULATED: &[&str] = &[
    "ls", "cat", "less", "more", "vi", "vim", "nano", "ps", "top", "grep", "find", "tail", "head",
    "env", "java", "curl", "ping", "apt", "apt-get", "yum", "microdnf",
];

/// One line typed in the container's shell (`cwd` is its working directory).
pub fn run_line(
    cluster: &mut Cluster,
    container: &str,
    cwd: &str,
    args: &[&str],
    stdin: Option<&str>,
    line: &str,
    background: bool,
) -> (CommandOutput, ShellEffect) {
    let Some(&first) = args.first() else {
        return (CommandOutput::default(), ShellEffect::None);
    };
    let out = |s: String| (CommandOutput::out(s), ShellEffect::None);
    match first {
        "exit" | "logout" => (CommandOutput::out("exit\n"), ShellEffect::Exit),
        "pwd" => out(format!("{cwd}\n")),
        "hostname" => out(format!("{container}\n")),
        "whoami" => out(match image_of(cluster, container) {
            Some(Image::ZooKeeper) => "root\n".into(),
            _ => "appuser\n".into(),
        }),
        "echo" => out(format!("{}\n", args[1..].join(" "))),
        "cd" => {
            let target = match args.get(1) {
                None | Some(&"~") => home(cluster, container).to_string(),
                Some(d) if d.starts_with('/') => d.trim_end_matches('/').to_string(),
                Some(&"..") => match cwd.rsplit_once('/') {
                    Some(("", _)) | None => "/".into(),
                    Some((parent, _)) => parent.to_string(),
                },
                Some(d) => format!("{}/{d}", cwd.trim_end_matches('/')),
            };
            let target = if target.is_empty() { "/".into() } else { target };
            (CommandOutput::default(), ShellEffect::ChangeDir(target))
        }
        "help" => out(format!(
            "Inside {container} the playground runs: {}; and exit, cd, pwd, hostname, whoami, echo.\n",
            programs(cluster, container).join(", ")
        )),
        c if NOT_SIMULATED.contains(&c) => (
            CommandOutput::err(
                127,
                format!("{c}: the playground simulates this container's Kafka and ZooKeeper tools, not its files or processes (type help)\n"),
            ),
            ShellEffect::None,
        ),
        _ => match run_program(cluster, container, args, stdin, line, background) {
            Some(o) => (o, ShellEffect::None),
            None => (
                CommandOutput::err(127, format!("bash: {first}: command not found\n")),
                ShellEffect::None,
            ),
        },
    }
}

/// The programs `container`'s image has, for `help` and tab completion.
pub fn programs(cluster: &Cluster, container: &str) -> Vec<&'static str> {
    match image_of(cluster, container) {
        Some(Image::Kafka) => vec![
            "kafka-topics",
            "kafka-console-producer",
            "kafka-console-consumer",
            "kafka-consumer-groups",
            "kafka-leader-election",
            "zookeeper-shell",
        ],
        Some(Image::ZooKeeper) => vec!["zkServer.sh", "zkCli.sh"],
        None => Vec::new(),
    }
}
