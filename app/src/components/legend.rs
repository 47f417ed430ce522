//! Legend of message dots, each kind toggleable.

use crate::i18n::{text, Label, Lang};
use crate::message_kind::MessageKind;
use kafka_playground_core::ordered::OrdSet as BTreeSet;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    pub lang: Lang,
    pub shown: BTreeSet<MessageKind>,
    pub on_toggle: Callback<MessageKind>,
}

fn kind_label(kind: MessageKind) -> Label {
    match kind {
        MessageKind::Election => Label::Election,
        MessageKind::Zab => Label::Zab,
        MessageKind::Heartbeat => Label::Heartbeats,
        MessageKind::Records => Label::RecordsTraffic,
        MessageKind::Client => Label::ClientTraffic,
    }
}

#[function_component(Legend)]
pub fn legend(props: &LegendProps) -> Html {
    let l = props.lang;
    html! {
        <fieldset class="legend">
            <legend>{ text(l, Label::MessageTypes) }</legend>
            { for MessageKind::ALL.iter().map(|&kind| {
                let cb = props.on_toggle.clone();
                html! {
                    <label class={classes!("legend-item", kind.class())}>
                        <input type="checkbox" checked={props.shown.contains(&kind)}
                            onchange={Callback::from(move |_| cb.emit(kind))} />
                        <svg width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true">
                            <g class={classes!("dot", kind.class())}>{ kind.shape() }</g>
                        </svg>
                        { text(l, kind_label(kind)) }
                    </label>
                }
            }) }
        </fieldset>
    }
}
