//! `docker compose …`, `docker stop|start|…`, `docker exec`, `docker network …`: the fault
//! verbs of the seed's compose project, with docker-like output.

use crate::cli::container_shell::{self, Shell};
use crate::cli::CommandOutput;
use crate::cluster::{Cluster, HostAction};
use crate::snapshot::HostStatus;

/// The compose project's default network (project `kafka`).
pub const NETWORK: &str = "kafka_default";

fn network_ok(n: &str) -> bool {
    n == NETWORK || n == "default" || n.ends_with("_default")
}

fn is_help(a: &&str) -> bool {
    matches!(*a, "--help" | "-h")
}

/// `docker --help`: the commands the playground simulates.
pub const HELP: &str = "
Usage:  docker [OPTIONS] COMMAND

A self-sufficient runtime for containers

Management Commands:
  compose     Docker Compose
  network     Manage networks

Commands:
  exec        Run a command in a running container
  kill        Kill one or more running containers
  pause       Pause all processes within one or more containers
  ps          List containers
  restart     Restart one or more containers
  start       Start one or more stopped containers
  stop        Stop one or more running containers
  unpause     Unpause all processes within one or more containers

Run 'docker COMMAND --help' for more information on a command.
";

/// `docker compose --help`.
pub const COMPOSE_HELP: &str = "
Usage:  docker compose [OPTIONS] COMMAND

Docker Compose

Options:
  -f, --file stringArray           Compose configuration files
  -p, --project-name string        Project name

Commands:
  kill        Force stop service containers.
  pause       Pause services
  ps          List containers
  restart     Restart service containers
  start       Start services
  stop        Stop services
  unpause     Unpause services
  up          Create and start containers

Run 'docker compose COMMAND --help' for more information on a command.
";

/// `docker compose VERB --help`.
fn compose_verb_help(verb: &str) -> Option<String> {
    let (args, what, options) = match verb {
        "stop" => ("[SERVICE...]", "Stop services", "  -t, --timeout int   Specify a shutdown timeout in seconds (default 10)\n"),
        "kill" => ("[OPTIONS] [SERVICE...]", "Force stop service containers.", "  -s, --signal string   SIGNAL to send to the container. (default \"SIGKILL\")\n"),
        "start" => ("[SERVICE...]", "Start services", ""),
        "restart" => ("[SERVICE...]", "Restart service containers", "  -t, --timeout int   Specify a shutdown timeout in seconds (default 10)\n"),
        "pause" => ("[SERVICE...]", "Pause services", ""),
        "unpause" => ("[SERVICE...]", "Unpause services", ""),
        "up" => ("[SERVICE...]", "Create and start containers", "  -d, --detach        Detached mode: Run containers in the background\n      --no-deps       Don't start linked services.\n"),
        "ps" => ("[SERVICE...]", "List containers", ""),
        _ => return None,
    };
    let options = if options.is_empty() {
        String::new()
    } else {
        format!("\nOptions:\n{options}")
    };
    Some(format!(
        "\nUsage:  docker compose {verb} {args}\n\n{what}\n{options}"
    ))
}

