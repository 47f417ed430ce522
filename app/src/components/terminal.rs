//! A terminal for the command language (kafka-topics, zookeeper-shell, docker compose, sleep …),
//! with history (↑/↓). Output is shown as text, never as HTML.

use crate::i18n::{text, Label, Lang};
use kafka_playground_core::cli::CommandOutput;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    pub lang: Lang,
    /// Runs one command line against the cluster and returns what it printed.
    pub on_run: Callback<String, CommandOutput>,
}

#[derive(Clone, PartialEq)]
enum Line {
    Command(String),
    Out(String),
    Err(String),
}

#[function_component(Terminal)]
pub fn terminal(props: &TerminalProps) -> Html {
    let l = props.lang;
    let lines = use_state(Vec::<Line>::new);
    let history = use_mut_ref(Vec::<String>::new);
    let cursor = use_mut_ref(|| 0usize);
    let input = use_node_ref();
    let screen = use_node_ref();

    // Keep the newest output in view.
    {
        let screen = screen.clone();
        use_effect_with(lines.len(), move |_| {
            if let Some(el) = screen.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    let onsubmit = {
        let (lines, history, cursor, input, on_run) = (
            lines.clone(),
            history.clone(),
            cursor.clone(),
            input.clone(),
            props.on_run.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let line = field.value();
            field.set_value("");
            if line.trim().is_empty() {
                return;
            }
            let out = on_run.emit(line.clone());
            let mut next = (*lines).clone();
            next.push(Line::Command(line.clone()));
            if line.trim() == "clear" {
                next.clear();
            } else {
                if !out.stdout.is_empty() {
                    next.push(Line::Out(out.stdout.trim_end_matches('\n').to_string()));
                }
                if !out.stderr.is_empty() {
                    next.push(Line::Err(out.stderr.trim_end_matches('\n').to_string()));
                }
            }
            // Bounded scroll-back keeps a long session's memory flat.
            let excess = next.len().saturating_sub(500);
            next.drain(..excess);
            lines.set(next);
            let mut h = history.borrow_mut();
            h.push(line);
            *cursor.borrow_mut() = h.len();
        })
    };

    let onkeydown = {
        let (history, cursor, input) = (history.clone(), cursor.clone(), input.clone());
        Callback::from(move |e: KeyboardEvent| {
            let h = history.borrow();
            let mut c = cursor.borrow_mut();
            let next = match e.key().as_str() {
                "ArrowUp" if *c > 0 => *c - 1,
                "ArrowDown" if *c < h.len() => *c + 1,
                _ => return,
            };
            e.prevent_default();
            *c = next;
            if let Some(field) = input.cast::<HtmlInputElement>() {
                field.set_value(h.get(next).map(String::as_str).unwrap_or(""));
            }
        })
    };

    html! {
        <div class="terminal">
            <h2>{ text(l, Label::Terminal) }</h2>
            <div class="screen" ref={screen} role="log" aria-live="polite">
                { for lines.iter().map(|line| match line {
                    Line::Command(c) => html! { <pre class="cmd">{ format!("$ {c}") }</pre> },
                    Line::Out(o) => html! { <pre class="out">{ o.clone() }</pre> },
                    Line::Err(e) => html! { <pre class="err">{ e.clone() }</pre> },
                }) }
            </div>
            <form class="prompt" {onsubmit}>
                <span aria-hidden="true">{ "$" }</span>
                <input id="terminal-input" ref={input} {onkeydown} autocomplete="off" spellcheck="false"
                    placeholder={ text(l, Label::TerminalHint) } aria-label={ text(l, Label::Terminal) } />
                <button type="submit">{ text(l, Label::Run) }</button>
            </form>
        </div>
    }
}
