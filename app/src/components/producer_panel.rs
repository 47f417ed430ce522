//! The producer panel: the seed's producer.py as a form, a console producer, and an automatic
//! producer for demonstrations. Sends become panel actions (journaled by the driver); what
//! the panel shows comes back from the producers' results. Everything typed is shown as text.

use crate::i18n::{text, Label, Lang};
use crate::panel_clients::{
    AutoProducer, PanelAction, Sent, Source, MAX_PRODUCERS, MAX_RATE, SEED_TOPIC,
};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Sends listed (newest first).
const SHOWN: usize = 8;

#[derive(Properties, PartialEq)]
pub struct ProducerPanelProps {
    pub lang: Lang,
    /// The most recent sends, oldest first.
    pub sent: Vec<Sent>,
    pub auto: Option<AutoProducer>,
    /// Existing topics, offered in the topic fields.
    pub topics: Vec<String>,
    pub on_action: Callback<PanelAction>,
}

fn value_of(r: &NodeRef) -> String {
    r.cast::<HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}

fn clear(r: &NodeRef) {
    if let Some(i) = r.cast::<HtmlInputElement>() {
        i.set_value("");
    }
}

fn focus(r: &NodeRef) {
    if let Some(i) = r.cast::<HtmlInputElement>() {
        let _ = i.focus();
    }
}

/// Where a send landed, in words.
fn outcome(l: Lang, s: &Sent) -> Html {
    match &s.outcome {
        None => html! { <span class="sent-wait">{ text(l, Label::Waiting) }</span> },
        Some(Ok((_, -1))) => html! { <span class="sent-ok">{ text(l, Label::NoOffset) }</span> },
        Some(Ok((p, o))) => html! {
            <span class="sent-ok" data-partition={p.to_string()} data-offset={o.to_string()}>
                <span aria-hidden="true">{ "✓ " }</span>
                { format!("{}-{p} · {} {p} · {} {o}", s.topic, text(l, Label::AtPartition), text(l, Label::AtOffset)) }
            </span>
        },
        Some(Err(e)) => html! {
            <span class="sent-err"><span aria-hidden="true">{ "✕ " }</span>{ format!("{} {e}", text(l, Label::SendFailed)) }</span>
        },
    }
}

