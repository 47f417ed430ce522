//! `zookeeper-shell HOST:PORT CMD ARGS` (Kafka's wrapper of ZooKeeperMain, ZooKeeper 3.6
//! client): one session per invocation, opened for the command(s) and closed after.

use crate::cli::{line, CommandOutput};
use crate::cluster::Cluster;
use crate::zookeeper::messages::{KeeperError, Op, OpError, OpOutcome, OpResult};
use crate::zookeeper::tree::{child_path, validate_path, Stat};
use std::collections::VecDeque;

/// zookeeper-shell's default session timeout (ZooKeeperMain `-timeout`, 30000 ms).
const SHELL_SESSION_TIMEOUT_MS: u32 = 30_000;
/// How long one request may take in virtual time before the shell gives up.
const REQUEST_WAIT_MS: u64 = 40_000;

const USAGE: &str =
    "USAGE: zookeeper-shell zookeeper_host:port[/path] [-zk-tls-config-file file] [args...]\n";

/// A parsed shell command.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ShellCmd {
    Ls {
        path: String,
        stat: bool,
        recursive: bool,
        watch: bool,
    },
    Get {
        path: String,
        stat: bool,
        watch: bool,
    },
    Stat {
        path: String,
        watch: bool,
    },
    Create {
        path: String,
        data: Option<String>,
        ephemeral: bool,
        sequential: bool,
    },
    Set {
        path: String,
        data: String,
        version: i32,
        stat: bool,
    },
    Delete {
        path: String,
        version: i32,
    },
    DeleteAll {
        path: String,
    },
    /// `help` (or any command it does not know): ZooKeeperMain's usage.
    Help,
}

/// The commands the playground's shell runs, as ZooKeeperMain's usage lists them.
const COMMANDS: [&str; 8] = [
    "create",
    "delete",
    "deleteall",
    "get",
    "ls",
    "quit",
    "set",
    "stat",
];

/// ZooKeeperMain's usage (printed on standard error by `help`).
pub fn zk_usage() -> String {
    let mut s = String::from(
        "ZooKeeper -server host:port -client-configuration properties-file cmd args\n",
    );
    for c in COMMANDS {
        s.push('\t');
        s.push_str(usage_of(c).unwrap_or(c));
        s.push('\n');
    }
    s
}

/// `zookeeper-shell --help`: the script's usage, then the commands it runs.
pub fn help() -> String {
    format!(
        "{USAGE}Runs one ZooKeeper command given after zookeeper_host:port, or one per line from standard\ninput (a here-document), in one session.\n{}",
        zk_usage()
    )
}

fn usage_of(cmd: &str) -> Option<&'static str> {
    Some(match cmd {
        "ls" => "ls [-s] [-w] [-R] path",
        "get" => "get [-s] [-w] path",
        "stat" => "stat [-w] path",
        "create" => "create [-s] [-e] [-c] [-t ttl] path [data] [acl]",
        "set" => "set [-s] [-v version] path data",
        "delete" => "delete [-v version] path",
        "deleteall" => "deleteall path [-b batch size]",
        _ => return None,
    })
}

