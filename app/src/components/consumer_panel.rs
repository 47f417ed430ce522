//! Consumer panels: start consumer.py or a console consumer (no group: the core has no
//! consumer groups yet), several side by side, each with the records it received and its
//! position and lag per partition. Keys and values are shown as text, never as HTML.

use crate::i18n::{text, Label, Lang};
use crate::panel_clients::{PanelAction, PanelClients, PanelConsumer, Program, SEED_TOPIC};
use kafka_playground_core::cli::python_repr::value_repr;
use kafka_playground_core::snapshot::TopicView;
use std::collections::BTreeMap;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// A consumer with the high watermark of each partition of its topic (leader's replica).
#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerCard {
    pub consumer: PanelConsumer,
    pub high_watermarks: BTreeMap<i32, i64>,
}

/// The cards of every running panel consumer.
pub fn consumer_cards(clients: &PanelClients, topics: &[TopicView]) -> Vec<ConsumerCard> {
    clients
        .consumers()
        .iter()
        .map(|k| {
            let high_watermarks = topics
                .iter()
                .find(|t| t.name == k.topic)
                .map(|t| {
                    t.partitions
                        .iter()
                        .filter_map(|p| {
                            p.offsets
                                .iter()
                                .find(|o| Some(o.broker) == p.leader)
                                .map(|o| (p.partition, o.high_watermark))
                        })
                        .collect()
                })
                .unwrap_or_default();
            ConsumerCard {
                consumer: k.clone(),
                high_watermarks,
            }
        })
        .collect()
}

/// One partition's line: (partition, position, high watermark, lag), where known.
pub type LagRow = (i32, Option<i64>, Option<i64>, Option<i64>);

/// Per partition of the consumer's topic: its position, the high watermark and the lag.
pub fn lag_rows(card: &ConsumerCard) -> Vec<LagRow> {
    let mut parts: Vec<i32> = card.high_watermarks.keys().copied().collect();
    for p in card.consumer.positions.keys() {
        if !parts.contains(p) {
            parts.push(*p);
        }
    }
    parts.sort_unstable();
    parts
        .into_iter()
        .map(|p| {
            let pos = card.consumer.positions.get(&p).copied();
            let hw = card.high_watermarks.get(&p).copied();
            let lag = pos.zip(hw).map(|(pos, hw)| (hw - pos).max(0));
            (p, pos, hw, lag)
        })
        .collect()
}

/// How consumer.py shows a value: `repr()` of the decoded JSON, or None if it is not JSON.
pub fn python_value(value: Option<&str>) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(value?)
        .ok()
        .map(|v| value_repr(&v))
}

#[derive(Properties, PartialEq)]
pub struct ConsumersPanelProps {
    pub lang: Lang,
    pub cards: Vec<ConsumerCard>,
    pub topics: Vec<String>,
    pub on_action: Callback<PanelAction>,
}

