//! Scripts: one command per line, `#` comments, here-documents as standard input. Used by
//! `kafka-playground exec` and by notebooks later.

use crate::cli::parse::parse_script;
use crate::cli::CommandOutput;
use crate::cluster::Cluster;

/// One command of a script and what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandRecord {
    pub line_no: usize,
    pub command: String,
    pub output: CommandOutput,
}

/// Everything a script printed, and its exit status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScriptOutput {
    /// All standard output, in order (with `$ command` lines when echoing).
    pub stdout: String,
    /// All standard error, in order, plus the runner's own `line N:` message.
    pub stderr: String,
    pub exit_code: i32,
    /// Per command, in order: to print stdout and stderr interleaved as they happened.
    pub commands: Vec<CommandRecord>,
}

/// Runs a script. A tool failure (exit 1) continues; an unknown command, bad usage
/// (exit ≥ 2) or a syntax error stops with `line N:` on stderr and that status.
/// `echo` prefixes each command's output with `$ command`.
pub fn run_script(cluster: &mut Cluster, text: &str, echo: bool) -> ScriptOutput {
    let mut out = ScriptOutput::default();
    let cmds = match parse_script(text) {
        Ok(c) => c,
        Err((n, msg)) => {
            out.stderr = format!("kafka-playground: line {n}: {msg}\n");
            out.exit_code = 2;
            return out;
        }
    };
    for c in cmds {
        if echo {
            out.stdout.push_str(&format!("$ {}\n", c.text));
        }
        let r = cluster.run_command(&c.text, c.stdin.as_deref());
        out.stdout.push_str(&r.stdout);
        out.stderr.push_str(&r.stderr);
        let code = r.exit_code;
        out.commands.push(CommandRecord {
            line_no: c.line_no,
            command: c.text.clone(),
            output: r,
        });
        if code >= 2 {
            let msg = format!(
                "kafka-playground: line {}: `{}` failed with exit status {}\n",
                c.line_no, c.text, code
            );
            out.stderr.push_str(&msg);
            if let Some(last) = out.commands.last_mut() {
                last.output.stderr.push_str(&msg);
            }
            out.exit_code = code;
            return out;
        }
    }
    // The end of the script: background programs are interrupted, as by Ctrl-C.
    if !cluster.job_list().is_empty() {
        let r = cluster.interrupt_jobs();
        out.stdout.push_str(&r.stdout);
        out.stderr.push_str(&r.stderr);
        if let Some(last) = out.commands.last_mut() {
            last.output.stdout.push_str(&r.stdout);
            last.output.stderr.push_str(&r.stderr);
        }
    }
    out
}
