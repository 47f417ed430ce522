//! The cluster's docker-compose.yml: view, edit, apply. A file that cannot become a cluster
//! shows the offending line in place and leaves the running cluster as it is.

use crate::driver::ComposeProblem;
use crate::i18n::{text, Label, Lang};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ComposeEditorProps {
    pub lang: Lang,
    /// The compose text of the running cluster.
    pub current: String,
    /// Applies a text: the warnings, or the problem.
    pub on_apply: Callback<String, Result<Vec<String>, ComposeProblem>>,
    pub on_reset: Callback<()>,
}

/// Lines around `line` (1-based) for the error excerpt: (number, text, is_the_line).
fn excerpt(text: &str, line: usize) -> Vec<(usize, String, bool)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.to_string(), i + 1 == line))
        .filter(|(n, _, _)| n.abs_diff(line) <= 2)
        .collect()
}

#[function_component(ComposeEditor)]
pub fn compose_editor(props: &ComposeEditorProps) -> Html {
    let l = props.lang;
    let draft = use_state(|| props.current.clone());
    let outcome = use_state(|| None::<Result<Vec<String>, ComposeProblem>>);
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let apply = {
        let (draft, outcome, cb) = (draft.clone(), outcome.clone(), props.on_apply.clone());
        Callback::from(move |_| outcome.set(Some(cb.emit((*draft).clone()))))
    };
    let reset = {
        let (draft, outcome, cb) = (draft.clone(), outcome.clone(), props.on_reset.clone());
        Callback::from(move |_| {
            cb.emit(());
            draft.set(kafka_playground_core::compose::SEED_COMPOSE.to_string());
            outcome.set(None);
        })
    };
    html! {
        <div class="compose-editor">
            <textarea id="compose-text" spellcheck="false" aria-label="docker-compose.yml"
                value={(*draft).clone()} {oninput} rows="16" />
            <div class="compose-actions">
                <button id="compose-apply" class="primary" onclick={apply}>{ text(l, Label::Apply) }</button>
                <button id="compose-reset" onclick={reset}>{ text(l, Label::ResetCompose) }</button>
            </div>
            {
                match &*outcome {
                    Some(Err(p)) => html! {
                        <div class="compose-error" role="alert">
                            <p>{ format!("{} {}", text(l, Label::ComposeRejected), p.message) }</p>
                            <pre>{ for excerpt(&draft, p.line).into_iter().map(|(n, t, bad)| html! {
                                <span class={classes!("line", bad.then_some("bad"))}>{ format!("{n:>4} | {t}\n") }</span>
                            }) }</pre>
                        </div>
                    },
                    Some(Ok(warnings)) => html! {
                        <div class="compose-ok">
                            <p>{ text(l, Label::ComposeApplied) }</p>
                            <ul>{ for warnings.iter().map(|w| html! { <li>{ w.clone() }</li> }) }</ul>
                        </div>
                    },
                    None => html! {},
                }
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn excerpt_marks_the_line() {
        let e = super::excerpt("a\nb\nc\nd\ne\nf", 4);
        assert_eq!(e.iter().map(|x| x.0).collect::<Vec<_>>(), [2, 3, 4, 5, 6]);
        assert!(e[2].2 && !e[1].2);
    }
}
