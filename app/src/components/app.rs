//! The page shell: owns the driver (the cluster and its clock) and wires panels to it.

use crate::chapters;
use crate::components::cluster_view::ClusterView;
use crate::components::compose_editor::ComposeEditor;
use crate::components::consumer_panel::{consumer_cards, ConsumersPanel};
use crate::components::controls::Controls;
use crate::components::event_log::EventLog;
use crate::components::flow_charts::FlowCharts;
use crate::components::host_controls::HostControls;
use crate::components::isr_chart::IsrChart;
use crate::components::kafdrop::{broker_rows, message_page, Kafdrop, MessagesAt};
use crate::components::legend::Legend;
use crate::components::link_controls::LinkControls;
use crate::components::producer_panel::ProducerPanel;
use crate::components::terminal::Terminal;
use crate::components::tutorial::Tutorial;
use crate::components::zk_browser::ZkBrowser;
use crate::driver::Driver;
use crate::i18n::{text, Label, Lang};
use crate::message_kind::MessageKind;
use crate::panel_clients::PanelAction;
use crate::share::{self, ShareState};
use crate::shortcuts::{next_speed, shortcut_for, Shortcut, HELP};
use crate::terminals::TermAction;
use crate::tutorial_state::{CellRuns, Progress};
use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::Interval;
use kafka_playground_core::compose::SEED_COMPOSE;
use kafka_playground_core::ordered::OrdSet as BTreeSet;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Real milliseconds between animation frames.
const FRAME_MS: u32 = 33;

