//! One terminal: a screen and an input line. At the shell's `$` prompt a line runs as a
//! command (history with ↑/↓); while a program runs in the foreground the prompt is its own
//! (`>` for the console producer) or none, Ctrl-C interrupts it and Ctrl-D ends its input.
//! The driver holds the shell and the screen; this only draws them and sends actions.
//! Output is shown as text, never as HTML.

use crate::i18n::{text, Label, Lang};
use crate::terminals::{Line, Screen, TermAction};
use kafka_playground_core::cli::complete::Completion;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    pub lang: Lang,
    /// The terminal's number.
    pub id: u32,
    pub screen: Screen,
    /// A program runs in the foreground.
    pub busy: bool,
    /// Its prompt, when it reads a line.
    pub prompt: Option<&'static str>,
    /// The container shell's prompt, when `docker exec -it … bash` opened one here.
    #[prop_or_default]
    pub shell: Option<AttrValue>,
    /// Whether it may close (the last terminal stays).
    pub closable: bool,
    /// Take the keyboard focus when shown (a terminal just opened).
    #[prop_or_default]
    pub focus: bool,
    pub on_action: Callback<TermAction>,
    /// Tab completion of a command line typed in terminal N (its own shell: host or container).
    pub on_complete: Callback<(u32, String), Completion>,
}

/// The input's id: `terminal-input` for terminal 1, `terminal-input-N` for the others.
pub fn input_id(id: u32) -> String {
    if id == 1 {
        "terminal-input".into()
    } else {
        format!("terminal-input-{id}")
    }
}

