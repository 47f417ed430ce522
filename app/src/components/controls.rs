//! Time controls: play/pause, single step, speed, fast-forward (with progress and Cancel), and
//! restart with a chosen seed.

use crate::driver::SPEEDS;
use crate::i18n::{text, Label, Lang};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub lang: Lang,
    pub running: bool,
    pub speed: f64,
    pub seed: u64,
    pub now_ms: u64,
    pub on_toggle: Callback<()>,
    pub on_step: Callback<()>,
    pub on_speed: Callback<f64>,
    pub on_restart: Callback<u64>,
    /// The fast-forward under way: (virtual ms done, virtual ms in all).
    pub fast_forward: Option<(u64, u64)>,
    /// Starts (or lengthens) a fast-forward of this many virtual ms.
    pub on_fast_forward: Callback<u64>,
    pub on_cancel: Callback<()>,
}

/// The fast-forward buttons: (virtual ms, button text, id).
pub const FAST_FORWARDS: [(u64, &str, &str); 3] = [
    (10_000, "+10 s", "ff-10s"),
    (30_000, "+30 s", "ff-30s"),
    (60_000, "+1 min", "ff-1min"),
];

/// Whole seconds, as the progress text shows them.
fn secs(ms: u64) -> String {
    (ms / 1000).to_string()
}

#[derive(Properties, PartialEq)]
struct FastForwardProps {
    lang: Lang,
    progress: Option<(u64, u64)>,
    on_fast_forward: Callback<u64>,
    on_cancel: Callback<()>,
}

/// The fast-forward buttons, or while one runs, its progress bar and a Cancel button.
#[function_component(FastForwardControl)]
fn fast_forward_control(props: &FastForwardProps) -> Html {
    let l = props.lang;
    html! {
        <span class="ff" role="group" aria-label={ text(l, Label::FastForward) }>
            {
                match props.progress {
                    Some((done, total)) => {
                        let done = done.min(total);
                        html! {
                            <span class="ff-progress" role="status">
                                <label for="ff-bar">{ text(l, Label::FastForwarding) }</label>
                                <progress id="ff-bar" max={total.to_string()} value={done.to_string()} />
                                <span class="ff-text">{ format!("{} / {} s", secs(done), secs(total)) }</span>
                                <button id="ff-cancel" onclick={props.on_cancel.reform(|_: MouseEvent| ())}>{ text(l, Label::Cancel) }</button>
                            </span>
                        }
                    }
                    None => html! {
                        <>
                            <span class="ff-icon" aria-hidden="true">{ icon("M1,2 L8,8 1,14z M8,2 L15,8 8,14z") }</span>
                            { for FAST_FORWARDS.iter().map(|&(ms, label, id)| html! {
                                <button id={id} class="ff-button" title={ format!("{} {label}", text(l, Label::FastForward)) }
                                    aria-label={ format!("{} {} {}", text(l, Label::FastForward), ms / 1000, text(l, Label::Seconds)) }
                                    onclick={props.on_fast_forward.reform(move |_: MouseEvent| ms)}>{ label }</button>
                            }) }
                        </>
                    },
                }
            }
        </span>
    }
}

/// Virtual time as `m:ss.mmm`.
pub fn format_clock(ms: u64) -> String {
    format!("{}:{:02}.{:03}", ms / 60_000, (ms / 1000) % 60, ms % 1000)
}

/// A 16×16 button icon drawn as a path (no icon font needed, renders everywhere).
fn icon(d: &'static str) -> Html {
    html! { <svg class="icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true"><path d={d} /></svg> }
}

#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let l = props.lang;
    let seed_input = use_node_ref();
    let on_toggle = props.on_toggle.reform(|_: MouseEvent| ());
    let on_step = props.on_step.reform(|_: MouseEvent| ());
    let on_speed = props.on_speed.reform(|e: Event| {
        let v = e
            .target_unchecked_into::<web_sys::HtmlSelectElement>()
            .value();
        v.parse().unwrap_or(1.0)
    });
    let on_restart = {
        let seed_input = seed_input.clone();
        let cb = props.on_restart.clone();
        let current = props.seed;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let typed = seed_input
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            // A seed that is not a number keeps the current one rather than failing.
            cb.emit(typed.trim().parse().unwrap_or(current));
        })
    };
    html! {
        <div class="controls" role="group" aria-label={ text(l, Label::TimeControls) }>
            <button id="play-pause" class="primary" onclick={on_toggle} aria-pressed={(!props.running).to_string()}>
                { if props.running { icon("M3,2 h3 v12 h-3z M10,2 h3 v12 h-3z") } else { icon("M4,2 L14,8 4,14z") } }
                { if props.running { text(l, Label::Pause) } else { text(l, Label::Play) } }
            </button>
            <button id="step" onclick={on_step}>{ icon("M2,2 L10,8 2,14z M11,2 h3 v12 h-3z") }{ text(l, Label::Step) }</button>
            <label class="speed">
                <span class="speed-word">{ text(l, Label::Speed) }</span>
                <select id="speed" onchange={on_speed}>
                    { for SPEEDS.iter().map(|s| html! {
                        <option value={s.to_string()} selected={(*s - props.speed).abs() < 1e-9}>{ format!("{s}×") }</option>
                    }) }
                </select>
            </label>
            <FastForwardControl lang={l} progress={props.fast_forward}
                on_fast_forward={props.on_fast_forward.clone()} on_cancel={props.on_cancel.clone()} />
            <span class="clock" title={ text(l, Label::VirtualTime) } aria-live="off">
                <span class="clock-word">{ format!("{} ", text(l, Label::VirtualTime)) }</span>
                { format_clock(props.now_ms) }
            </span>
            <form class="seed" onsubmit={on_restart} title={ text(l, Label::RestartHint) }>
                <label>{ text(l, Label::Seed) }
                    <input id="seed" ref={seed_input} type="number" min="0" value={props.seed.to_string()} />
                </label>
                <button type="submit">{ text(l, Label::Restart) }</button>
            </form>
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clock_format() {
        assert_eq!(super::format_clock(0), "0:00.000");
        assert_eq!(super::format_clock(61_005), "1:01.005");
    }
}