#[function_component(ProducerPanel)]
pub fn producer_panel(props: &ProducerPanelProps) -> Html {
    let l = props.lang;
    let (py_key, py_value) = (use_node_ref(), use_node_ref());
    let (c_key, c_value, c_acks) = (use_node_ref(), use_node_ref(), use_node_ref());
    // Fields with a default value are controlled (the page redraws every frame).
    let c_topic = use_state(|| SEED_TOPIC.to_string());
    let a_topic = use_state(|| SEED_TOPIC.to_string());
    let a_rate = use_state(|| "5".to_string());
    let a_producers = use_state(|| "1".to_string());
    let bind = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };

    let on_python = {
        let (cb, k, v) = (props.on_action.clone(), py_key.clone(), py_value.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (key, value) = (value_of(&k), value_of(&v));
            cb.emit(PanelAction::PythonSend { key, value });
            clear(&k);
            clear(&v);
            focus(&k);
        })
    };
    let on_console = {
        let cb = props.on_action.clone();
        let (t, k, v, a) = (
            c_topic.clone(),
            c_key.clone(),
            c_value.clone(),
            c_acks.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let topic = t.trim().to_string();
            let topic = if topic.is_empty() {
                SEED_TOPIC.to_string()
            } else {
                topic
            };
            let key = Some(value_of(&k)).filter(|k| !k.is_empty());
            let acks = a
                .cast::<HtmlSelectElement>()
                .map(|s| s.value())
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            cb.emit(PanelAction::ConsoleSend {
                topic,
                key,
                value: value_of(&v),
                acks,
            });
            clear(&v);
            focus(&v);
        })
    };
    let auto_on = props.auto.as_ref().is_some_and(|a| a.rate > 0);
    let auto_action = {
        let (t, n) = (a_topic.clone(), a_producers.clone());
        move |on: bool, rate: &str| {
            let topic = t.trim().to_string();
            let topic = if topic.is_empty() {
                SEED_TOPIC.to_string()
            } else {
                topic
            };
            let rate = rate.trim().parse::<u32>().unwrap_or(5).clamp(1, MAX_RATE);
            let producers = n.trim().parse::<u32>().unwrap_or(1).clamp(1, MAX_PRODUCERS);
            PanelAction::Auto {
                topic,
                rate: if on { rate } else { 0 },
                producers,
            }
        }
    };
    let on_auto_toggle = {
        let (cb, act, r) = (props.on_action.clone(), auto_action.clone(), a_rate.clone());
        Callback::from(move |_: MouseEvent| cb.emit(act(!auto_on, &r)))
    };
    let on_auto_rate = {
        let (cb, act, r) = (props.on_action.clone(), auto_action, a_rate.clone());
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if auto_on && v.trim().parse::<u32>().is_ok_and(|n| n > 0) {
                cb.emit(act(true, &v));
            }
            r.set(v);
        })
    };
    let topic_list = html! {
        <datalist id="producer-topics">
            { for props.topics.iter().map(|t| html! { <option value={t.clone()} /> }) }
        </datalist>
    };
    html! {
        <div class="producer-panel">
            <h2>{ text(l, Label::ProducerPanel) }</h2>
            { topic_list }
            <form id="py-producer" class="client-form" onsubmit={on_python}>
                <h3>{ text(l, Label::ProducerPy) }</h3>
                <p class="form-hint">{ text(l, Label::ProducerPyHint) }</p>
                <div class="fields">
                    <label>{ text(l, Label::KeyField) }
                        <input id="py-key" ref={py_key} required=true autocomplete="off" /></label>
                    <label class="grow">{ text(l, Label::ValueField) }
                        <input id="py-value" ref={py_value} autocomplete="off" /></label>
                    <button id="py-send" type="submit">{ text(l, Label::Send) }</button>
                </div>
            </form>
            <form id="console-producer" class="client-form" onsubmit={on_console}>
                <h3>{ text(l, Label::ConsoleProducer) }</h3>
                <div class="fields">
                    <label>{ text(l, Label::TopicField) }
                        <input id="cp-topic" list="producer-topics" value={(*c_topic).clone()} oninput={bind(&c_topic)} size="8" autocomplete="off" /></label>
                    <label>{ text(l, Label::KeyOptional) }
                        <input id="cp-key" ref={c_key} size="6" autocomplete="off" /></label>
                    <label class="grow">{ text(l, Label::ValueField) }
                        <input id="cp-value" ref={c_value} autocomplete="off" /></label>
                    <label>{ "acks" }
                        <select id="cp-acks" ref={c_acks}>
                            <option value="0">{ "0" }</option>
                            <option value="1" selected=true>{ "1" }</option>
                            <option value="-1">{ "all" }</option>
                        </select>
                    </label>
                    <button id="cp-send" type="submit">{ text(l, Label::Send) }</button>
                </div>
            </form>
            <div class="client-form auto-producer">
                <h3>{ text(l, Label::AutoProducer) }</h3>
                <div class="fields">
                    <label>{ text(l, Label::TopicField) }
                        <input id="auto-topic" list="producer-topics" value={(*a_topic).clone()} oninput={bind(&a_topic)} size="8"
                            disabled={auto_on} autocomplete="off" /></label>
                    <label>{ text(l, Label::AutoProducers) }
                        <input id="auto-producers" type="number" min="1" max={MAX_PRODUCERS.to_string()} value={(*a_producers).clone()}
                            oninput={bind(&a_producers)} disabled={auto_on} /></label>
                    <label>{ text(l, Label::PerSecond) }
                        <input id="auto-rate" type="number" min="1" max={MAX_RATE.to_string()} value={(*a_rate).clone()}
                            oninput={on_auto_rate} /></label>
                    <button id="auto-on" type="button" class={classes!("toggle", auto_on.then_some("on"))}
                        aria-pressed={auto_on.to_string()} onclick={on_auto_toggle}>
                        <span aria-hidden="true">{ if auto_on { "■ " } else { "▶ " } }</span>
                        { text(l, if auto_on { Label::Stop } else { Label::Start }) }
                    </button>
                </div>
                if let Some(a) = &props.auto {
                    <p class="auto-status" id="auto-status">
                        { format!("{} {} · {} {} · {} {}",
                            text(l, Label::AutoSent), a.sent,
                            text(l, Label::AutoAcked), a.acked,
                            text(l, Label::AutoFailed), a.failed) }
                        if let Some(e) = &a.last_error { { format!(" ({e})") } }
                    </p>
                }
            </div>
            if props.sent.is_empty() {
                <p class="empty">{ text(l, Label::NoSends) }</p>
            } else {
                <ol class="sent-list" id="sent-list" aria-live="polite">
                    { for props.sent.iter().rev().take(SHOWN).map(|s| html! {
                        <li class="sent">
                            <code class="sent-line">{
                                match s.source {
                                    Source::Python => format!("Message sent: {}", s.shown),
                                    Source::Console { acks } => {
                                        let acks = if acks == -1 { "all".to_string() } else { acks.to_string() };
                                        match &s.key {
                                            Some(k) => format!(">{k}\t{}  (acks={acks})", s.shown),
                                            None => format!(">{}  (acks={acks})", s.shown),
                                        }
                                    }
                                }
                            }</code>
                            { outcome(l, s) }
                        </li>
                    }) }
                </ol>
            }
        </div>
    }
}