/// Parses `cmd args…`; Err is what the shell prints (and whether it is a usage error).
fn parse_cmd(args: &[&str]) -> Result<ShellCmd, String> {
    let cmd = args[0];
    if cmd == "help" {
        return Ok(ShellCmd::Help);
    }
    let usage =
        usage_of(cmd).ok_or_else(|| format!("Command not found: Command not found {cmd}"))?;
    let mut flags = Vec::new();
    let mut version: Option<i32> = None;
    let mut pos = Vec::new();
    let mut i = 1;
    while i < args.len() {
        let a = args[i];
        if a == "-v" && matches!(cmd, "set" | "delete") {
            let v = args.get(i + 1).ok_or_else(|| usage.to_string())?;
            version = Some(
                v.parse()
                    .map_err(|_| format!("version {v} has wrong format"))?,
            );
            i += 2;
            continue;
        }
        if a.len() == 2 && a.starts_with('-') && pos.is_empty() {
            let f = a.as_bytes()[1] as char;
            let allowed = match cmd {
                "ls" => "swR",
                "get" => "sw",
                "stat" => "w",
                "create" => "se",
                "set" => "s",
                _ => "",
            };
            if !allowed.contains(f) {
                return Err(format!("Unrecognized option: {a}\n{usage}"));
            }
            flags.push(f);
        } else {
            pos.push(a.to_string());
        }
        i += 1;
    }
    let has = |c| flags.contains(&c);
    let path = pos.first().cloned().ok_or_else(|| usage.to_string())?;
    let sequential = cmd == "create" && has('s');
    validate_path(&path, sequential)?;
    let too_many = |n: usize| {
        if pos.len() > n {
            Err(usage.to_string())
        } else {
            Ok(())
        }
    };
    Ok(match cmd {
        "ls" => {
            too_many(1)?;
            ShellCmd::Ls {
                path,
                stat: has('s'),
                recursive: has('R'),
                watch: has('w'),
            }
        }
        "get" => {
            too_many(1)?;
            ShellCmd::Get {
                path,
                stat: has('s'),
                watch: has('w'),
            }
        }
        "stat" => {
            too_many(1)?;
            ShellCmd::Stat {
                path,
                watch: has('w'),
            }
        }
        "create" => {
            too_many(3)?;
            ShellCmd::Create {
                path,
                data: pos.get(1).cloned(),
                ephemeral: has('e'),
                sequential,
            }
        }
        "set" => {
            too_many(2)?;
            let data = pos.get(1).cloned().ok_or_else(|| usage.to_string())?;
            ShellCmd::Set {
                path,
                data,
                version: version.unwrap_or(-1),
                stat: has('s'),
            }
        }
        "delete" => {
            too_many(1)?;
            ShellCmd::Delete {
                path,
                version: version.unwrap_or(-1),
            }
        }
        _ => {
            too_many(1)?;
            ShellCmd::DeleteAll { path }
        }
    })
}

/// Java's `Date.toString()` in UTC: `Thu Jan 01 00:00:00 UTC 1970`.
pub fn java_date(ms: u64) -> String {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let (h, m, s) = ((secs % 86_400) / 3600, (secs % 3600) / 60, secs % 60);
    let (y, mo, d) = crate::zookeeper::civil_from_days(days);
    let wd = ((days % 7 + 7 + 4) % 7) as usize; // 1970-01-01 was a Thursday
    const W: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const M: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {d:02} {h:02}:{m:02}:{s:02} UTC {y}",
        W[wd],
        M[(mo - 1) as usize]
    )
}

/// The stat block as ZooKeeper 3.6's `stat` / `get -s` / `ls -s` prints it.
pub fn format_stat(s: &Stat) -> String {
    let t = |ms: u64| if ms == 0 { java_date(0) } else { java_date(ms) };
    format!(
        "cZxid = 0x{:x}\nctime = {}\nmZxid = 0x{:x}\nmtime = {}\npZxid = 0x{:x}\ncversion = {}\ndataVersion = {}\naclVersion = {}\nephemeralOwner = 0x{:x}\ndataLength = {}\nnumChildren = {}\n",
        s.czxid, t(s.ctime), s.mzxid, t(s.mtime), s.pzxid, s.cversion, s.version, s.aversion,
        s.ephemeral_owner, s.data_length, s.num_children
    )
}

/// `CliWrapperException` messages.
pub fn error_message(e: &OpError) -> String {
    let p = &e.path;
    match e.code {
        KeeperError::NoNode => format!("Node does not exist: {p}"),
        KeeperError::NodeExists => format!("Node already exists: {p}"),
        KeeperError::NotEmpty => format!("Node not empty: {p}"),
        KeeperError::BadVersion => format!("version No is not valid : {p}"),
        KeeperError::NoChildrenForEphemerals => format!("Ephemerals cannot have children: {p}"),
        code => format!("KeeperErrorCode = {} for {p}", code.code_name()),
    }
}

struct Session<'a> {
    cluster: &'a mut Cluster,
    client: usize,
}

