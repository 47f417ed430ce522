//! `--help` (and `-h` where the real tool takes it) for every command of the language: usage
//! text on standard output, status 0, nothing run.

use crate::cluster::Cluster;

#[test]
fn every_command_answers_help_without_running_anything() {
    let mut c = Cluster::seed_cluster(2);
    c.run_for(3_000);
    let cases: &[(&str, &str)] = &[
        ("help", "kafka-topics"),
        ("--help", "COMMAND --help"),
        ("kafka-topics --help", "--replication-factor <n>"),
        (
            "kafka-topics.sh --bootstrap-server kafka1:19091 --list --help",
            "--create",
        ),
        (
            "kafka-leader-election --help",
            "--election-type <preferred|unclean>",
        ),
        ("kafka-console-producer --help", "--topic <topic>"),
        ("kafka-console-consumer --help", "--from-beginning"),
        ("kafka-consumer-groups --help", "--describe"),
        (
            "zookeeper-shell --help",
            "\tdeleteall path [-b batch size]\n",
        ),
        ("zkCli.sh --help", "USAGE: zookeeper-shell"),
        ("docker --help", "Run 'docker COMMAND --help'"),
        ("docker -h", "  compose     Docker Compose"),
        (
            "docker compose --help",
            "Usage:  docker compose [OPTIONS] COMMAND",
        ),
        (
            "docker compose -h",
            "  up          Create and start containers",
        ),
        ("docker-compose --help", "Docker Compose"),
        (
            "docker compose stop --help",
            "Usage:  docker compose stop [SERVICE...]",
        ),
        ("docker compose -p kafka kill -h", "SIGKILL"),
        ("docker compose pause zookeeper1 --help", "Pause services"),
        (
            "docker exec --help",
            "Usage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]",
        ),
        ("docker exec -it -h", "Allocate a pseudo-TTY"),
        (
            "docker exec kafka1 kafka-topics --help",
            "This tool helps to create",
        ),
        (
            "docker exec kafka1 zookeeper-shell --help",
            "USAGE: zookeeper-shell",
        ),
        (
            "docker stop --help",
            "Usage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]",
        ),
        (
            "docker kill zookeeper1 -h",
            "Kill one or more running containers",
        ),
        ("docker ps --help", "List containers"),
        (
            "docker network --help",
            "  disconnect  Disconnect a container from a network",
        ),
        ("docker network disconnect --help", "NETWORK CONTAINER"),
        ("python --help", "python producer.py"),
        ("python3 -h", "python consumer.py"),
        ("sleep --help", "Usage: sleep NUMBER[SUFFIX]"),
        ("netem --help", "heal --all"),
        ("netem -h", "loss A B PERCENT"),
        ("jobs --help", "Display status of jobs."),
        ("kill --help", "kill %N"),
    ];
    let before = c.snapshot();
    for (line, expect) in cases {
        let out = c.run_command(line, None);
        assert_eq!(out.exit_code, 0, "{line}: {out:?}");
        assert!(out.stdout.contains(expect), "{line}: {}", out.stdout);
        assert!(out.stderr.is_empty(), "{line}: {}", out.stderr);
    }
    let after = c.snapshot();
    assert_eq!(before.now_ms, after.now_ms);
    assert_eq!(before.hosts, after.hosts);
    // zkServer.sh prints its usage for anything but its verbs, as the real script does.
    let out = c.run_command("docker exec zookeeper1 zkServer.sh --help", None);
    assert!(out.stdout.starts_with("Usage: "), "{out:?}");
    // Kafka's tools take --help only: -h is an unknown option there.
    let out = c.run_command("kafka-topics -h", None);
    assert_ne!(out.exit_code, 0);
}

#[test]
fn the_zookeeper_shell_s_help_command_prints_its_usage() {
    let mut c = Cluster::seed_cluster(2);
    assert!(c.wait_until_ready(60_000));
    let out = c.run_command("zookeeper-shell zookeeper1:2181 help", None);
    assert_eq!(out.exit_code, 0, "{out:?}");
    assert!(
        out.stdout.starts_with("Connecting to zookeeper1:2181\n"),
        "{out:?}"
    );
    assert!(
        out.stderr.starts_with("ZooKeeper -server host:port -client-configuration properties-file cmd args\n\tcreate [-s] [-e] [-c] [-t ttl] path [data] [acl]\n"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("\tquit\n"), "{}", out.stderr);
}