#[function_component(ConsumersPanel)]
pub fn consumers_panel(props: &ConsumersPanelProps) -> Html {
    let l = props.lang;
    // Controlled fields (the page redraws every frame).
    let topic = use_state(|| SEED_TOPIC.to_string());
    let beginning = use_state(|| true);
    let python = use_state(|| true);
    let on_program = {
        let python = python.clone();
        Callback::from(move |e: Event| {
            python.set(e.target_unchecked_into::<HtmlSelectElement>().value() == "python");
        })
    };
    let on_start = {
        let cb = props.on_action.clone();
        let (t, from_beginning, python) = (topic.clone(), *beginning, *python);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let topic = Some(t.trim().to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| SEED_TOPIC.to_string());
            cb.emit(PanelAction::StartConsumer {
                program: if python {
                    Program::Python
                } else {
                    Program::Console
                },
                topic,
                from_beginning,
            });
        })
    };
    html! {
        <div class="consumers-panel">
            <h2>{ text(l, Label::ConsumersPanel) }</h2>
            <form id="consumer-start" class="client-form" onsubmit={on_start}>
                <div class="fields">
                    <label>
                        <span class="visually-hidden">{ text(l, Label::ConsumersPanel) }</span>
                        <select id="consumer-program" onchange={on_program}>
                            <option value="python" selected={*python}>{ text(l, Label::ConsumerPy) }</option>
                            <option value="console" selected={!*python}>{ text(l, Label::ConsoleConsumer) }</option>
                        </select>
                    </label>
                    if !*python {
                        <label>{ text(l, Label::TopicField) }
                            <input id="consumer-topic" list="consumer-topics" value={(*topic).clone()} size="8" autocomplete="off"
                                oninput={ { let t = topic.clone(); Callback::from(move |e: InputEvent| t.set(e.target_unchecked_into::<HtmlInputElement>().value())) } } />
                        </label>
                        <label class="check">
                            <input id="consumer-beginning" type="checkbox" checked={*beginning}
                                onchange={ { let b = beginning.clone(); Callback::from(move |e: Event| b.set(e.target_unchecked_into::<HtmlInputElement>().checked())) } } />
                            { text(l, Label::FromBeginning) }
                        </label>
                    }
                    <button id="consumer-start-button" type="submit">{ text(l, Label::StartConsumer) }</button>
                </div>
                <datalist id="consumer-topics">
                    { for props.topics.iter().map(|t| html! { <option value={t.clone()} /> }) }
                </datalist>
            </form>
            if props.cards.is_empty() {
                <p class="empty">{ text(l, Label::NoConsumers) }</p>
            } else {
                <div class="consumer-cards">
                    { for props.cards.iter().map(|c| html! {
                        <ConsumerCardView key={c.consumer.id} lang={l} card={c.clone()} on_action={props.on_action.clone()} />
                    }) }
                </div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ConsumerCardProps {
    pub lang: Lang,
    pub card: ConsumerCard,
    pub on_action: Callback<PanelAction>,
}

#[function_component(ConsumerCardView)]
pub fn consumer_card_view(props: &ConsumerCardProps) -> Html {
    let l = props.lang;
    let k = &props.card.consumer;
    let on_stop = {
        let (cb, id) = (props.on_action.clone(), k.id);
        Callback::from(move |_| cb.emit(PanelAction::StopConsumer { id }))
    };
    let program = match k.program {
        Program::Python => "consumer.py".to_string(),
        Program::Console => format!(
            "kafka-console-consumer · {}",
            text(
                l,
                if k.from_beginning {
                    Label::FromBeginning
                } else {
                    Label::LatestOnly
                }
            )
        ),
    };
    let lags = lag_rows(&props.card);
    html! {
        <article class="consumer-card" data-consumer={k.id.to_string()} aria-label={k.name.clone()}>
            <header>
                <div>
                    <h3 class="consumer-name">{ k.name.clone() }</h3>
                    <p class="consumer-program">{ program }{ " · " }<span class="consumer-topic">{ k.topic.clone() }</span></p>
                </div>
                <button class="consumer-stop" onclick={on_stop}
                    aria-label={format!("{} {}", text(l, Label::Stop), k.name)}>{ text(l, Label::Stop) }</button>
            </header>
            <table class="kd-table lag-table">
                <thead><tr>
                    <th scope="col">{ text(l, Label::PartitionCol) }</th>
                    <th scope="col" class="num">{ text(l, Label::PositionCol) }</th>
                    <th scope="col" class="num"><abbr title={ text(l, Label::HighWatermarkCol) }>{ text(l, Label::HighWatermarkShort) }</abbr></th>
                    <th scope="col" class="num">{ text(l, Label::LagCol) }</th>
                </tr></thead>
                <tbody>
                    { for lags.iter().map(|(p, pos, hw, lag)| {
                        let show = |v: &Option<i64>| v.map_or("–".to_string(), |v| v.to_string());
                        html! {
                            <tr data-partition={p.to_string()}>
                                <th scope="row">{ p.to_string() }</th>
                                <td class="num">{ show(pos) }</td>
                                <td class="num">{ show(hw) }</td>
                                <td class={classes!("num", "lag", lag.is_some_and(|x| x > 0).then_some("behind"))}>{ show(lag) }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            <p class="consumer-count">{ format!("{} {}", text(l, Label::Received), k.received) }</p>
            if k.records.is_empty() {
                <p class="empty">{ text(l, Label::NothingReceived) }</p>
            } else {
                <ol class="consumed" aria-live="polite">
                    { for k.records.iter().rev().map(|r| {
                        let value = r.record.value.as_deref();
                        let (shown, not_json) = match k.program {
                            Program::Python => match python_value(value) {
                                Some(v) => (v, false),
                                None => (value.unwrap_or("null").to_string(), true),
                            },
                            Program::Console => (value.unwrap_or("null").to_string(), false),
                        };
                        html! {
                            <li class="consumed-record" data-partition={r.partition.to_string()} data-offset={r.record.offset.to_string()}>
                                <span class="rec-where">{ format!("{}-{} @{}", r.topic, r.partition, r.record.offset) }</span>
                                if let Some(key) = &r.record.key {
                                    <span class="rec-key">{ key.clone() }</span>
                                }
                                <span class="rec-value">{ shown }</span>
                                if not_json {
                                    <span class="rec-warn"><span aria-hidden="true">{ "⚠ " }</span>{ text(l, Label::NotJson) }</span>
                                }
                            </li>
                        }
                    }) }
                </ol>
            }
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumer_py_shows_the_decoded_dict_and_flags_what_is_not_json() {
        assert_eq!(
            python_value(Some(r#"{"k": "<img src=x onerror=alert(1)>"}"#)).as_deref(),
            Some("{'k': '<img src=x onerror=alert(1)>'}")
        );
        assert_eq!(python_value(Some("hello")), None);
        assert_eq!(python_value(None), None);
    }
}
