//! Fault buttons for every host: stop, kill, pause/unpause, start (the docker compose verbs), and
//! isolate/reconnect (`docker network disconnect|connect`).

use crate::i18n::{text, Label, Lang};
use kafka_playground_core::cluster::HostAction;
use kafka_playground_core::snapshot::{HostStatus, HostView};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HostControlsProps {
    pub lang: Lang,
    pub hosts: Vec<HostView>,
    pub on_action: Callback<(String, HostAction)>,
    /// Hosts off the docker network.
    pub disconnected: Vec<String>,
    /// (host, connect): `docker network connect` (true) or `disconnect` (false).
    pub on_network: Callback<(String, bool)>,
}

#[function_component(HostControls)]
pub fn host_controls(props: &HostControlsProps) -> Html {
    let l = props.lang;
    let button = |host: &HostView, action: HostAction, label: Label, enabled: bool| {
        let cb = props.on_action.clone();
        let name = host.name.clone();
        let verb = format!("{action:?}").to_lowercase();
        html! {
            <button class={classes!("fault", verb.clone())} disabled={!enabled}
                data-action={format!("{verb}-{}", host.name)}
                aria-label={format!("{} {}", text(l, label), host.name)}
                onclick={Callback::from(move |_| cb.emit((name.clone(), action)))}>
                { text(l, label) }
            </button>
        }
    };
    let network_button = |host: &HostView| {
        let off = props.disconnected.contains(&host.name);
        let (label, verb) = if off {
            (Label::Reconnect, "connect")
        } else {
            (Label::Isolate, "disconnect")
        };
        let (cb, name) = (props.on_network.clone(), host.name.clone());
        html! {
            <button class={classes!("fault", "network", off.then_some("off"))} aria-pressed={off.to_string()}
                data-action={format!("{verb}-{}", host.name)}
                aria-label={format!("{} {}", text(l, label), host.name)}
                onclick={Callback::from(move |_| cb.emit((name.clone(), off)))}>
                { text(l, label) }
            </button>
        }
    };
    html! {
        <div class="host-controls">
            <h2>{ text(l, Label::Faults) }</h2>
            <ul>
                { for props.hosts.iter().map(|h| {
                    let running = h.status == HostStatus::Running;
                    let paused = h.status == HostStatus::Paused;
                    html! {
                        <li class={classes!("host-row", format!("{:?}", h.status).to_lowercase())}>
                            <span class="host-row-name">{ h.name.clone() }</span>
                            <span class="host-row-actions">
                                { button(h, HostAction::Stop, Label::Stop, running || paused) }
                                { button(h, HostAction::Kill, Label::Kill, running || paused) }
                                { if paused { button(h, HostAction::Unpause, Label::Unpause, true) }
                                  else { button(h, HostAction::Pause, Label::Pause, running) } }
                                { button(h, HostAction::Start, Label::Start, !running && !paused) }
                                { network_button(h) }
                            </span>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
