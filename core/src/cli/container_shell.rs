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

/// The shell `docker exec -it CONTAINER bash` opens: the container, its image and the
/// working directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shell {
    pub container: String,
    image: Image,
    cwd: String,
}

/// Unix tools a student may try that the playground does not simulate: a clear word instead
/// of a misleading "command not found".
const NOT_SIMULATED: &[&str] = &[
    "ls", "cat", "less", "more", "vi", "vim", "nano", "ps", "top", "grep", "find", "tail", "head",
    "env", "java", "curl", "ping", "apt", "apt-get", "yum", "microdnf",
];

impl Shell {
    /// A shell in `container`, started in its image's WORKDIR; None for a name that is not
    /// one of the cluster's containers.
    pub fn open(cluster: &Cluster, container: &str) -> Option<Shell> {
        let mut shell = Shell {
            container: container.to_string(),
            image: image_of(cluster, container)?,
            cwd: String::new(),
        };
        shell.cwd = shell.home().to_string();
        Some(shell)
    }

    /// The image's WORKDIR, where the shell starts and a bare `cd` goes.
    fn home(&self) -> &'static str {
        match self.image {
            Image::ZooKeeper => ZK_HOME,
            Image::Kafka => "/home/appuser",
        }
    }

    /// The prompt, as bash shows it in the image.
    pub fn prompt(&self) -> String {
        match self.image {
            Image::ZooKeeper => format!("root@{}:{}# ", self.container, self.cwd),
            Image::Kafka => {
                let dir = if self.cwd == self.home() {
                    "~"
                } else {
                    self.cwd.rsplit('/').find(|s| !s.is_empty()).unwrap_or("/")
                };
                format!("[appuser@{} {dir}]$ ", self.container)
            }
        }
    }

    fn cd(&mut self, dir: Option<&str>) {
        let target = match dir {
            None | Some("~") => self.home().to_string(),
            Some(d) if d.starts_with('/') => d.trim_end_matches('/').to_string(),
            Some("..") => match self.cwd.rsplit_once('/') {
                Some(("", _)) | None => "/".into(),
                Some((parent, _)) => parent.to_string(),
            },
            Some(d) => format!("{}/{d}", self.cwd.trim_end_matches('/')),
        };
        self.cwd = if target.is_empty() {
            "/".into()
        } else {
            target
        };
    }

    /// One line typed in the shell: what it printed, and whether the shell is still open
    /// (`exit` closes it).
    pub fn run_line(
        &mut self,
        cluster: &mut Cluster,
        args: &[&str],
        stdin: Option<&str>,
        line: &str,
        background: bool,
    ) -> (CommandOutput, bool) {
        let Some(&first) = args.first() else {
            return (CommandOutput::default(), true);
        };
        let out = match first {
            "exit" | "logout" => return (CommandOutput::out("exit\n"), false),
            "pwd" => CommandOutput::out(format!("{}\n", self.cwd)),
            "hostname" => CommandOutput::out(format!("{}\n", self.container)),
            "whoami" => CommandOutput::out(match self.image {
                Image::ZooKeeper => "root\n",
                Image::Kafka => "appuser\n",
            }),
            "echo" => CommandOutput::out(format!("{}\n", args[1..].join(" "))),
            "cd" => {
                self.cd(args.get(1).copied());
                CommandOutput::default()
            }
            "help" => CommandOutput::out(format!(
                "Inside {} the playground runs: {}; and exit, cd, pwd, hostname, whoami, echo.\n",
                self.container,
                programs(cluster, &self.container).join(", ")
            )),
            c if NOT_SIMULATED.contains(&c) => CommandOutput::err(
                127,
                format!("{c}: the playground simulates this container's Kafka and ZooKeeper tools, not its files or processes (type help)\n"),
            ),
            _ => run_program(cluster, &self.container, args, stdin, line, background)
                .unwrap_or_else(|| {
                    CommandOutput::err(127, format!("bash: {first}: command not found\n"))
                }),
        };
        (out, true)
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