/// `docker VERB --help` for the container verbs, `ps` and `exec`.
fn verb_help(verb: &str) -> Option<String> {
    let (args, what, options) = match verb {
        "stop" => ("[OPTIONS] CONTAINER [CONTAINER...]", "Stop one or more running containers", "  -t, --time int   Seconds to wait for stop before killing it (default 10)\n"),
        "kill" => ("[OPTIONS] CONTAINER [CONTAINER...]", "Kill one or more running containers", "  -s, --signal string   Signal to send to the container (default \"KILL\")\n"),
        "start" => ("[OPTIONS] CONTAINER [CONTAINER...]", "Start one or more stopped containers", ""),
        "restart" => ("[OPTIONS] CONTAINER [CONTAINER...]", "Restart one or more containers", "  -t, --time int   Seconds to wait for stop before killing the container (default 10)\n"),
        "pause" => ("CONTAINER [CONTAINER...]", "Pause all processes within one or more containers", ""),
        "unpause" => ("CONTAINER [CONTAINER...]", "Unpause all processes within one or more containers", ""),
        "ps" => ("[OPTIONS]", "List containers", "  -a, --all   Show all containers (default shows just running)\n"),
        "exec" => ("[OPTIONS] CONTAINER COMMAND [ARG...]", "Run a command in a running container\n\nThe playground's containers run: bash (a shell inside: exit leaves it);\nbrokers (cp-kafka): kafka-topics, kafka-console-producer, kafka-console-consumer,\nkafka-consumer-groups, kafka-leader-election, zookeeper-shell;\nZooKeepers (zookeeper): zkServer.sh status, zkCli.sh", "  -i, --interactive   Keep STDIN open even if not attached\n  -t, --tty           Allocate a pseudo-TTY\n"),
        "network" => ("COMMAND", "Manage networks\n\nCommands:\n  connect     Connect a container to a network\n  disconnect  Disconnect a container from a network\n  ls          List networks", ""),
        _ => return None,
    };
    let options = if options.is_empty() {
        String::new()
    } else {
        format!("\nOptions:\n{options}")
    };
    Some(format!(
        "\nUsage:  docker {verb} {args}\n\n{what}\n{options}"
    ))
}

/// `docker network connect|disconnect --help`.
fn network_help(verb: &str) -> Option<String> {
    let what = match verb {
        "connect" => "Connect a container to a network",
        "disconnect" => "Disconnect a container from a network",
        "ls" => return Some("\nUsage:  docker network ls [OPTIONS]\n\nList networks\n".into()),
        _ => return None,
    };
    Some(format!(
        "\nUsage:  docker network {verb} [OPTIONS] NETWORK CONTAINER\n\n{what}\n"
    ))
}

/// `docker …`
pub fn run(
    cluster: &mut Cluster,
    args: &[&str],
    stdin: Option<&str>,
    line: &str,
    background: bool,
) -> CommandOutput {
    match args {
        [h, ..] if is_help(h) => return CommandOutput::out(HELP),
        ["network", v, rest @ ..] if rest.iter().any(is_help) => {
            if let Some(h) = network_help(v) {
                return CommandOutput::out(h);
            }
        }
        [verb, rest @ ..] if !matches!(*verb, "compose" | "exec") && rest.iter().any(is_help) => {
            if let Some(h) = verb_help(verb) {
                return CommandOutput::out(h);
            }
        }
        _ => {}
    }
    match args {
        ["compose", rest @ ..] => compose(cluster, rest),
        ["exec", rest @ ..] => exec(cluster, rest, stdin, line, background),
        ["network", rest @ ..] => network(cluster, rest),
        [verb @ ("stop" | "start" | "kill" | "restart" | "pause" | "unpause"), rest @ ..] => {
            plain(cluster, verb, rest)
        }
        ["ps", ..] => ps(cluster),
        [] => CommandOutput::err(2, "Usage:  docker [OPTIONS] COMMAND\n"),
        [c, ..] => CommandOutput::err(
            1,
            format!("docker: '{c}' is not a docker command (the playground knows compose, exec, network, stop, start, kill, restart, pause, unpause, ps).\n"),
        ),
    }
}

fn action_of(verb: &str) -> Option<HostAction> {
    Some(match verb {
        "stop" => HostAction::Stop,
        "kill" => HostAction::Kill,
        "start" | "up" => HostAction::Start,
        "restart" => HostAction::Restart,
        "pause" => HostAction::Pause,
        "unpause" => HostAction::Unpause,
        _ => return None,
    })
}

