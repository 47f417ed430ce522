//! Fault buttons for every host: stop, kill, pause/unpause, start (the docker compose verbs), and
//! isolate/reconnect (`docker network disconnect|connect`).

use crate::i18n::{text, Label, Lang};
use kafka_playground_core::cli::docker::NETWORK;
use kafka_playground_core::cli::CommandOutput;
use kafka_playground_core::cluster::HostAction;
use kafka_playground_core::snapshot::{HostStatus, HostView};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HostControlsProps {
    pub lang: Lang,
    pub hosts: Vec<HostView>,
    /// Hosts off the docker network.
    pub disconnected: Vec<String>,
    /// Runs the command line a button stands for.
    pub on_command: Callback<String, CommandOutput>,
}

#[function_component(HostControls)]
pub fn host_controls(props: &HostControlsProps) -> Html {
    let l = props.lang;
    let button = |host: &HostView, action: HostAction, label: Label, enabled: bool| {
        let verb = format!("{action:?}").to_lowercase();
        let (cb, line) = (
            props.on_command.clone(),
            format!("docker compose {verb} {}", host.name),
        );
        html! {
            <button class={classes!("fault", verb.clone())} disabled={!enabled}
                data-action={format!("{verb}-{}", host.name)}
                aria-label={format!("{} {}", text(l, label), host.name)}
                onclick={Callback::from(move |_| { cb.emit(line.clone()); })}>
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
        let (cb, line) = (
            props.on_command.clone(),
            format!("docker network {verb} {NETWORK} {}", host.name),
        );
        html! {
            <button class={classes!("fault", "network", off.then_some("off"))} aria-pressed={off.to_string()}
                data-action={format!("{verb}-{}", host.name)}
                aria-label={format!("{} {}", text(l, label), host.name)}
                onclick={Callback::from(move |_| { cb.emit(line.clone()); })}>
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
