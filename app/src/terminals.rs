//! The page's terminals: each one a shell session of its own (jobs, a program in the
//! foreground) with its screen. The driver owns them, so a program keeps streaming into its
//! terminal every frame, and a share link rebuilds them.
//!
//! Every action is journaled as a `# term {json}` line (a comment to the script language) with
//! the virtual time it happened at: a command, a line typed to a program, Ctrl-C, Ctrl-D, a
//! terminal opened or closed, and a program ending by itself (`end`, found when the terminals
//! are polled after a frame). Replaying those at their times on the same seed gives the same
//! cluster and the same screens.

use kafka_playground_core::cli::session::{Ended, Session};
use kafka_playground_core::cli::CommandOutput;
use kafka_playground_core::Cluster;
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// Journal lines holding a terminal action start with this (a comment for `run_script`).
pub const JOURNAL_PREFIX: &str = "# term ";

/// Most terminals open at once.
pub const MAX_TERMINALS: usize = 4;

/// Lines each screen keeps.
const SCROLLBACK: usize = 500;

/// A terminal action, as journaled. `t` is the terminal's number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum TermAction {
    Open {
        t: u32,
    },
    Close {
        t: u32,
    },
    /// A command line typed at the shell's prompt.
    Run {
        t: u32,
        line: String,
    },
    /// A line typed to the program in the foreground.
    Input {
        t: u32,
        line: String,
    },
    /// Ctrl-C.
    Interrupt {
        t: u32,
    },
    /// Ctrl-D.
    Eof {
        t: u32,
    },
    /// A program ended by itself: the foreground one, or background job `job`.
    End {
        t: u32,
        job: Option<usize>,
    },
}

impl TermAction {
    pub fn journal_line(&self) -> String {
        format!(
            "{JOURNAL_PREFIX}{}",
            serde_json::to_string(self).unwrap_or_default()
        )
    }

    /// The action a journal line holds, if it is a terminal line.
    pub fn from_journal(line: &str) -> Option<TermAction> {
        serde_json::from_str(line.strip_prefix(JOURNAL_PREFIX)?).ok()
    }

    pub fn terminal(&self) -> u32 {
        match self {
            TermAction::Open { t }
            | TermAction::Close { t }
            | TermAction::Run { t, .. }
            | TermAction::Input { t, .. }
            | TermAction::Interrupt { t }
            | TermAction::Eof { t }
            | TermAction::End { t, .. } => *t,
        }
    }
}

/// One line of a screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// A command typed at the shell (`$ …`).
    Command(String),
    /// A command typed in a container's shell, after its prompt (`[appuser@kafka2 ~]$ …`).
    ShellCommand(String),
    /// A line typed to a program, after its prompt (`>hello`, `value: v`).
    Input(String),
    Out(String),
    Err(String),
    /// `^C` or `^D`.
    Signal(&'static str),
    /// The page restarted the cluster (with this seed): what is above ran on the old one.
    Restarted(u64),
}

/// A screen's lines; equal when the same version (cheap to compare every frame).
#[derive(Clone, Debug, Default)]
pub struct Screen {
    version: u64,
    pub lines: Rc<Vec<Line>>,
}

impl PartialEq for Screen {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && Rc::ptr_eq(&self.lines, &other.lines)
    }
}

/// One terminal: its number, its shell and its screen.
#[derive(Clone, Debug)]
pub struct Term {
    pub id: u32,
    session: Session,
    screen: Screen,
}

impl Term {
    fn new(id: u32) -> Self {
        Term {
            id,
            session: Session::default(),
            screen: Screen::default(),
        }
    }

    fn push(&mut self, lines: impl IntoIterator<Item = Line>) {
        let mut lines = lines.into_iter().peekable();
        if lines.peek().is_none() {
            return;
        }
        let v = Rc::make_mut(&mut self.screen.lines);
        v.extend(lines);
        let excess = v.len().saturating_sub(SCROLLBACK);
        v.drain(..excess);
        self.screen.version += 1;
    }

    fn output(&mut self, out: &CommandOutput) {
        let mut lines = Vec::new();
        if !out.stdout.is_empty() {
            lines.push(Line::Out(out.stdout.trim_end_matches('\n').to_string()));
        }
        if !out.stderr.is_empty() {
            lines.push(Line::Err(out.stderr.trim_end_matches('\n').to_string()));
        }
        self.push(lines);
    }

    pub fn screen(&self) -> Screen {
        self.screen.clone()
    }

    /// Whether a program runs in the foreground (no shell prompt).
    pub fn busy(&self) -> bool {
        self.session.busy()
    }

