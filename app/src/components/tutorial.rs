//! The tutorial panel: chapter list with progress, one step at a time, Run buttons on cells,
//! goals that turn green when the cluster reaches them, hints, reset.

use crate::chapters;
use crate::i18n::{text, Label, Lang};
use kafka_playground_core::notebook::{Block, Notebook};
use std::rc::Rc;
use yew::prelude::*;

/// What a cell printed when it ran.
#[derive(Clone, Debug, PartialEq)]
pub struct CellRun {
    pub output: String,
    pub exit_code: i32,
}

#[derive(Properties, PartialEq)]
pub struct TutorialProps {
    pub lang: Lang,
    /// The open chapter, or `None` for free play (sandbox).
    pub chapter: Option<usize>,
    pub notebook: Rc<Result<Notebook, String>>,
    pub step: usize,
    /// Outputs of the current step's cells, in cell order (`None` = not run yet).
    pub outputs: Vec<Option<CellRun>>,
    /// Whether each goal of the current step holds now.
    pub goals: Vec<bool>,
    /// Per chapter: steps completed and total steps.
    pub progress: Vec<(usize, usize)>,
    pub on_chapter: Callback<Option<usize>>,
    pub on_step: Callback<usize>,
    /// (step, cell index within the step)
    pub on_run: Callback<(usize, usize)>,
    pub on_reset_step: Callback<()>,
}

/// Prose was rendered to HTML at build time by the core's renderer, which turns any raw HTML in
/// a notebook into text; so this markup is ours, never a notebook's.
fn prose(html: &str) -> Html {
    Html::from_html_unchecked(AttrValue::from(html.to_string()))
}

/// Whether an output holds a column-aligned table (`docker compose ps`, `kafka-consumer-groups
/// --describe`): a line with three or more gaps of two spaces or more between words. Such output
/// keeps its lines unwrapped (and scrolls sideways) so that the columns stay under their headers.
fn is_table(output: &str) -> bool {
    output.lines().any(|line| {
        line.trim()
            .split("  ")
            .filter(|part| !part.trim().is_empty())
            .count()
            >= 4
    })
}

