//! Link faults between two hosts: cut, delay, loss, heal — the `netem` commands they stand for,
//! run (and journaled) like typed ones, so the terminal, share links and notebooks agree.

use crate::driver::said;
use crate::i18n::{text, Label, Lang};
use kafka_playground_core::cli::CommandOutput;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LinkControlsProps {
    pub lang: Lang,
    /// The hosts a link can join (ZooKeepers and brokers).
    pub hosts: Vec<String>,
    /// Runs the command line a button stands for.
    pub on_command: Callback<String, CommandOutput>,
}

/// The `netem` line for a button: `verb` with hosts `a`, `b` and the button's own arguments.
pub fn netem_line(verb: &str, a: &str, b: &str) -> String {
    match verb {
        "delay" => format!("netem delay {a} {b} 300"),
        "loss" => format!("netem loss {a} {b} 30"),
        "heal-all" => "netem heal --all".to_string(),
        verb => format!("netem {verb} {a} {b}"),
    }
}

#[function_component(LinkControls)]
pub fn link_controls(props: &LinkControlsProps) -> Html {
    let l = props.lang;
    let first = |i: usize| props.hosts.get(i).cloned().unwrap_or_default();
    let a = use_state(|| first(0));
    let b = use_state(|| first(1));
    let outcome = use_state(|| None::<Result<String, String>>);
    let select = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: Event| {
            state.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let button = |verb: &'static str, label: Label| {
        let (a, b, outcome, cb) = (
            a.clone(),
            b.clone(),
            outcome.clone(),
            props.on_command.clone(),
        );
        html! {
            <button type="button" class={classes!("fault", "link", verb)} data-link-action={verb}
                onclick={Callback::from(move |_| outcome.set(Some(said(&cb.emit(netem_line(verb, &a, &b))))))}>
                { text(l, label) }
            </button>
        }
    };
    let options = |current: &str| {
        props
            .hosts
            .iter()
            .map(|h| html! { <option value={h.clone()} selected={h == current}>{ h.clone() }</option> })
            .collect::<Html>()
    };
    html! {
        <div class="link-controls" role="group" aria-label={ text(l, Label::LinkFaults) }>
            <span class="link-title">{ text(l, Label::LinkFaults) }</span>
            <select id="link-a" aria-label={ format!("{} A", text(l, Label::LinkFaults)) } onchange={select(&a)}>{ options(&a) }</select>
            <span aria-hidden="true">{ "↔" }</span>
            <select id="link-b" aria-label={ format!("{} B", text(l, Label::LinkFaults)) } onchange={select(&b)}>{ options(&b) }</select>
            { button("cut", Label::CutLink) }
            { button("delay", Label::DelayLink) }
            { button("loss", Label::LossLink) }
            { button("heal", Label::HealLink) }
            { button("heal-all", Label::HealAll) }
            {
                match &*outcome {
                    Some(Err(e)) => html! { <span class="link-result error" role="alert">{ e.clone() }</span> },
                    Some(Ok(said)) => html! { <span class="link-result" role="status">{ said.clone() }</span> },
                    None => html! {},
                }
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::netem_line;

    #[test]
    fn each_button_stands_for_a_netem_command() {
        assert_eq!(
            netem_line("cut", "kafka1", "kafka2"),
            "netem cut kafka1 kafka2"
        );
        assert_eq!(netem_line("heal", "a", "b"), "netem heal a b");
        assert_eq!(netem_line("delay", "a", "b"), "netem delay a b 300");
        assert_eq!(netem_line("loss", "a", "b"), "netem loss a b 30");
        assert_eq!(netem_line("heal-all", "a", "b"), "netem heal --all");
    }
}
