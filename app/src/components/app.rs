//! The page shell: owns the driver (the cluster and its clock) and wires panels to it.

use crate::components::cluster_view::ClusterView;
use crate::components::controls::Controls;
use crate::components::event_log::EventLog;
use crate::components::host_controls::HostControls;
use crate::components::legend::Legend;
use crate::components::terminal::Terminal;
use crate::driver::Driver;
use crate::i18n::{text, Label, Lang};
use crate::message_kind::MessageKind;
use gloo_timers::callback::Interval;
use kafka_playground_core::cli::CommandOutput;
use kafka_playground_core::cluster::HostAction;
use std::collections::BTreeSet;
use yew::prelude::*;

/// Real milliseconds between animation frames.
const FRAME_MS: u32 = 33;

/// The browser's preferred language tag, or "" where there is none.
fn browser_language() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default()
}

/// Events shown in the log panel (the snapshot keeps the most recent ones).
const LOG_EVENTS: usize = 80;

#[function_component(App)]
pub fn app() -> Html {
    let lang = use_state(|| Lang::from_browser_tag(&browser_language()));
    let driver = use_mut_ref(|| Driver::new(1));
    let redraw = use_force_update();
    let shown = use_state(|| MessageKind::ALL.into_iter().collect::<BTreeSet<_>>());

    // The clock: each frame advances virtual time within a bounded event budget, then redraws.
    {
        let driver = driver.clone();
        let redraw = redraw.clone();
        use_effect_with((), move |_| {
            let interval = Interval::new(FRAME_MS, move || {
                driver.borrow_mut().frame(FRAME_MS as f64);
                redraw.force_update();
            });
            move || drop(interval)
        });
    }

    // Keep <html lang> in step so screen readers and fonts pick the right language.
    use_effect_with(*lang, |lang| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang.tag());
        }
    });

    let act = |f: fn(&mut Driver)| {
        let (driver, redraw) = (driver.clone(), redraw.clone());
        Callback::from(move |_| {
            f(&mut driver.borrow_mut());
            redraw.force_update();
        })
    };
    let on_toggle = act(|d| d.running = !d.running);
    let on_step = act(Driver::single_step);
    let on_speed = {
        let (driver, redraw) = (driver.clone(), redraw.clone());
        Callback::from(move |s: f64| {
            driver.borrow_mut().speed = s;
            redraw.force_update();
        })
    };
    let on_restart = {
        let (driver, redraw) = (driver.clone(), redraw.clone());
        Callback::from(move |seed: u64| {
            driver.borrow_mut().restart(seed);
            redraw.force_update();
        })
    };
    let on_action = {
        let (driver, redraw) = (driver.clone(), redraw.clone());
        Callback::from(move |(host, action): (String, HostAction)| {
            // Errors (e.g. starting a running host) leave the cluster as it was; buttons are
            // disabled where an action makes no sense, so there is nothing to report here.
            let _ = driver.borrow_mut().cluster_mut().host_action(&host, action);
            redraw.force_update();
        })
    };
    let on_run = {
        let (driver, redraw) = (driver.clone(), redraw.clone());
        Callback::from(move |line: String| -> CommandOutput {
            let mut d = driver.borrow_mut();
            let out = d.cluster_mut().run_command(&line, None);
            d.sync_target();
            redraw.force_update();
            out
        })
    };
    let on_kind = {
        let shown = shown.clone();
        Callback::from(move |kind: MessageKind| {
            let mut next = (*shown).clone();
            if !next.remove(&kind) {
                next.insert(kind);
            }
            shown.set(next);
        })
    };
    let toggle_lang = {
        let lang = lang.clone();
        Callback::from(move |_| lang.set(lang.other()))
    };

    let d = driver.borrow();
    let snapshot = d.cluster().snapshot();
    let l = *lang;
    let events: Vec<_> = snapshot
        .events
        .iter()
        .rev()
        .take(LOG_EVENTS)
        .rev()
        .cloned()
        .collect();
    html! {
        <div class="page">
            <header class="topbar">
                <div class="brand">
                    <h1>{ text(l, Label::Title) }</h1>
                    <p class="subtitle">{ text(l, Label::Subtitle) }</p>
                </div>
                <Controls lang={l} running={d.running} speed={d.speed} seed={snapshot.seed} now_ms={snapshot.now_ms}
                    {on_toggle} {on_step} {on_speed} {on_restart} />
                <button id="lang-switch" class="lang-switch" onclick={toggle_lang}
                    aria-label={ text(l, Label::SwitchLanguage) }>
                    { text(l, Label::SwitchLanguage) }
                </button>
            </header>
            <main class="layout">
                <section class="panel view" aria-label={ text(l, Label::ClusterView) }>
                    <ClusterView snapshot={snapshot.clone()} lang={l} shown={(*shown).clone()} />
                    <Legend lang={l} shown={(*shown).clone()} on_toggle={on_kind} />
                </section>
                <section class="panel side">
                    <HostControls lang={l} hosts={snapshot.hosts.clone()} {on_action} />
                </section>
                <section class="panel term">
                    <Terminal lang={l} {on_run} />
                </section>
                <section class="panel log">
                    <EventLog lang={l} {events} />
                </section>
            </main>
        </div>
    }
}