#[function_component(Terminal)]
pub fn terminal(props: &TerminalProps) -> Html {
    let l = props.lang;
    let t = props.id;
    let history = use_mut_ref(Vec::<String>::new);
    let cursor = use_mut_ref(|| 0usize);
    let input = use_node_ref();
    let screen = use_node_ref();
    // The words Tab found when more than one fits.
    let candidates = use_state(Vec::<String>::new);

    // Keep the newest output in view.
    {
        let screen = screen.clone();
        use_effect_with(props.screen.clone(), move |_| {
            if let Some(el) = screen.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    {
        let (input, focus) = (input.clone(), props.focus);
        use_effect_with((), move |_| {
            if focus {
                if let Some(field) = input.cast::<HtmlInputElement>() {
                    let _ = field.focus();
                }
            }
        });
    }

    let onsubmit = {
        let (history, cursor, input, on_action) = (
            history.clone(),
            cursor.clone(),
            input.clone(),
            props.on_action.clone(),
        );
        let (busy, reading) = (props.busy, props.prompt.is_some());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let line = field.value();
            if busy {
                // A consumer does not read its input: the line waits in the field.
                if reading {
                    field.set_value("");
                    on_action.emit(TermAction::Input { t, line });
                }
                return;
            }
            field.set_value("");
            if line.trim().is_empty() {
                return;
            }
            let mut h = history.borrow_mut();
            h.push(line.clone());
            *cursor.borrow_mut() = h.len();
            drop(h);
            on_action.emit(TermAction::Run { t, line });
        })
    };

    let onkeydown = {
        let (history, cursor, input, on_action) = (
            history.clone(),
            cursor.clone(),
            input.clone(),
            props.on_action.clone(),
        );
        let busy = props.busy;
        let (on_complete, candidates) = (props.on_complete.clone(), candidates.clone());
        Callback::from(move |e: KeyboardEvent| {
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let ctrl = e.ctrl_key() && !e.alt_key() && !e.meta_key() && !e.shift_key();
            if !candidates.is_empty() && e.key() != "Tab" {
                candidates.set(Vec::new());
            }
            match e.key().as_str() {
                // Tab completes a command line; with nothing typed, or nothing that fits, Tab
                // moves the focus on as everywhere else (no keyboard trap).
                "Tab" if !busy && !e.shift_key() && !ctrl && !field.value().is_empty() => {
                    let line = field.value();
                    let r = on_complete.emit((t, line.clone()));
                    if r.line == line && r.candidates.is_empty() {
                        return;
                    }
                    e.prevent_default();
                    field.set_value(&r.line);
                    candidates.set(r.candidates);
                }
                "c" | "C" if ctrl => {
                    // Selected text is copied, as a terminal's copy does; otherwise Ctrl-C.
                    let selected = field.selection_start().ok().flatten()
                        != field.selection_end().ok().flatten();
                    if selected {
                        return;
                    }
                    e.prevent_default();
                    if busy {
                        on_action.emit(TermAction::Interrupt { t });
                    } else {
                        // At the shell, Ctrl-C drops the line being typed.
                        field.set_value("");
                    }
                }
                "d" | "D" if ctrl => {
                    // Ctrl-D on an empty line: the end of the program's input.
                    e.prevent_default();
                    if busy && field.value().is_empty() {
                        on_action.emit(TermAction::Eof { t });
                    }
                }
                "ArrowUp" | "ArrowDown" if !busy => {
                    let h = history.borrow();
                    let mut c = cursor.borrow_mut();
                    let next = match e.key().as_str() {
                        "ArrowUp" if *c > 0 => *c - 1,
                        "ArrowDown" if *c < h.len() => *c + 1,
                        _ => return,
                    };
                    e.prevent_default();
                    *c = next;
                    field.set_value(h.get(next).map(String::as_str).unwrap_or(""));
                }
                _ => {}
            }
        })
    };

    let title = format!("{} {t}", text(l, Label::Terminal));
    let input_id = input_id(t);
    let (ps, hint, submit) = match (props.busy, props.prompt) {
        (false, _) => (
            props.shell.as_deref().unwrap_or("$"),
            text(l, Label::TerminalHint),
            text(l, Label::Run),
        ),
        (true, Some(p)) => (p, text(l, Label::ProgramReads), text(l, Label::Send)),
        (true, None) => ("", text(l, Label::ProgramRuns), text(l, Label::Send)),
    };
    let act = |a: TermAction| {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(a.clone()))
    };
    html! {
        <section class={classes!("terminal", props.busy.then_some("busy"))} aria-label={title.clone()} data-term={t.to_string()}>
            <div class="term-head">
                <h2>{ title.clone() }</h2>
                if props.busy {
                    <span class="term-running" role="status">{ text(l, Label::ProgramRunning) }</span>
                }
                if props.closable {
                    <button type="button" class="term-close" onclick={act(TermAction::Close { t })}
                        aria-label={ format!("{} — {title}", text(l, Label::CloseTerminal)) }
                        title={ text(l, Label::CloseTerminal) }>{ "×" }</button>
                }
            </div>
            <div class="screen" ref={screen} role="log" aria-live="polite" aria-label={title.clone()}>
                { for props.screen.lines.iter().map(|line| match line {
                    Line::Command(c) => html! { <pre class="cmd">{ format!("$ {c}") }</pre> },
                    Line::ShellCommand(c) => html! { <pre class="cmd in-shell">{ c.clone() }</pre> },
                    Line::Input(s) => html! { <pre class="in">{ s.clone() }</pre> },
                    Line::Out(o) => html! { <pre class="out">{ o.clone() }</pre> },
                    Line::Err(e) => html! { <pre class="err">{ e.clone() }</pre> },
                    Line::Signal(s) => html! { <pre class="sig">{ *s }</pre> },
                    Line::Restarted(seed) => html! {
                        <pre class="restarted">{ format!("── {} {seed} ──", text(l, Label::TerminalRestarted)) }</pre>
                    },
                }) }
            </div>
            if !candidates.is_empty() {
                <div class="completions" role="status">
                    { for candidates.iter().map(|w| html! { <span>{ w.clone() }</span> }) }
                </div>
            }
            <form class="prompt" {onsubmit}>
                <span class="ps" aria-hidden="true">{ ps }</span>
                <input id={input_id} ref={input} {onkeydown} autocomplete="off" spellcheck="false"
                    autocapitalize="off" placeholder={ hint } aria-label={ format!("{title}: {hint}") } />
                // A consumer reads no input: nothing to send.
                if !props.busy || props.prompt.is_some() {
                    <button type="submit">{ submit }</button>
                }
                if props.prompt.is_some() {
                    <button type="button" class="term-key" data-key="ctrl-d" onclick={act(TermAction::Eof { t })}
                        aria-label={ format!("{} — {title}", text(l, Label::EndInput)) }
                        title={ text(l, Label::EndInput) }>{ "Ctrl-D" }</button>
                }
                if props.busy {
                    <button type="button" class="term-key" data-key="ctrl-c" onclick={act(TermAction::Interrupt { t })}
                        aria-label={ format!("{} — {title}", text(l, Label::InterruptProgram)) }
                        title={ text(l, Label::InterruptProgram) }>{ "Ctrl-C" }</button>
                }
            </form>
        </section>
    }
}