/// Real milliseconds a frame may spend running the simulation; the rest is for drawing.
const FRAME_BUDGET_MS: f64 = 12.0;

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
    let progress = use_mut_ref(Progress::load);
    // The chapters arrive after the first paint (chapters::fetch); until then the page shows
    // the sandbox, and the chapter last open (or a share link's) is restored once they are in.
    let chapters_ready = use_state(chapters::loaded);
    let chapter = use_state(|| None::<usize>);
    let step = use_state(|| 0usize);
    let runs = use_mut_ref(CellRuns::default);
    // Bottom-right tab: 0 event log, 1 ZooKeeper tree, 2 docker-compose.yml, 3 Kafka browser.
    let tab = use_state(|| 0u8);
    let zk_server = use_state(|| "zookeeper1".to_string());
    // The partition whose messages the Kafka browser shows, if any.
    let kd_messages = use_state(|| None::<MessagesAt>);
    let notebook = use_memo((*chapter, *lang), |&(c, l)| match c {
        Some(c) => chapters::load(c, l),
        None => Err(String::new()),
    });
    // Steps per chapter, for the progress shown in the chapter list.
    let step_counts = use_memo((*lang, *chapters_ready), |&(l, _)| {
        (0..chapters::count())
            .map(|i| chapters::load(i, l).map(|n| n.steps.len()).unwrap_or(0))
            .collect::<Vec<_>>()
    });
    let notice = use_state(|| None::<String>);
    let share_link = use_state(|| None::<String>);
    // After the first paint: fetch the chapters, kept in memory from then on.
    {
        let ready = chapters_ready.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                // A failure shows in the tutorial panel (chapters::fetch_error).
                let _ = chapters::fetch().await;
                ready.set(true);
            });
        });
    }
    // Start-up, once the chapters are in: a share link in the URL rebuilds the shared
    // situation; otherwise the chapter last open (from local storage, if it still exists) gets
    // its own fresh, booted cluster, as the headless runner gives it.
    {
        let (driver, lang, chapter, step, notice, progress) = (
            driver.clone(),
            lang.clone(),
            chapter.clone(),
            step.clone(),
            notice.clone(),
            progress.clone(),
        );
        use_effect_with(*chapters_ready, move |ready| {
            if !*ready {
                return;
            }
            let fragment = web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .unwrap_or_default();
            match share::decode(&fragment) {
                Ok(Some(state)) => {
                    let l = if state.lang == "ko" {
                        Lang::Ko
                    } else {
                        Lang::En
                    };
                    let c = state.chapter.as_ref().and_then(|id| chapters::find(id));
                    lang.set(l);
                    chapter.set(c);
                    step.set(state.step);
                    driver.borrow_mut().replay(
                        state.seed,
                        state.booted,
                        &state.journal,
                        state.now_ms,
                    );
                    driver.borrow_mut().running = false;
                }
                Ok(None) => {
                    let saved = progress
                        .borrow()
                        .position
                        .as_ref()
                        .and_then(|(id, s)| Some((chapters::find(id)?, *s)));
                    if let Some((c, s)) = saved {
                        if let Ok(nb) = chapters::load(c, *lang) {
                            driver.borrow_mut().restart_booted(nb.seed);
                        }
                        chapter.set(Some(c));
                        step.set(s);
                    }
                }
                Err(e) => notice.set(Some(e)),
            }
        });
    }

    // The clock: each frame advances virtual time within a bounded event budget, then redraws.
    {
        let driver = driver.clone();
        let redraw = redraw.clone();
        use_effect_with((), move |_| {
            let interval = Interval::new(FRAME_MS, move || {
                let start = js_sys::Date::now();
                driver.borrow_mut().frame_within(FRAME_MS as f64, &mut || {
                    js_sys::Date::now() - start < FRAME_BUDGET_MS
                });
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
    let on_fast_forward = {
        let (driver, redraw) = (driver.clone(), redraw.clone());
        Callback::from(move |ms: u64| {
            driver.borrow_mut().fast_forward(ms);
            redraw.force_update();
        })
    };
    let on_cancel = act(Driver::cancel_fast_forward);
    // Callbacks that read no render state are made once (use_callback with no dependencies),
    // so the panels they go to keep equal props and skip re-rendering on every frame.
    // Fault buttons, link buttons and the Kafka browser's New topic run the command line they
    // stand for, so it is journaled (share links) like a typed one; they show what it printed.
    let on_command = {
        let (driver, redraw) = (driver.clone(), redraw.clone());
        use_callback((), move |line: String, _| {
            let out = driver.borrow_mut().run_command(&line);
            redraw.force_update();
            out
        })
    };
    // The host an event-log entry points at in the picture.
    let pointed = use_state(|| None::<String>);
    let on_point = {
        let pointed = pointed.clone();
        use_callback((), move |host: Option<String>, _| pointed.set(host))
    };
    // The terminal that just opened takes the keyboard focus.
    let focus_term = use_state(|| None::<u32>);
    let on_term = {
        let (driver, redraw, focus_term) = (driver.clone(), redraw.clone(), focus_term.clone());
        use_callback((), move |action: TermAction, _| {
            let closed = matches!(action, TermAction::Close { .. });
            if driver.borrow_mut().terminal(&action) && closed {
                // Keyboard users land on the "+" button, next to where the terminal was.
                focus_term.set(None);
                if let Some(b) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("new-terminal"))
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = b.focus();
                }
            }
            redraw.force_update();
        })
    };
    let on_complete = {
        let driver = driver.clone();
        use_callback((), move |(t, line): (u32, String), _| {
            let d = driver.borrow();
            let container = d.terminals().iter().find(|term| term.id == t);
            d.cluster()
                .complete_in(&line, container.and_then(|term| term.container()))
        })
    };
    let on_new_terminal = {
        let (driver, redraw, focus_term) = (driver.clone(), redraw.clone(), focus_term.clone());
        Callback::from(move |_: MouseEvent| {
            let next = driver.borrow().terminals().next_id();
            if let Some(t) = next {
                if driver.borrow_mut().terminal(&TermAction::Open { t }) {
                    focus_term.set(Some(t));
                }
            }
            redraw.force_update();
        })
    };
    let on_panel = {
        let (driver, redraw) = (driver.clone(), redraw.clone());
        use_callback((), move |action: PanelAction, _| {
            driver.borrow_mut().panel(&action);
            redraw.force_update();
        })
    };
    let on_messages = {
        let kd_messages = kd_messages.clone();
        Callback::from(move |at: Option<MessagesAt>| kd_messages.set(at))
    };
    let on_kind = {
        let shown = shown.clone();
        use_callback((*shown).clone(), move |kind: MessageKind, current| {
            let mut next = current.clone();
            if !next.remove(&kind) {
                next.insert(kind);
            }
            shown.set(next);
        })
    };
    let save_position = {
        let progress = progress.clone();
        move |c: Option<usize>, s: usize| {
            let mut p = progress.borrow_mut();
            p.position = c.map(|c| (chapters::id(c), s));
            p.save();
        }
    };
    let on_chapter = {
        let (chapter, step, runs, save) = (
            chapter.clone(),
            step.clone(),
            runs.clone(),
            save_position.clone(),
        );
        let (driver, redraw) = (driver.clone(), redraw.clone());
        use_callback(*lang, move |c: Option<usize>, lang| {
            runs.borrow_mut().clear();
            // Each chapter starts on its own fresh cluster, booted as in the headless runner, so
            // its cells print what the notebook expects.
            if let Some(nb) = c.and_then(|c| chapters::load(c, *lang).ok()) {
                driver.borrow_mut().restart_booted(nb.seed);
                redraw.force_update();
            }
            chapter.set(c);
            step.set(0);
            save(c, 0);
        })
    };
    let on_tutorial_step = {
        let (step, save) = (step.clone(), save_position.clone());
        use_callback(*chapter, move |s: usize, chapter| {
            step.set(s);
            save(*chapter, s);
        })
    };
    let on_run_cell = {
        let (driver, runs, redraw) = (driver.clone(), runs.clone(), redraw.clone());
        use_callback(notebook.clone(), move |(s, c): (usize, usize), notebook| {
            if let Ok(nb) = notebook.as_ref() {
                runs.borrow_mut().run(&mut driver.borrow_mut(), nb, s, c);
            }
            redraw.force_update();
        })
    };
    let on_reset_step = {
        let (driver, runs, redraw) = (driver.clone(), runs.clone(), redraw.clone());
        use_callback((notebook.clone(), *step), move |_, (notebook, step)| {
            if let Ok(nb) = notebook.as_ref() {
                let mut d = driver.borrow_mut();
                d.restart_booted(nb.seed);
                runs.borrow_mut().replay_before(&mut d, nb, *step);
            }
            redraw.force_update();
        })
    };
    let on_share = {
        let (driver, lang, chapter, step, share_link) = (
            driver.clone(),
            lang.clone(),
            chapter.clone(),
            step.clone(),
            share_link.clone(),
        );
        Callback::from(move |_| {
            let d = driver.borrow();
            let state = ShareState {
                v: 1,
                seed: d.cluster().seed(),
                booted: d.booted(),
                lang: lang.tag().to_string(),
                chapter: (*chapter).map(chapters::id),
                step: *step,
                journal: d.journal().to_vec(),
                now_ms: d.cluster().now_ms(),
                compose: d.compose().map(str::to_string),
            };
            let fragment = share::encode(&state);
            let Some(window) = web_sys::window() else {
                return;
            };
            let base = window.location().href().unwrap_or_default();
            let base = base.split('#').next().unwrap_or_default().to_string();
            // Put the link in the address bar too, without reloading.
            if let Ok(history) = window.history() {
                let _ = history.replace_state_with_url(
                    &wasm_bindgen::JsValue::NULL,
                    "",
                    Some(&fragment),
                );
            }
            share_link.set(Some(format!("{base}{fragment}")));
        })
    };
    let presenter = use_state(|| false);
    let help = use_state(|| false);
    // Presenter mode scales the root font, so every rem-sized part grows with it.
    use_effect_with(*presenter, |on| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.class_list().toggle_with_force("presenter", *on);
        }
    });
    // One document-wide key listener, calling whatever handler the latest render left here.
    let key_handler = use_mut_ref(Callback::<Shortcut>::noop);
    {
        let key_handler = key_handler.clone();
        use_effect_with((), move |_| {
            let document = web_sys::window().and_then(|w| w.document());
            let listener = document.map(|doc| {
                EventListener::new_with_options(
                    &doc,
                    "keydown",
                    EventListenerOptions::enable_prevent_default(),
                    move |e| {
                        let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                            return;
                        };
                        // Typing in the terminal, a select or a field is never a shortcut; on a
                        // focused button, Space and Enter keep their native meaning (press it).
                        let tag = e
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                            .map(|el| el.tag_name())
                            .unwrap_or_default();
                        let typing = matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                            || (tag == "BUTTON" && matches!(e.key().as_str(), " " | "Enter"));
                        if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
                            return;
                        }
                        if let Some(sc) = shortcut_for(&e.key()) {
                            e.prevent_default();
                            key_handler.borrow().emit(sc);
                        }
                    },
                )
            });
            move || drop(listener)
        });
    }
    let on_apply = {
        let (driver, runs, redraw) = (driver.clone(), runs.clone(), redraw.clone());
        Callback::from(move |text: String| {
            let out = driver.borrow_mut().apply_compose(&text);
            if out.is_ok() {
                runs.borrow_mut().clear();
            }
            redraw.force_update();
            out
        })
    };
    let on_reset = {
        let (driver, runs, redraw) = (driver.clone(), runs.clone(), redraw.clone());
        Callback::from(move |_| {
            driver.borrow_mut().reset_compose();
            runs.borrow_mut().clear();
            redraw.force_update();
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
    // Goals of the open step, checked against the live cluster every frame: they turn green
    // however the state was reached (cell, terminal or buttons).
    let (goals, outputs) = match (notebook.as_ref(), *chapter) {
        (Ok(nb), Some(c)) => {
            let s = (*step).min(nb.steps.len().saturating_sub(1));
            let goals: Vec<bool> = nb.steps[s]
                .goals()
                .map(|g| g.check.holds(d.cluster()))
                .collect();
            if !goals.is_empty()
                && goals.iter().all(|g| *g)
                && progress.borrow_mut().complete(&chapters::id(c), s)
            {
                progress.borrow().save();
            }
            (goals, runs.borrow().outputs_of(nb, s))
        }
        _ => (Vec::new(), Vec::new()),
    };
    // The shortcuts act on this render's state.
    *key_handler.borrow_mut() = {
        let (driver, redraw, presenter, help, on_tutorial_step, on_run_cell) = (
            driver.clone(),
            redraw.clone(),
            presenter.clone(),
            help.clone(),
            on_tutorial_step.clone(),
            on_run_cell.clone(),
        );
        let steps = match notebook.as_ref() {
            Ok(nb) if chapter.is_some() => nb.steps.len(),
            _ => 0,
        };
        let current = (*step).min(steps.saturating_sub(1));
        let next_cell = outputs
            .iter()
            .position(Option::is_none)
            .or(if outputs.is_empty() { None } else { Some(0) });
        Callback::from(move |sc: Shortcut| {
            match sc {
                Shortcut::NextStep if current + 1 < steps => on_tutorial_step.emit(current + 1),
                Shortcut::PreviousStep if current > 0 => on_tutorial_step.emit(current - 1),
                Shortcut::RunCell => {
                    if let Some(c) = next_cell.filter(|_| steps > 0) {
                        on_run_cell.emit((current, c));
                    }
                }
                Shortcut::TogglePlay => {
                    let mut d = driver.borrow_mut();
                    d.running = !d.running;
                }
                Shortcut::SingleStep => driver.borrow_mut().single_step(),
                Shortcut::Faster | Shortcut::Slower => {
                    let mut d = driver.borrow_mut();
                    d.speed = next_speed(d.speed, sc == Shortcut::Faster);
                }
                Shortcut::FastForward => driver.borrow_mut().fast_forward(10_000),
                Shortcut::CancelFastForward => driver.borrow_mut().cancel_fast_forward(),
                Shortcut::Presenter => presenter.set(!*presenter),
                Shortcut::Help => help.set(!*help),
                _ => {}
            }
            redraw.force_update();
        })
    };
    let topic_names: Vec<String> = snapshot
        .topics
        .iter()
        .filter(|t| !t.name.starts_with("__"))
        .map(|t| t.name.clone())
        .collect();
    // The consumer groups as their coordinators hold them (read, never asked: no event).
    let groups = d.cluster().consumer_groups_in(&snapshot.topics);
    let member_names: Vec<(String, String)> = d
        .clients()
        .consumers()
        .iter()
        .filter_map(|k| Some((k.member.as_ref()?.member_id.clone(), k.name.clone())))
        .filter(|(id, _)| !id.is_empty())
        .collect();
    let chapter_progress: Vec<(usize, usize)> = (0..chapters::count())
        .map(|i| (progress.borrow().done_in(&chapters::id(i)), step_counts[i]))
        .collect();
    html! {
        <div class={classes!("page", presenter.then_some("presenter"))}>
            <header class="topbar">
                <div class="brand">
                    <h1>{ text(l, Label::Title) }</h1>
                    <p class="subtitle">{ text(l, Label::Subtitle) }</p>
                </div>
                <Controls lang={l} running={d.running} speed={d.speed} seed={snapshot.seed} now_ms={snapshot.now_ms}
                    {on_toggle} {on_step} {on_speed} {on_restart}
                    fast_forward={d.fast_forward_progress()} {on_fast_forward} {on_cancel} />
                // One group: when the bar must wrap, these three move to the next row together.
                <div class="top-actions">
                    <button id="presenter" class="share" aria-pressed={presenter.to_string()}
                        onclick={ { let p = presenter.clone(); Callback::from(move |_| p.set(!*p)) } }>
                        { text(l, Label::Presenter) }</button>
                    <button id="share" class="share" onclick={on_share}>{ text(l, Label::Share) }</button>
                    <button id="lang-switch" class="lang-switch" onclick={toggle_lang}
                        aria-label={ text(l, Label::SwitchLanguage) }>
                        { text(l, Label::SwitchLanguage) }
                    </button>
                </div>
            </header>
            if *help {
                <div class="help-box" role="dialog" aria-label={ text(l, Label::Shortcuts) }>
                    <h2>{ text(l, Label::Shortcuts) }</h2>
                    <dl>
                        { for HELP.iter().map(|(keys, en, ko)| html! {
                            <><dt><kbd>{ *keys }</kbd></dt><dd>{ if l == Lang::Ko { *ko } else { *en } }</dd></>
                        }) }
                    </dl>
                    <button onclick={ { let h = help.clone(); Callback::from(move |_| h.set(false)) } }>{ "×" }</button>
                </div>
            }
            if let Some(msg) = (*notice).clone() {
                <div class="notice" role="alert">
                    <span>{ format!("{} {msg}", text(l, Label::BadLink)) }</span>
                    <button onclick={ { let n = notice.clone(); Callback::from(move |_| n.set(None)) } }>{ "×" }</button>
                </div>
            }
            if let Some(link) = (*share_link).clone() {
                <div class="share-box" role="dialog" aria-label={ text(l, Label::Share) }>
                    <label>{ text(l, Label::ShareHint) }
                        <input id="share-link" readonly=true value={link} onfocus={Callback::from(|e: FocusEvent| {
                            e.target_unchecked_into::<web_sys::HtmlInputElement>().select();
                        })} />
                    </label>
                    <button onclick={ { let s = share_link.clone(); Callback::from(move |_| s.set(None)) } }>{ "×" }</button>
                </div>
            }
            <main class="layout">
                <section class="panel tut">
                    <Tutorial lang={l} chapter={*chapter} notebook={Rc::clone(&notebook)} step={*step}
                        {outputs} {goals} progress={chapter_progress} {on_chapter} on_step={on_tutorial_step}
                        on_run={on_run_cell} {on_reset_step} />
                </section>
                <section class="panel view" aria-label={ text(l, Label::ClusterView) }>
                    <ClusterView snapshot={snapshot.clone()} lang={l} shown={(*shown).clone()} pointed={(*pointed).clone()} />
                    <Legend lang={l} shown={(*shown).clone()} on_toggle={on_kind} />
                    <HostControls lang={l} hosts={snapshot.hosts.clone()} on_command={on_command.clone()}
                        disconnected={snapshot.network.disconnected.clone()} />
                    <LinkControls lang={l} hosts={snapshot.hosts.iter().map(|h| h.name.clone()).collect::<Vec<_>>()}
                        on_command={on_command.clone()} />
                </section>
                <section class="panel clients" aria-label={ text(l, Label::ClientsPanel) }>
                    <ProducerPanel lang={l} sent={d.clients().sent().cloned().collect::<Vec<_>>()}
                        auto={d.clients().auto().cloned()} topics={topic_names.clone()} on_action={on_panel.clone()} />
                    <ConsumersPanel lang={l} cards={consumer_cards(d.clients(), &snapshot.topics, &groups)}
                        topics={topic_names} groups={groups.clone()}
                        events={d.clients().group_events().cloned().collect::<Vec<_>>()} on_action={on_panel} />
                </section>
                <div class={classes!("bottom", (d.terminals().len() > 1).then_some("multi"))}>
                    <section class="panel term" aria-label={ text(l, Label::Terminals) }>
                        <div class="terms" style={ format!("--terms: {}", d.terminals().len()) }>
                            { for d.terminals().iter().map(|term| html! {
                                <Terminal key={term.id} lang={l} id={term.id} screen={term.screen()} busy={term.busy()}
                                    prompt={term.prompt()} shell={term.shell_prompt().map(AttrValue::from)} closable={d.terminals().len() > 1}
                                    focus={*focus_term == Some(term.id)} on_action={on_term.clone()}
                                    on_complete={on_complete.clone()} />
                            }) }
                        </div>
                        <button id="new-terminal" type="button" class="new-terminal" onclick={on_new_terminal}
                            disabled={d.terminals().next_id().is_none()}
                            aria-label={ text(l, Label::NewTerminal) } title={ text(l, Label::NewTerminal) }>{ "+" }</button>
                    </section>
                    <section class="panel log">
                        <div class="tabs" role="tablist">
                            { for [(0u8, "tab-events", Label::EventLog), (3, "tab-kafdrop", Label::KafkaBrowser), (1, "tab-zk-tree", Label::ZkTree), (2, "tab-compose", Label::Compose)]
                                .into_iter().map(|(n, id, label)| {
                                    let t = tab.clone();
                                    let name = text(l, label);
                                    // A narrow panel shows "compose.yml": the "docker-" before it is
                                    // only hidden from sight (the tab's name and its tooltip keep it).
                                    let shown = match name.strip_prefix("docker-") {
                                        Some(rest) => html! { <><span class="tab-prefix">{ "docker-" }</span>{ rest }</> },
                                        None => html! { name },
                                    };
                                    html! {
                                        <button id={id} role="tab" aria-selected={(*tab == n).to_string()} aria-controls="tab-panel"
                                            class={classes!((*tab == n).then_some("active"))} title={name.starts_with("docker-").then_some(name)}
                                            onclick={Callback::from(move |_| t.set(n))}>{ shown }</button>
                                    }
                                }) }
                        </div>
                        <div id="tab-panel" role="tabpanel" aria-labelledby={ ["tab-events", "tab-zk-tree", "tab-compose", "tab-kafdrop"][usize::from(*tab)] }>
                        {
                            match *tab {
                                3 => html! {
                                    <Kafdrop lang={l} brokers={broker_rows(&snapshot, d.cluster().config())} topics={snapshot.topics.clone()}
                                        messages={kd_messages.as_ref().map(|at| message_page(d.cluster(), &snapshot.topics, at))}
                                        {on_messages} groups={groups.clone()} member_names={member_names.clone()} {on_command}>
                                        <div class="charts">
                                            <IsrChart lang={l} samples={d.isr_history().samples().copied().collect::<Vec<_>>()} />
                                            <FlowCharts lang={l} samples={d.flow_history().samples().cloned().collect::<Vec<_>>()} />
                                        </div>
                                    </Kafdrop>
                                },
                                1 => html! {
                                    <ZkBrowser lang={l} servers={snapshot.zookeepers.iter().map(|z| z.name.clone()).collect::<Vec<_>>()}
                                        server={(*zk_server).clone()} znodes={d.cluster().znodes(&zk_server)}
                                        on_server={ { let z = zk_server.clone(); Callback::from(move |s: String| z.set(s)) } } />
                                },
                                2 => html! {
                                    <ComposeEditor lang={l}
                                        current={d.compose().map(str::to_string).unwrap_or_else(|| SEED_COMPOSE.to_string())}
                                        {on_apply} {on_reset} />
                                },
                                _ => html! { <EventLog lang={l} {events} dropped={snapshot.events_dropped} pointed={(*pointed).clone()} {on_point} /> },
                            }
                        }
                        </div>
                    </section>
                </div>
            </main>
        </div>
    }
}