/// `docker compose [-f F] [-p P] VERB [OPTIONS] [SERVICE...]`
pub fn compose(cluster: &mut Cluster, args: &[&str]) -> CommandOutput {
    let mut i = 0;
    while i < args.len() && matches!(args[i], "-f" | "--file" | "-p" | "--project-name") {
        i += 2;
    }
    let Some(&verb) = args.get(i) else {
        return CommandOutput::err(2, "Usage:  docker compose [OPTIONS] COMMAND\n");
    };
    if is_help(&verb) {
        return CommandOutput::out(COMPOSE_HELP);
    }
    if args[i + 1..].iter().any(is_help) {
        if let Some(h) = compose_verb_help(verb) {
            return CommandOutput::out(h);
        }
    }
    let mut services: Vec<&str> = Vec::new();
    for a in &args[i + 1..] {
        match *a {
            "-d" | "--detach" | "-t" | "--timeout" | "--no-deps" => {}
            s if s.starts_with('-') => {
                if s.parse::<i64>().is_err() {
                    return CommandOutput::err(1, format!("unknown flag: {s}\n"));
                }
            }
            s if s.parse::<u64>().is_ok() => {} // value of -t
            s => services.push(s),
        }
    }
    if verb == "ps" {
        return ps(cluster);
    }
    let Some(action) = action_of(verb) else {
        return CommandOutput::err(
            1,
            format!("docker: '{verb}' is not a docker compose command the playground simulates (stop, kill, start, restart, pause, unpause, up, ps).\n"),
        );
    };
    for s in &services {
        if !cluster.is_service(s) {
            return CommandOutput::err(1, format!("no such service: {s}\n"));
        }
    }
    let all = cluster.service_names();
    let targets: Vec<String> = if services.is_empty() {
        all
    } else {
        services.iter().map(|s| s.to_string()).collect()
    };
    if action == HostAction::Pause || action == HostAction::Unpause {
        for t in &targets {
            let st = cluster.host_status(t);
            let ok = match action {
                HostAction::Pause => st == Some(HostStatus::Running),
                _ => st == Some(HostStatus::Paused),
            };
            if !ok && !services.is_empty() {
                let msg = if action == HostAction::Pause {
                    format!("Error response from daemon: Container {t} is not running\n")
                } else {
                    format!("Error response from daemon: Container {t} is not paused\n")
                };
                return CommandOutput::err(1, msg);
            }
        }
    }
    let (ing, ed) = match action {
        HostAction::Stop => ("Stopping", "Stopped"),
        HostAction::Kill => ("Killing", "Killed"),
        HostAction::Start => ("Starting", "Started"),
        HostAction::Restart => ("Restarting", "Started"),
        HostAction::Pause => ("Pausing", "Paused"),
        HostAction::Unpause => ("Unpausing", "Unpaused"),
    };
    let mut err = String::new();
    for t in &targets {
        let st = cluster.host_status(t);
        let skip = match action {
            HostAction::Pause => st != Some(HostStatus::Running),
            HostAction::Unpause => st != Some(HostStatus::Paused),
            HostAction::Kill => !matches!(st, Some(HostStatus::Running | HostStatus::Paused)),
            _ => false,
        };
        if skip {
            continue;
        }
        // `up` leaves a running container as it is, as Compose v2 says.
        if verb == "up" && st == Some(HostStatus::Running) {
            err.push_str(&format!(" Container {t}  Running\n"));
            continue;
        }
        let _ = cluster.host_action(t, action);
        err.push_str(&format!(" Container {t}  {ing}\n Container {t}  {ed}\n"));
    }
    CommandOutput {
        stdout: String::new(),
        stderr: err,
        exit_code: 0,
    }
}

/// `docker stop|start|… CONTAINER...`: prints each container name.
fn plain(cluster: &mut Cluster, verb: &str, args: &[&str]) -> CommandOutput {
    let names: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    if names.is_empty() {
        return CommandOutput::err(
            1,
            format!(
                "\"docker {verb}\" requires at least 1 argument.\nSee 'docker {verb} --help'.\n"
            ),
        );
    }
    let action = action_of(verb).expect("matched verbs");
    let mut out = CommandOutput::default();
    for n in names {
        if !cluster.is_service(n) {
            out.stderr.push_str(&format!(
                "Error response from daemon: No such container: {n}\n"
            ));
            out.exit_code = 1;
            continue;
        }
        let st = cluster.host_status(n);
        let problem = match action {
            HostAction::Pause if st != Some(HostStatus::Running) => Some("is not running"),
            HostAction::Unpause if st != Some(HostStatus::Paused) => Some("is not paused"),
            HostAction::Kill if !matches!(st, Some(HostStatus::Running | HostStatus::Paused)) => {
                Some("is not running")
            }
            _ => None,
        };
        if let Some(p) = problem {
            out.stderr
                .push_str(&format!("Error response from daemon: Container {n} {p}\n"));
            out.exit_code = 1;
            continue;
        }
        let _ = cluster.host_action(n, action);
        out.stdout.push_str(&format!("{n}\n"));
    }
    out
}