#[function_component(Tutorial)]
pub fn tutorial(props: &TutorialProps) -> Html {
    let l = props.lang;
    let chapter_select = {
        let cb = props.on_chapter.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            cb.emit(v.parse().ok());
        })
    };
    let selector = html! {
        <label class="chapter-select">
            <span>{ text(l, Label::Chapter) }</span>
            <select id="chapter" onchange={chapter_select}>
                <option value="" selected={props.chapter.is_none()}>{ text(l, Label::Sandbox) }</option>
                { for (0..chapters::count()).map(|i| {
                    let title = chapters::load(i, l).map(|n| n.title).unwrap_or_else(|e| e);
                    let (done, total) = props.progress.get(i).copied().unwrap_or((0, 0));
                    let mark = if total > 0 && done == total { " ✓".to_string() } else { format!(" ({done}/{total})") };
                    html! { <option value={i.to_string()} selected={props.chapter == Some(i)}>{ format!("{title}{mark}") }</option> }
                }) }
            </select>
        </label>
    };
    let Some(_) = props.chapter else {
        // A newcomer's way in: the first chapter not yet finished, one click away.
        let next = (0..chapters::count()).find(|&i| {
            let (done, total) = props.progress.get(i).copied().unwrap_or((0, 0));
            total == 0 || done < total
        });
        let start = next.and_then(|i| Some((i, chapters::load(i, l).ok()?.title)));
        return html! {
            <div class="tutorial">
                <h2>{ text(l, Label::Tutorial) }</h2>
                { selector }
                <p class="sandbox-note">{ text(l, Label::SandboxNote) }</p>
                if let Some((i, title)) = start {
                    <button id="start-chapter" type="button" class="primary start-chapter"
                        onclick={ { let cb = props.on_chapter.clone(); Callback::from(move |_| cb.emit(Some(i))) } }>
                        { format!("{} {title} →", text(l, Label::StartChapter)) }
                    </button>
                }
                if let Some(e) = chapters::fetch_error() { <p class="sandbox-note chapters-error">{ e }</p> }
            </div>
        };
    };
    let nb = match props.notebook.as_ref() {
        Ok(nb) => nb,
        Err(e) => {
            return html! { <div class="tutorial">{ selector }<p class="error">{ e.clone() }</p></div> }
        }
    };
    let step_index = props.step.min(nb.steps.len().saturating_sub(1));
    let Some(step) = nb.steps.get(step_index) else {
        return html! { <div class="tutorial">{ selector }</div> };
    };
    let all_met = !props.goals.is_empty() && props.goals.iter().all(|g| *g);
    let mut cell_index = 0;
    let mut goal_index = 0;
    let blocks = step.blocks.iter().map(|b| match b {
        Block::Prose(md) => html! { <div class="prose">{ prose(md) }</div> },
        Block::Cell(cell) => {
            let i = cell_index;
            cell_index += 1;
            let run = props.outputs.get(i).cloned().flatten();
            let on_run = props.on_run.clone();
            html! {
                <div class={classes!("cell", run.as_ref().map(|_| "ran"))} data-cell={i.to_string()}>
                    <div class="cell-head">
                        <button class="run-cell" aria-label={format!("{} {}", text(l, Label::Run), i + 1)}
                            onclick={Callback::from(move |_| on_run.emit((step_index, i)))}>
                            { format!("▶ {}", text(l, Label::Run)) }
                        </button>
                    </div>
                    <pre class="cell-source">{ cell.source.trim_end() }</pre>
                    { for run.map(|r| html! {
                        <pre class={classes!("cell-output", (r.exit_code != 0).then_some("failed"), is_table(&r.output).then_some("table"))}>{ r.output.trim_end() }</pre>
                    }) }
                </div>
            }
        }
        Block::Goals(goals) => {
            let items: Vec<Html> = goals
                .iter()
                .map(|g| {
                    let met = props.goals.get(goal_index).copied().unwrap_or(false);
                    goal_index += 1;
                    html! {
                        <li class={classes!("goal", met.then_some("met"))} data-goal={g.source.clone()}>
                            <span class="goal-mark" aria-hidden="true">{ if met { "✔" } else { "○" } }</span>
                            <span>{ g.check.describe(l.tag()) }</span>
                            <span class="visually-hidden">{ if met { text(l, Label::GoalMet) } else { text(l, Label::GoalOpen) } }</span>
                        </li>
                    }
                })
                .collect();
            html! { <div class="goals"><h3>{ text(l, Label::Goals) }</h3><ul>{ for items }</ul></div> }
        }
        Block::Hint(h) => html! {
            <details class="hint"><summary>{ text(l, Label::Hint) }</summary><div class="prose">{ prose(h) }</div></details>
        },
        // Solutions prove goal-only steps in the headless runner; the page keeps them hidden.
        Block::Solution(_) => html! {},
    });
    let blocks: Vec<Html> = blocks.collect();
    let go = |to: usize| {
        let cb = props.on_step.clone();
        Callback::from(move |_| cb.emit(to))
    };
    let last = nb.steps.len() - 1;
    let next_chapter = props
        .chapter
        .filter(|c| step_index >= last && c + 1 < chapters::count())
        .map(|c| {
            let title = chapters::load(c + 1, l)
                .map(|n| n.title)
                .unwrap_or_default();
            (c + 1, title)
        });
    html! {
        <div class="tutorial">
            <h2>{ text(l, Label::Tutorial) }</h2>
            { selector }
            <h3 class="chapter-title">{ nb.title.clone() }</h3>
            if step_index == 0 && !nb.intro.is_empty() {
                <div class="prose intro">{ prose(&nb.intro) }</div>
            }
            <nav class="steps" aria-label={ text(l, Label::Steps) }>
                { for nb.steps.iter().enumerate().map(|(i, s)| html! {
                    <button class={classes!("step-dot", (i == step_index).then_some("current"))}
                        aria-current={(i == step_index).then_some("step")}
                        title={s.title.clone()} onclick={go(i)}>{ i + 1 }</button>
                }) }
            </nav>
            <section class={classes!("step", all_met.then_some("complete"))} data-step={step_index.to_string()}>
                <h4>{ format!("{}. {}", step_index + 1, step.title) }</h4>
                { for blocks }
            </section>
            <div class="step-nav">
                <button id="prev-step" disabled={step_index == 0} onclick={go(step_index.saturating_sub(1))}>
                    { format!("← {}", text(l, Label::Previous)) }</button>
                <button id="reset-step" onclick={props.on_reset_step.reform(|_| ())}>{ text(l, Label::ResetStep) }</button>
                if let Some(next) = next_chapter {
                    // On the last step, the way on is the next chapter (not a disabled button).
                    <button id="next-chapter" class="primary" title={next.1.clone()}
                        onclick={props.on_chapter.reform(move |_| Some(next.0))}>
                        { format!("{} →", text(l, Label::NextChapter)) }</button>
                } else {
                    <button id="next-step" class="primary" disabled={step_index >= last} onclick={go((step_index + 1).min(last))}>
                        { format!("{} →", text(l, Label::Next)) }</button>
                }
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::is_table;

    #[test]
    fn aligned_tables_are_told_from_prose_and_tab_separated_lines() {
        assert!(is_table(
            "NAME         IMAGE                        SERVICE      STATUS\nzookeeper1   zookeeper:3.7  zookeeper1   Up"
        ));
        assert!(is_table(
            "\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG"
        ));
        assert!(!is_table(
            "\tTopic: my-topic\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2"
        ));
        assert!(!is_table(
            "Created topic my-topic.\n{\"version\":1,\"brokerid\":1}"
        ));
        assert!(!is_table(
            " Container kafka1  Stopping\n Container kafka1  Stopped"
        ));
    }
}
