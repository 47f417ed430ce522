//! Markdown → [`Notebook`], with pulldown-cmark. Top-level blocks are sorted into steps, cells,
//! expectations, goals, hints and prose; every problem is reported with its line.

use super::goal::{Check, Goal};
use super::{Block, Cell, Expected, Notebook, NotebookError, Step};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// Where prose and blocks go while parsing: the intro until the first step, then that step.
struct Builder {
    notebook: Notebook,
    title_seen: bool,
}

impl Builder {
    fn blocks(&mut self) -> Option<&mut Vec<Block>> {
        self.notebook.steps.last_mut().map(|s| &mut s.blocks)
    }

    fn prose(&mut self, md: &str) {
        match self.blocks() {
            Some(blocks) => match blocks.last_mut() {
                Some(Block::Prose(p)) => {
                    p.push_str("\n\n");
                    p.push_str(md);
                }
                _ => blocks.push(Block::Prose(md.to_string())),
            },
            None => {
                if !self.notebook.intro.is_empty() {
                    self.notebook.intro.push_str("\n\n");
                }
                self.notebook.intro.push_str(md);
            }
        }
    }
}

/// Parses a notebook; `Err` names the first problem's line.
pub fn parse_notebook(text: &str) -> Result<Notebook, NotebookError> {
    let err = |line, message: String| Err(NotebookError { line, message });
    let mut b = Builder {
        notebook: Notebook {
            title: String::new(),
            seed: 1,
            intro: String::new(),
            steps: Vec::new(),
        },
        title_seen: false,
    };
    let mut depth = 0usize;
    let mut heading: Option<(HeadingLevel, usize, String)> = None;
    let mut fence: Option<(String, usize, String)> = None;

    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                let top = depth == 0;
                depth += 1;
                if !top {
                    continue;
                }
                match tag {
                    Tag::Heading {
                        level: level @ (HeadingLevel::H1 | HeadingLevel::H2),
                        ..
                    } => heading = Some((level, line_of(text, range.start), String::new())),
                    Tag::CodeBlock(CodeBlockKind::Fenced(info)) => {
                        let kind = info.split_whitespace().next().unwrap_or("").to_string();
                        fence = Some((kind, line_of(text, range.start) + 1, String::new()));
                    }
                    _ => {}
                }
                if heading.is_none() && fence.is_none() {
                    b.prose(text[range].trim_end());
                }
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth > 0 {
                    continue;
                }
                match end {
                    TagEnd::Heading(_) => {
                        let Some((level, line, title)) = heading.take() else {
                            continue;
                        };
                        let title = title.trim().to_string();
                        if level == HeadingLevel::H1 {
                            if b.title_seen {
                                return err(
                                    line,
                                    "a notebook has one `#` title; use `##` for steps".into(),
                                );
                            }
                            b.title_seen = true;
                            b.notebook.title = title;
                        } else {
                            b.notebook.steps.push(Step {
                                title,
                                line,
                                blocks: Vec::new(),
                            });
                        }
                    }
                    TagEnd::CodeBlock => {
                        let Some((kind, line, body)) = fence.take() else {
                            continue;
                        };
                        let kind = kind.as_str();
                        if !matches!(
                            kind,
                            "run" | "expect" | "goal" | "hint" | "solution" | "notebook"
                        ) {
                            // Any other fence (yaml, python …) is shown as it is.
                            b.prose(text[range].trim_end());
                            continue;
                        }
                        if kind == "notebook" {
                            settings(&mut b.notebook, &body, line)?;
                            continue;
                        }
                        let Some(blocks) = b.blocks() else {
                            return err(
                                line,
                                format!("a ```{kind} block must be inside a `##` step"),
                            );
                        };
                        match kind {
                            "run" => blocks.push(Block::Cell(Cell {
                                line,
                                source: body,
                                expect: None,
                            })),
                            "solution" => blocks.push(Block::Solution(Cell {
                                line,
                                source: body,
                                expect: None,
                            })),
                            "hint" => blocks.push(Block::Hint(body.trim_end().to_string())),
                            "expect" => {
                                match blocks.last_mut() {
                                    Some(Block::Cell(cell)) if cell.expect.is_none() => {
                                        cell.expect = Some(Expected { line, text: body })
                                    }
                                    _ => return err(
                                        line,
                                        "an ```expect block must follow a ```run block directly"
                                            .into(),
                                    ),
                                }
                            }
                            _ => {
                                let goals = goals(&body, line)?;
                                if goals.is_empty() {
                                    return err(line, "this ```goal block has no goal".into());
                                }
                                blocks.push(Block::Goals(goals));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, title)) = heading.as_mut() {
                    title.push_str(&t);
                } else if let Some((_, _, body)) = fence.as_mut() {
                    body.push_str(&t);
                }
            }
            // Top-level leaf events (rules, standalone HTML) are prose.
            _ if depth == 0 => b.prose(text[range].trim_end()),
            _ => {}
        }
    }
    if !b.title_seen {
        return err(1, "the notebook has no `# Title` heading".into());
    }
    if b.notebook.steps.is_empty() {
        return err(1, "the notebook has no `## Step` heading".into());
    }
    Ok(b.notebook)
}