fn ps(cluster: &Cluster) -> CommandOutput {
    let snap = cluster.snapshot();
    let mut out = format!(
        "{:<12} {:<28} {:<12} {}\n",
        "NAME", "IMAGE", "SERVICE", "STATUS"
    );
    for h in &snap.hosts {
        let image = match h.kind {
            crate::snapshot::HostKind::ZooKeeper => "zookeeper:3.7",
            crate::snapshot::HostKind::Broker => "confluentinc/cp-kafka:7.0.0",
        };
        let status = match h.status {
            HostStatus::Running => "Up",
            HostStatus::Stopped => "Exited (143)",
            HostStatus::Killed => "Exited (137)",
            HostStatus::Paused => "Up (Paused)",
        };
        out.push_str(&format!(
            "{:<12} {:<28} {:<12} {}\n",
            h.name, image, h.name, status
        ));
    }
    CommandOutput::out(out)
}

/// `docker exec [-it] CONTAINER CMD...`
fn exec(
    cluster: &mut Cluster,
    args: &[&str],
    stdin: Option<&str>,
    line: &str,
    background: bool,
) -> CommandOutput {
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        i += 1;
    }
    // Options before the container are docker's; after it they belong to the command.
    if args[..i].iter().any(is_help) {
        return CommandOutput::out(verb_help("exec").unwrap_or_default());
    }
    let Some((&container, cmd)) = args[i..].split_first() else {
        return CommandOutput::err(
            1,
            "\"docker exec\" requires at least 2 arguments.\nSee 'docker exec --help'.\n",
        );
    };
    match cluster.host_status(container).filter(|_| cluster.is_service(container)) {
        None => {
            return CommandOutput::err(1, format!("Error response from daemon: No such container: {container}\n"))
        }
        Some(HostStatus::Paused) => {
            return CommandOutput::err(
                1,
                format!("Error response from daemon: Container {container} is paused, unpause the container before exec\n"),
            )
        }
        Some(HostStatus::Stopped | HostStatus::Killed) => {
            return CommandOutput::err(1, format!("Error response from daemon: Container {container} is not running\n"))
        }
        Some(HostStatus::Running) => {}
    }
    let Some((&prog, _)) = cmd.split_first() else {
        return CommandOutput::err(
            1,
            "\"docker exec\" requires at least 2 arguments.\nSee 'docker exec --help'.\n",
        );
    };
    if matches!(prog, "bash" | "sh" | "/bin/bash" | "/bin/sh") {
        return open_shell(cluster, &args[..i], container, stdin);
    }
    match container_shell::run_program(cluster, container, cmd, stdin, line, background) {
        Some(out) => out,
        None => CommandOutput::err(
            126,
            format!("OCI runtime exec failed: exec failed: unable to start container process: exec: \"{prog}\": executable file not found in $PATH: unknown\n"),
        ),
    }
}

/// `docker exec [-it] CONTAINER bash`: at a terminal with `-it`, the terminal's session enters
/// the container's shell; with a here-document (`-i`), its lines run there one by one.
fn open_shell(
    cluster: &mut Cluster,
    docker_opts: &[&str],
    container: &str,
    stdin: Option<&str>,
) -> CommandOutput {
    let has = |short: char, long: &str| {
        docker_opts.iter().any(|o| {
            *o == long || (o.starts_with('-') && !o.starts_with("--") && o.contains(short))
        })
    };
    let (interactive, tty) = (has('i', "--interactive"), has('t', "--tty"));
    if tty && !cluster.tty {
        return CommandOutput::err(1, "the input device is not a TTY\n");
    }
    let Some(mut shell) = Shell::open(cluster, container) else {
        return CommandOutput::default();
    };
    if let Some(input) = stdin.filter(|_| interactive) {
        let mut out = CommandOutput::default();
        for l in input.lines() {
            let Ok(words) = crate::cli::parse::split_words(l) else {
                out.stderr
                    .push_str(&format!("bash: syntax error in: {l}\n"));
                continue;
            };
            let args: Vec<&str> = words.iter().map(String::as_str).collect();
            let (o, open) = shell.run_line(cluster, &args, None, l, false);
            out.stdout.push_str(&o.stdout);
            out.stderr.push_str(&o.stderr);
            out.exit_code = o.exit_code;
            if !open {
                break;
            }
        }
        return out;
    }
    if interactive && tty {
        cluster.entered_shell = Some(shell);
        return CommandOutput::default();
    }
    // Without -i bash reads nothing and exits at once.
    CommandOutput::default()
}