    /// The prompt of the container shell this terminal is in (None: the host's `$`).
    pub fn shell_prompt(&self) -> Option<String> {
        self.session
            .container()
            .map(|_| self.session.shell_prompt().trim_end().to_string())
    }

    /// The container whose shell this terminal is in, if any.
    pub fn container(&self) -> Option<&str> {
        self.session.container()
    }

    /// The foreground program's prompt when it reads a line.
    pub fn prompt(&self) -> Option<&'static str> {
        self.session.prompt()
    }
}

/// Every open terminal, in the order of their numbers.
#[derive(Clone, Debug)]
pub struct Terminals {
    terms: Vec<Term>,
}

impl Default for Terminals {
    fn default() -> Self {
        Terminals {
            terms: vec![Term::new(1)],
        }
    }
}

impl Terminals {
    pub fn iter(&self) -> impl Iterator<Item = &Term> {
        self.terms.iter()
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The number a new terminal gets, if one more may open.
    pub fn next_id(&self) -> Option<u32> {
        (self.terms.len() < MAX_TERMINALS)
            .then(|| self.terms.iter().map(|t| t.id).max().unwrap_or(0) + 1)
    }

    fn index(&self, t: u32) -> Option<usize> {
        self.terms.iter().position(|x| x.id == t)
    }

    /// The terminal numbered `t`, opened if it is not (a journal from before a restart may
    /// use a terminal it never opened).
    fn get_or_open(&mut self, t: u32) -> Option<&mut Term> {
        if self.index(t).is_none() {
            if self.terms.len() >= MAX_TERMINALS || t == 0 || t > 1_000 {
                return None;
            }
            let at = self.terms.partition_point(|x| x.id < t);
            self.terms.insert(at, Term::new(t));
        }
        let i = self.index(t)?;
        Some(&mut self.terms[i])
    }

    /// The cluster was replaced: the programs are gone; the screens stay.
    pub fn reset_sessions(&mut self, seed: u64) {
        for t in &mut self.terms {
            t.session = Session::default();
            // A rule under the old output, so nobody reads it as the new cluster's.
            if !t.screen.lines.is_empty() {
                t.push([Line::Restarted(seed)]);
            }
        }
    }

    /// Applies an action (the caller journals it). Returns false when it could not be done.
    pub fn apply(&mut self, c: &mut Cluster, action: &TermAction) -> bool {
        match action {
            TermAction::Open { t } => self.index(*t).is_none() && self.get_or_open(*t).is_some(),
            TermAction::Close { t } => {
                let Some(i) = self.index(*t) else {
                    return false;
                };
                if self.terms.len() == 1 {
                    return false;
                }
                let mut term = self.terms.remove(i);
                term.session.hang_up(c);
                true
            }
            TermAction::Run { t, line } => {
                let Some(term) = self.get_or_open(*t) else {
                    return false;
                };
                if term.busy() {
                    return false;
                }
                if line.trim() == "clear" {
                    Rc::make_mut(&mut term.screen.lines).clear();
                    term.screen.version += 1;
                    return true;
                }
                match term.shell_prompt() {
                    Some(ps) => term.push([Line::ShellCommand(format!("{ps} {line}"))]),
                    None => term.push([Line::Command(line.clone())]),
                }
                let out = term.session.run(c, line);
                term.output(&out);
                true
            }
            TermAction::Input { t, line } => {
                let Some(term) = self.get_or_open(*t) else {
                    return false;
                };
                if !term.busy() {
                    return false;
                }
                let prompt = term.prompt().unwrap_or("");
                term.push([Line::Input(format!("{prompt}{line}"))]);
                let out = term.session.input(c, line);
                term.output(&out);
                true
            }
            TermAction::Interrupt { t } | TermAction::Eof { t } => {
                let Some(term) = self.get_or_open(*t) else {
                    return false;
                };
                if !term.busy() {
                    return false;
                }
                let ctrl_c = matches!(action, TermAction::Interrupt { .. });
                term.push([Line::Signal(if ctrl_c { "^C" } else { "^D" })]);
                let out = if ctrl_c {
                    term.session.interrupt(c)
                } else {
                    term.session.eof(c)
                };
                term.output(&out);
                true
            }
            TermAction::End { t, job } => {
                let Some(term) = self.get_or_open(*t) else {
                    return false;
                };
                let which = match job {
                    None => Ended::Foreground,
                    Some(n) => Ended::Job(*n),
                };
                let out = term.session.end(c, which);
                term.output(&out);
                true
            }
        }
    }

    /// Moves what the programs printed onto their screens (this only drains output queues).
    /// `live`: returns the programs that ended by themselves, as actions to journal and apply.
    pub fn poll(&mut self, c: &mut Cluster, live: bool) -> Vec<TermAction> {
        let mut ends = Vec::new();
        for term in &mut self.terms {
            let (out, ended) = term.session.poll(c, live);
            term.output(&out);
            ends.extend(ended.into_iter().map(|e| TermAction::End {
                t: term.id,
                job: match e {
                    Ended::Foreground => None,
                    Ended::Job(n) => Some(n),
                },
            }));
        }
        ends
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_through_the_journal_and_are_comments_to_scripts() {
        for a in [
            TermAction::Open { t: 2 },
            TermAction::Run {
                t: 2,
                line: "kafka-console-consumer --topic t <<EOF\nx\nEOF".into(),
            },
            TermAction::Input {
                t: 1,
                line: "<img src=x>".into(),
            },
            TermAction::Interrupt { t: 1 },
            TermAction::Eof { t: 3 },
            TermAction::End { t: 2, job: Some(1) },
            TermAction::End { t: 2, job: None },
            TermAction::Close { t: 2 },
        ] {
            let line = a.journal_line();
            assert!(line.starts_with("# term {"), "{line}");
            assert!(!line.contains('\n'), "one line: {line}");
            assert_eq!(TermAction::from_journal(&line), Some(a));
        }
        assert_eq!(TermAction::from_journal("kafka-topics --list"), None);
        assert_eq!(TermAction::from_journal("# term {\"do\":\"nope\"}"), None);
        assert_eq!(
            TermAction::from_journal("# term {\"do\":\"open\",\"t\":1,\"x\":0}"),
            None
        );
    }

    #[test]
    fn a_restart_marks_used_screens_and_ends_their_programs() {
        let mut c = Cluster::seed_cluster(1);
        let mut ts = Terminals::default();
        assert!(ts.apply(&mut c, &TermAction::Open { t: 2 }));
        let run = TermAction::Run {
            t: 1,
            line: "kafka-console-consumer --bootstrap-server kafka1:19091 --topic t".into(),
        };
        assert!(ts.apply(&mut c, &run));
        assert!(ts.iter().next().unwrap().busy());
        ts.reset_sessions(7);
        let (first, second) = (ts.iter().next().unwrap(), ts.iter().nth(1).unwrap());
        assert!(!first.busy(), "the old cluster's program is gone");
        assert_eq!(first.screen().lines.last(), Some(&Line::Restarted(7)));
        assert!(
            second.screen().lines.is_empty(),
            "an unused screen gets no rule"
        );
    }

    #[test]
    fn terminals_open_close_and_keep_at_least_one() {
        let mut c = Cluster::seed_cluster(1);
        let mut ts = Terminals::default();
        assert_eq!(ts.next_id(), Some(2));
        assert!(ts.apply(&mut c, &TermAction::Open { t: 2 }));
        assert!(!ts.apply(&mut c, &TermAction::Open { t: 2 }));
        assert!(ts.apply(&mut c, &TermAction::Open { t: 3 }));
        assert!(ts.apply(&mut c, &TermAction::Open { t: 4 }));
        assert_eq!(ts.next_id(), None);
        assert!(!ts.apply(&mut c, &TermAction::Open { t: 5 }));
        assert!(ts.apply(&mut c, &TermAction::Close { t: 1 }));
        assert_eq!(ts.next_id(), Some(5));
        assert!(ts.apply(&mut c, &TermAction::Close { t: 2 }));
        assert!(ts.apply(&mut c, &TermAction::Close { t: 3 }));
        assert!(
            !ts.apply(&mut c, &TermAction::Close { t: 4 }),
            "the last stays"
        );
        assert_eq!(ts.iter().map(|t| t.id).collect::<Vec<_>>(), vec![4]);
        // A command for a terminal not open opens it, in number order.
        assert!(ts.apply(
            &mut c,
            &TermAction::Run {
                t: 2,
                line: "help".into()
            }
        ));
        assert_eq!(ts.iter().map(|t| t.id).collect::<Vec<_>>(), vec![2, 4]);
        let screen = ts.iter().next().unwrap().screen();
        assert_eq!(screen.lines[0], Line::Command("help".into()));
        assert!(matches!(&screen.lines[1], Line::Out(o) if o.contains("zookeeper-shell")));
        assert!(ts.apply(
            &mut c,
            &TermAction::Run {
                t: 2,
                line: "clear".into()
            }
        ));
        assert!(ts.iter().next().unwrap().screen().lines.is_empty());
        // Input, Ctrl-C and Ctrl-D need a program in the foreground.
        assert!(!ts.apply(&mut c, &TermAction::Interrupt { t: 2 }));
        assert!(!ts.apply(
            &mut c,
            &TermAction::Input {
                t: 2,
                line: "x".into()
            }
        ));
    }
}