fn goals(body: &str, first_line: usize) -> Result<Vec<Goal>, NotebookError> {
    body.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| {
            let line = first_line + i;
            Check::parse(l.trim())
                .map(|check| Goal {
                    line,
                    source: l.trim().to_string(),
                    check,
                })
                .map_err(|message| NotebookError { line, message })
        })
        .collect()
}

fn settings(nb: &mut Notebook, body: &str, first_line: usize) -> Result<(), NotebookError> {
    for (i, l) in body.lines().enumerate() {
        let line = first_line + i;
        let l = l.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        match l.split_once('=').map(|(k, v)| (k.trim(), v.trim())) {
            Some(("seed", v)) => {
                nb.seed = v.parse().map_err(|_| NotebookError {
                    line,
                    message: format!("seed `{v}` is not a number"),
                })?
            }
            _ => {
                return Err(NotebookError {
                    line,
                    message: format!("unknown notebook setting `{l}` (known: seed = N)"),
                })
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# Chapter\n\nIntro *text*.\n\n```notebook\nseed = 7\n```\n\n## First step\n\nSay hi.\n\n```run\nzookeeper-shell zookeeper1:2181 ls /\n```\n\n```expect\n...\n[zookeeper]\n```\n\n```goal\nzookeeper has a leader\n```\n\n```yaml\nkey: value\n```\n\n## Second\n\n```hint\nTry harder.\n```\n";

    #[test]
    fn sorts_blocks_into_steps_with_lines() {
        let nb = parse_notebook(SAMPLE).unwrap();
        assert_eq!(nb.title, "Chapter");
        assert_eq!(nb.seed, 7);
        assert_eq!(nb.intro, "Intro *text*.");
        assert_eq!(nb.steps.len(), 2);
        let s = &nb.steps[0];
        assert_eq!((s.title.as_str(), s.line), ("First step", 9));
        let cell = s.cells().next().unwrap();
        assert_eq!(cell.line, 14);
        assert_eq!(cell.source, "zookeeper-shell zookeeper1:2181 ls /\n");
        assert_eq!(cell.expect.as_ref().unwrap().line, 18);
        assert_eq!(s.goals().next().unwrap().line, 23);
        assert!(matches!(s.blocks.last(), Some(Block::Prose(p)) if p.contains("```yaml")));
        assert_eq!(nb.steps[1].blocks, vec![Block::Hint("Try harder.".into())]);
    }

    #[test]
    fn bad_notebooks_name_the_line() {
        let e = parse_notebook("# T\n\n## S\n\n```goal\nzookeeper is happy\n```\n").unwrap_err();
        assert_eq!(e.line, 6);
        let e = parse_notebook("# T\n\n## S\n\n```expect\nx\n```\n").unwrap_err();
        assert_eq!(e.line, 6);
        assert!(e.message.contains("must follow"));
        let e = parse_notebook("# T\n\n```run\nls\n```\n## S\n").unwrap_err();
        assert!(e.message.contains("inside a `##` step"));
        assert!(parse_notebook("no title\n## S\n").is_err());
        assert!(parse_notebook("# T\n").is_err());
        let e = parse_notebook("# T\n```notebook\nspeed = 3\n```\n## S\n").unwrap_err();
        assert_eq!(e.line, 3);
    }
}