impl Session<'_> {
    fn call(&mut self, op: Op) -> OpOutcome {
        let path = match &op {
            Op::Create { path, .. }
            | Op::Delete { path, .. }
            | Op::SetData { path, .. }
            | Op::GetData { path, .. }
            | Op::Exists { path, .. }
            | Op::GetChildren { path, .. } => path.clone(),
            _ => String::new(),
        };
        self.cluster
            .zk_call(self.client, op, REQUEST_WAIT_MS)
            .unwrap_or(Err(OpError {
                code: KeeperError::ConnectionLoss,
                path,
            }))
    }

    /// Runs one parsed command; Ok(stdout) or Err(stderr).
    fn exec(&mut self, cmd: &ShellCmd) -> Result<String, String> {
        let e = |e: OpError| error_message(&e);
        match cmd {
            ShellCmd::Help => Ok(String::new()),
            ShellCmd::Ls {
                path,
                stat,
                recursive,
                watch,
            } => {
                if *recursive {
                    let mut out = String::new();
                    let mut queue = VecDeque::from([path.clone()]);
                    while let Some(p) = queue.pop_front() {
                        out.push_str(&p);
                        out.push('\n');
                        if let Ok(OpResult::Children(kids, _)) = self.call(Op::GetChildren {
                            path: p.clone(),
                            watch: false,
                        }) {
                            queue.extend(kids.iter().map(|k| child_path(&p, k)));
                        } else if p == *path {
                            return Err(format!("Node does not exist: {path}"));
                        }
                    }
                    return Ok(out);
                }
                match self
                    .call(Op::GetChildren {
                        path: path.clone(),
                        watch: *watch,
                    })
                    .map_err(e)?
                {
                    OpResult::Children(mut kids, st) => {
                        crate::sort::sort(&mut kids);
                        let mut out = format!("[{}]\n", kids.join(", "));
                        if *stat {
                            out.push_str(&format_stat(&st));
                        }
                        Ok(out)
                    }
                    _ => Ok(String::new()),
                }
            }
            ShellCmd::Get { path, stat, watch } => {
                match self
                    .call(Op::GetData {
                        path: path.clone(),
                        watch: *watch,
                    })
                    .map_err(e)?
                {
                    OpResult::Data(d, st) => {
                        let mut out = line(d.as_deref().unwrap_or("null"));
                        if d.as_deref() == Some("") {
                            out = "\n".into();
                        }
                        if *stat {
                            out.push_str(&format_stat(&st));
                        }
                        Ok(out)
                    }
                    _ => Ok(String::new()),
                }
            }
            ShellCmd::Stat { path, watch } => {
                match self
                    .call(Op::Exists {
                        path: path.clone(),
                        watch: *watch,
                    })
                    .map_err(e)?
                {
                    OpResult::Stat(st) => Ok(format_stat(&st)),
                    _ => Err(format!("Node does not exist: {path}")),
                }
            }
            ShellCmd::Create {
                path,
                data,
                ephemeral,
                sequential,
            } => {
                let op = Op::Create {
                    path: path.clone(),
                    data: data.clone(),
                    ephemeral: *ephemeral,
                    sequential: *sequential,
                };
                match self.call(op).map_err(e)? {
                    OpResult::Created(p) => Ok(format!("Created {p}\n")),
                    _ => Ok(String::new()),
                }
            }
            ShellCmd::Set {
                path,
                data,
                version,
                stat,
            } => {
                let op = Op::SetData {
                    path: path.clone(),
                    data: Some(data.clone()),
                    version: *version,
                };
                match self.call(op).map_err(e)? {
                    OpResult::Stat(st) if *stat => Ok(format_stat(&st)),
                    _ => Ok(String::new()),
                }
            }
            ShellCmd::Delete { path, version } => {
                self.call(Op::Delete {
                    path: path.clone(),
                    version: *version,
                })
                .map_err(e)?;
                Ok(String::new())
            }
            ShellCmd::DeleteAll { path } => {
                // ZKUtil.deleteRecursive: list the subtree breadth-first, delete deepest first.
                let mut order = Vec::new();
                let mut queue = VecDeque::from([path.clone()]);
                while let Some(p) = queue.pop_front() {
                    match self.call(Op::GetChildren {
                        path: p.clone(),
                        watch: false,
                    }) {
                        Ok(OpResult::Children(kids, _)) => {
                            queue.extend(kids.iter().map(|k| child_path(&p, k)));
                            order.push(p);
                        }
                        Err(err) if err.code == KeeperError::NoNode && p != *path => {}
                        Err(err) => return Err(error_message(&err)),
                        _ => {}
                    }
                }
                for p in order.iter().rev() {
                    match self.call(Op::Delete {
                        path: p.clone(),
                        version: -1,
                    }) {
                        Ok(_) => {}
                        Err(err) if err.code == KeeperError::NoNode => {}
                        Err(err) => return Err(error_message(&err)),
                    }
                }
                Ok(String::new())
            }
        }
    }
}

