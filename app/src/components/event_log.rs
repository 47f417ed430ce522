//! The event log: every protocol event explained in words, newest first.

use crate::components::controls::format_clock;
use crate::i18n::{text, Label, Lang};
use kafka_playground_core::snapshot::Event;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub lang: Lang,
    pub events: Vec<Event>,
    /// Events the bounded log no longer keeps (the oldest ones).
    #[prop_or_default]
    pub dropped: u64,
}

#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let l = props.lang;
    html! {
        <div class="event-log">
            if props.events.is_empty() {
                <p class="empty">{ text(l, Label::NoEvents) }</p>
            } else {
                <ol reversed=true aria-live="polite">
                    { for props.events.iter().rev().map(|e| html! {
                        <li key={e.seq} data-host={e.host.clone()}>
                            <time>{ format_clock(e.time_ms) }</time>
                            <span class="event-host">{ e.host.clone() }</span>
                            <span class="event-text">{ e.text(l.tag()) }</span>
                        </li>
                    }) }
                </ol>
            }
            if props.dropped > 0 {
                <p class="events-dropped">{ format!("{} {}", props.dropped, text(l, Label::EventsDropped)) }</p>
            }
        </div>
    }
}
