//! The headless runner: every cell of a notebook against a fresh seeded cluster, checking
//! expected output and goals, so no tutorial can silently rot.

use super::expect::matches;
use super::{parse_notebook, Cell, Notebook};
use crate::cli::run_script;
use crate::cluster::Cluster;

/// Longest virtual time the cluster gets to boot before the first cell (as after `docker compose up -d`).
const BOOT_MS: u64 = 60_000;

/// What running one notebook found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NotebookReport {
    /// Checks that passed: cells that ran, expected outputs that matched, goals reached.
    pub passed: usize,
    /// One message per failed check, each starting with the line it concerns.
    pub failures: Vec<String>,
}

/// The output of a cell as the terminal shows it: per command, stdout then stderr.
pub fn cell_output(cluster: &mut Cluster, cell: &Cell) -> (String, i32) {
    let out = run_script(cluster, &cell.source, false);
    let mut text = String::new();
    for c in &out.commands {
        text.push_str(&c.output.stdout);
        text.push_str(&c.output.stderr);
    }
    if out.commands.is_empty() {
        text.push_str(&out.stderr);
    }
    (text, out.exit_code)
}

/// A fresh cluster for the notebook, booted like the page boots it.
pub fn fresh_cluster(nb: &Notebook) -> Cluster {
    let mut cluster = Cluster::seed_cluster(nb.seed);
    cluster.wait_until_ready(BOOT_MS);
    // …and the brokers registered with a controller elected, as `kafka-playground exec` does.
    cluster.wait_until_brokers_ready(BOOT_MS);
    cluster
}

/// Parses and runs a notebook's text.
pub fn run_notebook(text: &str) -> NotebookReport {
    let nb = match parse_notebook(text) {
        Ok(nb) => nb,
        Err(e) => {
            return NotebookReport {
                passed: 0,
                failures: vec![e.to_string()],
            }
        }
    };
    let mut report = NotebookReport::default();
    let mut cluster = fresh_cluster(&nb);
    for step in &nb.steps {
        let cells: Vec<&Cell> = step.cells().chain(step.solution()).collect();
        for cell in cells {
            let (output, code) = cell_output(&mut cluster, cell);
            // Exit status 1 is a tool reporting an error, which a lesson may show on purpose;
            // 2 and above (bad usage, unknown command) means the cell itself is wrong.
            if code >= 2 {
                report.failures.push(format!(
                    "line {}: cell failed with exit status {code}:\n{output}",
                    cell.line
                ));
                continue;
            }
            report.passed += 1;
            if let Some(exp) = &cell.expect {
                match matches(&exp.text, &output) {
                    Ok(()) => report.passed += 1,
                    Err(e) => report.failures.push(format!("line {}: {e}", exp.line)),
                }
            }
        }
        for goal in step.goals() {
            if goal.check.holds(&cluster) {
                report.passed += 1;
            } else {
                report.failures.push(format!(
                    "line {}: goal `{}` does not hold after step \"{}\"",
                    goal.line, goal.source, step.title
                ));
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_notebook_passes_every_check() {
        let text = "# T\n\n## Create\n\n```run\nzookeeper-shell zookeeper1:2181 create /hello world\n```\n\n```expect\nConnecting to zookeeper1:2181\n...\nCreated /hello\n```\n\n```goal\nznode /hello has data world\nzookeeper has a leader\n```\n";
        let r = run_notebook(text);
        assert_eq!(r.failures, Vec::<String>::new());
        assert_eq!(r.passed, 4);
    }

    #[test]
    fn wrong_expectations_goals_and_cells_fail_with_their_line() {
        let text = "# T\n\n## S\n\n```run\nzookeeper-shell zookeeper1:2181 ls /\n```\n\n```expect\n[nothing]\n```\n\n```goal\nznode /missing exists\n```\n\n```run\nno-such-command\n```\n";
        let r = run_notebook(text);
        assert_eq!(r.failures.len(), 3, "{:#?}", r.failures);
        assert!(r.failures[0].starts_with("line 10:"), "{}", r.failures[0]);
        assert!(
            r.failures[1].starts_with("line 18: cell failed"),
            "{}",
            r.failures[1]
        );
        assert!(
            r.failures[2].starts_with("line 14: goal"),
            "{}",
            r.failures[2]
        );
    }

    #[test]
    fn a_goal_only_step_is_proved_by_its_solution() {
        let text = "# T\n\n## Challenge\n\n```goal\nzookeeper3 is stopped\n```\n\n```solution\ndocker compose stop zookeeper3\n```\n";
        assert_eq!(run_notebook(text).failures, Vec::<String>::new());
    }
}
