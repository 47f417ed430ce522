//! The SVG picture of the cluster: the ZooKeeper ensemble on top, the brokers below.

use crate::i18n::{text, Label, Lang};
use kafka_playground_core::snapshot::{HostKind, HostStatus, HostView, Snapshot};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ClusterViewProps {
    pub snapshot: Snapshot,
    pub lang: Lang,
}

const WIDTH: f64 = 960.0;
const BOX_W: f64 = 240.0;
const BOX_H: f64 = 96.0;
const ZK_Y: f64 = 60.0;
const BROKER_Y: f64 = 300.0;

fn status_label(status: HostStatus) -> Label {
    match status {
        HostStatus::Running => Label::Running,
        HostStatus::Stopped => Label::Stopped,
        HostStatus::Killed => Label::Killed,
        HostStatus::Paused => Label::Paused,
    }
}

/// Horizontal centre of the `i`-th of `n` boxes in a row.
fn column_x(i: usize, n: usize) -> f64 {
    WIDTH * (i as f64 + 0.5) / n.max(1) as f64
}

fn host_box(host: &HostView, cx: f64, y: f64, lang: Lang) -> Html {
    let kind = match host.kind {
        HostKind::ZooKeeper => "zookeeper",
        HostKind::Broker => "broker",
    };
    let status = format!("{:?}", host.status).to_lowercase();
    let x = cx - BOX_W / 2.0;
    html! {
        <g class={classes!("host", kind, status)} data-host={host.name.clone()}
           transform={format!("translate({x},{y})")}>
            <title>{ host.name.clone() }</title>
            <rect width={BOX_W.to_string()} height={BOX_H.to_string()} rx="10" />
            <text class="host-name" x="14" y="28">{ host.name.clone() }</text>
            <text class="host-id" x={(BOX_W - 14.0).to_string()} y="28" text-anchor="end">
                { match host.kind { HostKind::ZooKeeper => format!("myid {}", host.id),
                                    HostKind::Broker => format!("broker.id {}", host.id) } }
            </text>
            { for host.addresses.iter().enumerate().map(|(i, a)| html! {
                <text class="host-address" x="14" y={(50 + 18 * i).to_string()}>{ a.clone() }</text>
            }) }
            <text class="host-status" x={(BOX_W - 14.0).to_string()} y={(BOX_H - 12.0).to_string()}
                  text-anchor="end">{ text(lang, status_label(host.status)) }</text>
        </g>
    }
}

#[function_component(ClusterView)]
pub fn cluster_view(props: &ClusterViewProps) -> Html {
    let lang = props.lang;
    let zks: Vec<&HostView> = props
        .snapshot
        .hosts
        .iter()
        .filter(|h| h.kind == HostKind::ZooKeeper)
        .collect();
    let brokers: Vec<&HostView> = props
        .snapshot
        .hosts
        .iter()
        .filter(|h| h.kind == HostKind::Broker)
        .collect();
    // Every broker holds a ZooKeeper session; draw one line per broker to the ensemble.
    let (n_zk, n_broker) = (zks.len(), brokers.len());
    let links: Vec<(f64, f64)> = (0..n_broker)
        .flat_map(|b| (0..n_zk).map(move |z| (column_x(b, n_broker), column_x(z, n_zk))))
        .collect();
    html! {
        <svg class="cluster-view" viewBox={format!("0 0 {WIDTH} 420")} role="img"
             aria-label={ text(lang, Label::ClusterView) } preserveAspectRatio="xMidYMin meet">
            <text class="row-label" x="12" y={(ZK_Y - 16.0).to_string()}>{ text(lang, Label::ZooKeeperEnsemble) }</text>
            <text class="row-label" x="12" y={(BROKER_Y - 16.0).to_string()}>{ text(lang, Label::Brokers) }</text>
            { for links.iter().map(|&(bx, zx)| html! {
                <line class="link" x1={bx.to_string()} y1={BROKER_Y.to_string()}
                      x2={zx.to_string()} y2={(ZK_Y + BOX_H).to_string()} />
            }) }
            { for zks.iter().enumerate().map(|(i, h)| host_box(h, column_x(i, zks.len()), ZK_Y, lang)) }
            { for brokers.iter().enumerate().map(|(i, h)| host_box(h, column_x(i, brokers.len()), BROKER_Y, lang)) }
        </svg>
    }
}