/// `zkServer.sh status` as the zookeeper:3.7 image prints it.
pub(crate) fn zk_server_sh(cluster: &Cluster, container: &str, args: &[&str]) -> CommandOutput {
    let Some(z) = cluster
        .config()
        .zookeepers
        .iter()
        .find(|z| z.service == container)
    else {
        return CommandOutput::err(
            126,
            "OCI runtime exec failed: exec failed: unable to start container process: exec: \"zkServer.sh\": executable file not found in $PATH: unknown\n",
        );
    };
    let header = "ZooKeeper JMX enabled by default\nUsing config: /conf/zoo.cfg\n".to_string();
    match args {
        ["status"] => {
            let mut stdout = format!(
                "Client port found: {}. Client address: localhost. Client SSL: false.\n",
                z.client_port
            );
            let st = cluster.zk_status(&z.hostname);
            let mode = st.as_ref().filter(|s| s.serving).map(|s| match s.mode {
                crate::sim::event::ZkMode::Leading => "leader",
                _ => "follower",
            });
            match mode {
                Some(m) => {
                    stdout.push_str(&format!("Mode: {m}\n"));
                    CommandOutput { stdout, stderr: header, exit_code: 0 }
                }
                None => {
                    stdout.push_str("Error contacting service. It is probably not running.\n");
                    CommandOutput { stdout, stderr: header, exit_code: 1 }
                }
            }
        }
        _ => CommandOutput {
            stdout: "Usage: /apache-zookeeper-3.7.0-bin/bin/zkServer.sh [--config <conf-dir>] {start|start-foreground|stop|version|restart|status|print-cmd}\n".into(),
            stderr: header,
            exit_code: 1,
        },
    }
}

/// `docker network disconnect|connect NETWORK CONTAINER`
fn network(cluster: &mut Cluster, args: &[&str]) -> CommandOutput {
    let (verb, net, container) = match args {
        [v @ ("disconnect" | "connect"), rest @ ..] => {
            let pos: Vec<&str> = rest.iter().copied().filter(|a| !a.starts_with('-')).collect();
            match pos.as_slice() {
                [n, c] => (*v, *n, *c),
                _ => {
                    return CommandOutput::err(
                        1,
                        format!("\"docker network {v}\" requires exactly 2 arguments.\n"),
                    )
                }
            }
        }
        ["ls", ..] => {
            return CommandOutput::out(format!(
                "NETWORK ID     NAME            DRIVER    SCOPE\n5f1d2c3b4a59   bridge          bridge    local\n8c7e6d5f4b3a   {NETWORK}   bridge    local\n"
            ))
        }
        _ => return CommandOutput::err(2, "Usage:  docker network COMMAND (connect, disconnect, ls)\n"),
    };
    if !network_ok(net) {
        return CommandOutput::err(
            1,
            format!("Error response from daemon: network {net} not found\n"),
        );
    }
    if !cluster.is_service(container) {
        return CommandOutput::err(
            1,
            format!("Error response from daemon: No such container: {container}\n"),
        );
    }
    let r = if verb == "disconnect" {
        cluster.disconnect(container)
    } else {
        cluster.connect(container)
    };
    match r {
        Ok(true) => CommandOutput::default(),
        Ok(false) if verb == "disconnect" => CommandOutput::err(
            1,
            format!("Error response from daemon: container {container} is not connected to network {net}\n"),
        ),
        Ok(false) => CommandOutput::err(
            1,
            format!("Error response from daemon: endpoint with name {container} already exists in network {net}\n"),
        ),
        Err(e) => CommandOutput::err(1, format!("Error response from daemon: {e}\n")),
    }
}