/// Runs `zookeeper-shell`/`zkCli.sh`. `inside` is the container it runs in (docker exec).
pub fn run(
    cluster: &mut Cluster,
    prog: &str,
    args: &[&str],
    stdin: Option<&str>,
    inside: Option<&str>,
) -> CommandOutput {
    if args.first() == Some(&"--help") {
        return CommandOutput::out(help());
    }
    let mut args = args.to_vec();
    if args.first() == Some(&"-server") {
        args.remove(0);
    }
    let Some((&server, rest)) = args.split_first() else {
        return CommandOutput::err(2, USAGE);
    };
    if server.starts_with('-') {
        return CommandOutput::err(2, USAGE);
    }
    let _ = prog;
    // Parse everything first: a bad command changes nothing.
    let mut cmds: Vec<Result<ShellCmd, String>> = Vec::new();
    let interactive = rest.is_empty();
    if !interactive {
        cmds.push(parse_cmd(rest));
    } else if let Some(input) = stdin {
        for l in input.lines() {
            match crate::cli::parse::split_words(l) {
                Ok(w) if w.is_empty() => {}
                Ok(w) => {
                    let a: Vec<&str> = w.iter().map(String::as_str).collect();
                    if matches!(a[0], "quit" | "exit") {
                        break;
                    }
                    cmds.push(parse_cmd(&a));
                }
                Err(e) => cmds.push(Err(e)),
            }
        }
    }
    let client = match cluster.open_zk_client(server, SHELL_SESSION_TIMEOUT_MS, inside) {
        Ok(c) => c,
        Err(e) => {
            return CommandOutput {
                stdout: format!("Connecting to {server}\n"),
                stderr: format!(
                    "Unable to resolve address: {server} ({e})\nUnable to connect to ZooKeeper\n"
                ),
                exit_code: 1,
            }
        }
    };
    let mut out = CommandOutput::out(format!("Connecting to {server}\n"));
    if interactive {
        out.stdout
            .push_str("Welcome to ZooKeeper!\nJLine support is disabled\n");
    }
    let mut body = String::new();
    let mut errors = String::new();
    let mut failed = false;
    {
        let mut s = Session { cluster, client };
        if cmds.is_empty() {
            // Nothing to run: let the connection settle as the real shell does before EOF.
            s.cluster.run_for(100);
        }
        for c in &cmds {
            match c {
                Ok(ShellCmd::Help) => errors.push_str(&zk_usage()),
                Ok(c) => match s.exec(c) {
                    Ok(text) => body.push_str(&text),
                    Err(text) => {
                        failed = true;
                        errors.push_str(&line(&text));
                    }
                },
                Err(text) => {
                    failed = true;
                    errors.push_str(&line(text));
                }
            }
        }
    }
    let connected = cluster.zk_client(client).is_some_and(|c| c.ever_connected);
    if connected {
        out.stdout
            .push_str("\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n");
    }
    out.stdout.push_str(&body);
    out.stderr = errors;
    out.exit_code = i32::from(failed && !interactive);
    cluster.close_zk_client(client, 5_000);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zookeeper::WALL_CLOCK_BASE_MS;

    #[test]
    fn dates_print_like_java() {
        assert_eq!(java_date(0), "Thu Jan 01 00:00:00 UTC 1970");
        assert_eq!(
            java_date(WALL_CLOCK_BASE_MS + 61_000),
            "Thu Jan 01 00:01:01 UTC 2026"
        );
        assert_eq!(java_date(951_782_400_000), "Tue Feb 29 00:00:00 UTC 2000");
    }

    #[test]
    fn parses_commands_and_rejects_bad_ones() {
        assert_eq!(
            parse_cmd(&["create", "-e", "-s", "/a", "x"]).unwrap(),
            ShellCmd::Create {
                path: "/a".into(),
                data: Some("x".into()),
                ephemeral: true,
                sequential: true
            }
        );
        assert_eq!(parse_cmd(&["ls"]).unwrap_err(), "ls [-s] [-w] [-R] path");
        assert_eq!(
            parse_cmd(&["ls", "a"]).unwrap_err(),
            "Path must start with / character"
        );
        assert!(parse_cmd(&["frob", "/a"]).is_err());
        assert!(parse_cmd(&["set", "-v", "x", "/a", "d"]).is_err());
    }

    fn run_line(c: &mut Cluster, l: &str) -> CommandOutput {
        c.run_command(l, None)
    }

    #[test]
    fn create_get_ls_stat_delete_end_to_end() {
        let mut c = Cluster::seed_cluster(11);
        c.run_for(3000);
        let o = run_line(&mut c, "zookeeper-shell zookeeper1:2181 create /a hello");
        assert_eq!(
            o.stdout,
            "Connecting to zookeeper1:2181\n\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\nCreated /a\n"
        );
        assert!(o.ok());
        let o = run_line(&mut c, "zookeeper-shell zookeeper3:2183 get /a");
        assert!(o.stdout.ends_with("path:null\nhello\n"), "{o:?}");
        let o = run_line(&mut c, "zookeeper-shell zookeeper2:2182 ls /");
        assert!(o.stdout.ends_with("[a, zookeeper]\n"), "{o:?}");
        let o = run_line(&mut c, "zookeeper-shell zookeeper2:2182 create /a again");
        assert_eq!(o.stderr, "Node already exists: /a\n");
        assert_eq!(o.exit_code, 1);
        let o = run_line(&mut c, "zookeeper-shell zookeeper2:2182 stat /a");
        assert!(o.stdout.contains("cZxid = 0x1"), "{o:?}");
        assert!(o.stdout.contains("dataLength = 5\nnumChildren = 0\n"));
        let o = run_line(&mut c, "zookeeper-shell zookeeper2:2182 create -s /a/q- x");
        assert!(o.stdout.ends_with("Created /a/q-0000000000\n"), "{o:?}");
        let o = run_line(&mut c, "zookeeper-shell zookeeper2:2182 delete /a");
        assert_eq!(o.stderr, "Node not empty: /a\n");
        let o = run_line(&mut c, "zookeeper-shell zookeeper2:2182 deleteall /a");
        assert!(o.ok(), "{o:?}");
        let o = run_line(&mut c, "zookeeper-shell zookeeper1:2181 get /a");
        assert_eq!(o.stderr, "Node does not exist: /a\n");
        let o = run_line(&mut c, "zookeeper-shell zookeeper1:2181 create -e /eph x");
        assert!(o.ok());
        let o = run_line(&mut c, "zookeeper-shell zookeeper1:2181 ls /");
        assert!(
            o.stdout.ends_with("[zookeeper]\n"),
            "ephemeral gone with its session: {o:?}"
        );
    }

    #[test]
    fn stdin_commands_run_in_one_session() {
        let mut c = Cluster::seed_cluster(12);
        c.run_for(3000);
        let o = c.run_command(
            "zookeeper-shell zookeeper1:2181",
            Some("create /x 1\nget /x\nls /\n"),
        );
        assert!(
            o.stdout.ends_with("Created /x\n1\n[x, zookeeper]\n"),
            "{o:?}"
        );
    }
}
