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

/// Rows drawn while the list is scrolled to its top (newest first: more than fill the box);
/// scrolling down draws every event the panel was given.
const SHOWN_AT_TOP: usize = 40;

#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let l = props.lang;
    // Only the visible window is drawn: rows below the fold are not kept up to date on
    // every frame while nobody looks at them.
    let scrolled = use_state_eq(|| false);
    let onscroll = {
        let scrolled = scrolled.clone();
        Callback::from(move |e: yew::Event| {
            let top = e.target_unchecked_into::<web_sys::Element>().scroll_top();
            scrolled.set(top > 0);
        })
    };
    let shown = if *scrolled {
        props.events.len()
    } else {
        SHOWN_AT_TOP
    };
    html! {
        <div class="event-log">
            if props.events.is_empty() {
                <p class="empty">{ text(l, Label::NoEvents) }</p>
            } else {
                <ol reversed=true aria-live="polite" {onscroll}>
                    { for props.events.iter().rev().take(shown).map(|e| html! {
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
