//! The event log: every protocol event explained in words, newest first. Each entry's host is a
//! button that points at that host in the cluster picture (and marks its other entries).

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
    /// The host the log points at in the picture, if any.
    #[prop_or_default]
    pub pointed: Option<String>,
    /// Points at a host (`Some`) or stops pointing (`None`).
    #[prop_or_default]
    pub on_point: Callback<Option<String>>,
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
                    { for props.events.iter().rev().take(shown).map(|e| {
                        let pointed = props.pointed.as_ref() == Some(&e.host);
                        let point = {
                            let (cb, host) = (props.on_point.clone(), e.host.clone());
                            Callback::from(move |_| cb.emit((!pointed).then(|| host.clone())))
                        };
                        html! {
                            <li key={e.seq} data-host={e.host.clone()} class={classes!(pointed.then_some("pointed"))}>
                                <time>{ format_clock(e.time_ms) }</time>
                                <button type="button" class="event-host" aria-pressed={pointed.to_string()}
                                    title={ format!("{} {}", text(l, Label::PointAtHost), e.host) } onclick={point}>
                                    { e.host.clone() }
                                </button>
                                <span class="event-text">{ e.text(l.tag()) }</span>
                            </li>
                        }
                    }) }
                </ol>
            }
            if props.dropped > 0 {
                <p class="events-dropped">{ format!("{} {}", props.dropped, text(l, Label::EventsDropped)) }</p>
            }
        </div>
    }
}
