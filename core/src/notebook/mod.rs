//! Notebooks: tutorial chapters as Markdown with runnable cells, expected output and goals.
//!
//! The format (documented for authors in www/notebooks/README.md):
//! - `# Title` names the chapter; each `## Heading` starts a step.
//! - ```` ```run ```` fences hold commands of the playground's command language (as in a script:
//!   one per line, `#` comments, here-documents).
//! - ```` ```expect ```` right after a run cell: the output the cell must print, line by line;
//!   a line `...` stands for any number of lines.
//! - ```` ```goal ```` holds checks on the cluster's state, one per line (see [`goal`]); the page
//!   turns each green when it holds, however it was reached.
//! - ```` ```hint ```` text the page reveals on request; ```` ```solution ```` commands that reach
//!   the step's goals, hidden in the page but run by the headless runner (for goal-only steps).
//! - ```` ```notebook ```` (optional, first) settings: `seed = N`.
//!
//! Everything else is prose.

pub mod expect;
pub mod goal;
pub mod parse;
pub mod render;
pub mod run;

pub use goal::Goal;
pub use parse::parse_notebook;
pub use run::{run_notebook, NotebookReport};

use serde::{Deserialize, Serialize};

/// A parsed chapter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notebook {
    pub title: String,
    /// Seed of the fresh cluster the chapter runs on.
    pub seed: u64,
    /// Markdown before the first step.
    pub intro: String,
    pub steps: Vec<Step>,
}

/// One step: a `##` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub title: String,
    /// 1-based line of the heading in the file.
    pub line: usize,
    pub blocks: Vec<Block>,
}

impl Step {
    pub fn cells(&self) -> impl Iterator<Item = &Cell> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Cell(c) => Some(c),
            _ => None,
        })
    }

    pub fn goals(&self) -> impl Iterator<Item = &Goal> {
        self.blocks.iter().flat_map(|b| match b {
            Block::Goals(g) => g.as_slice(),
            _ => &[],
        })
    }

    pub fn solution(&self) -> Option<&Cell> {
        self.blocks.iter().find_map(|b| match b {
            Block::Solution(c) => Some(c),
            _ => None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Block {
    /// Markdown prose (rendered by the page; raw HTML is shown as text).
    Prose(String),
    Cell(Cell),
    Goals(Vec<Goal>),
    Hint(String),
    Solution(Cell),
}

/// A runnable cell and what it must print.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// Line of the first command (the line after the opening fence).
    pub line: usize,
    pub source: String,
    pub expect: Option<Expected>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Expected {
    pub line: usize,
    pub text: String,
}

/// A problem in a notebook file, with the line it is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotebookError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for NotebookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}
