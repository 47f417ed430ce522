//! What the tutorial has done on the cluster: which cells ran (and what they printed), and
//! which steps the student completed (kept in the browser's local storage).

use crate::components::tutorial::CellRun;
use crate::driver::Driver;
use kafka_playground_core::notebook::Notebook;
use kafka_playground_core::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};
use serde::{Deserialize, Serialize};

/// Cell outputs of the open chapter, by (step, cell index within the step).
#[derive(Default)]
pub struct CellRuns {
    outputs: BTreeMap<(usize, usize), CellRun>,
}

impl CellRuns {
    pub fn clear(&mut self) {
        self.outputs.clear();
    }

    /// Runs cell `cell` of step `step`, first running every earlier cell of the chapter that has
    /// not run yet (a student may jump ahead; the cluster must be where the text assumes).
    pub fn run(&mut self, driver: &mut Driver, nb: &Notebook, step: usize, cell: usize) {
        for (s, st) in nb.steps.iter().enumerate().take(step + 1) {
            for (c, source) in st.cells().enumerate() {
                if s == step && c > cell {
                    break;
                }
                // The clicked cell runs again even if it ran before; earlier ones only once.
                if self.outputs.contains_key(&(s, c)) && (s, c) != (step, cell) {
                    continue;
                }
                let (output, exit_code) = driver.run_cell(source);
                self.outputs.insert((s, c), CellRun { output, exit_code });
            }
        }
    }

    /// Replays every cell before `step` without keeping their outputs for display of `step`
    /// (used by "reset this step" on a fresh cluster).
    pub fn replay_before(&mut self, driver: &mut Driver, nb: &Notebook, step: usize) {
        self.clear();
        if step > 0 {
            if let Some(last) = nb.steps[..step]
                .iter()
                .rposition(|s| s.cells().next().is_some())
            {
                let n = nb.steps[last].cells().count();
                self.run(driver, nb, last, n - 1);
            }
        }
    }

    pub fn outputs_of(&self, nb: &Notebook, step: usize) -> Vec<Option<CellRun>> {
        let n = nb.steps.get(step).map(|s| s.cells().count()).unwrap_or(0);
        (0..n)
            .map(|c| self.outputs.get(&(step, c)).cloned())
            .collect()
    }
}

/// Steps completed, per chapter id. Serialised to local storage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub completed: BTreeMap<String, BTreeSet<usize>>,
    /// The chapter id and step last open.
    pub position: Option<(String, usize)>,
}

const STORAGE_KEY: &str = "kafka-playground.progress.v1";

impl Progress {
    /// Reads saved progress; anything unreadable (old format, tampering) starts afresh.
    pub fn load() -> Progress {
        storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    pub fn save(&self) {
        if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(self)) {
            // Storage may be full or disabled (private mode): progress is then per visit only.
            let _ = s.set_item(STORAGE_KEY, &json);
        }
    }

    /// Marks a step complete; true when that is news (so the caller saves).
    pub fn complete(&mut self, chapter: &str, step: usize) -> bool {
        self.completed
            .entry(chapter.to_string())
            .or_default()
            .insert(step)
    }

    pub fn done_in(&self, chapter: &str) -> usize {
        self.completed.get(chapter).map(BTreeSet::len).unwrap_or(0)
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_playground_core::notebook::parse_notebook;

    /// The names in the last `[x, y]` line that zookeeper-shell's `ls` printed.
    fn children(output: &str) -> Vec<String> {
        output
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix('[').and_then(|l| l.strip_suffix(']')))
            .map(|l| l.split(", ").map(str::to_string).collect())
            .unwrap_or_default()
    }

    const NB: &str = "# T\n\n## A\n\n```run\nzookeeper-shell zookeeper1:2181 create /a 1\n```\n\n## B\n\n```run\nzookeeper-shell zookeeper1:2181 create /b 2\n```\n\n```run\nzookeeper-shell zookeeper1:2181 ls /\n```\n";

    #[test]
    fn running_a_later_cell_runs_the_earlier_ones_first() {
        let nb = parse_notebook(NB).unwrap();
        let mut d = Driver::new(1);
        d.restart_booted(1);
        let mut runs = CellRuns::default();
        runs.run(&mut d, &nb, 1, 1);
        assert!(runs.outputs_of(&nb, 0)[0]
            .as_ref()
            .unwrap()
            .output
            .contains("Created /a"));
        let out = runs.outputs_of(&nb, 1);
        assert!(out[0].as_ref().unwrap().output.contains("Created /b"));
        let listed = children(&out[1].as_ref().unwrap().output);
        assert!(
            listed.contains(&"a".to_string()) && listed.contains(&"b".to_string()),
            "{listed:?}"
        );
    }

    #[test]
    fn replay_before_a_step_rebuilds_the_state_without_that_step() {
        let nb = parse_notebook(NB).unwrap();
        let mut d = Driver::new(1);
        d.restart_booted(1);
        let mut runs = CellRuns::default();
        runs.replay_before(&mut d, &nb, 1);
        assert_eq!(runs.outputs_of(&nb, 1), vec![None, None]);
        let out = d.run_command("zookeeper-shell zookeeper1:2181 ls /");
        let listed = children(&out.stdout);
        assert!(
            listed.contains(&"a".to_string()) && !listed.contains(&"b".to_string()),
            "{listed:?}"
        );
    }

    #[test]
    fn progress_round_trips_and_counts() {
        let mut p = Progress::default();
        assert!(p.complete("03", 1));
        assert!(!p.complete("03", 1));
        p.complete("03", 2);
        assert_eq!(p.done_in("03"), 2);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Progress>(&json).unwrap(), p);
    }
}
