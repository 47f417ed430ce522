//! A Kafdrop-like browser of the cluster: the brokers with their listeners, the topics with their
//! replication health, and one topic's partitions. Everything from the cluster is shown as text.
//!
//! Tables are built from rows of plain data (`BrokerRow`, `TopicSummary`, `PartitionRow`) and,
//! for partitions, a list of columns: offsets and the high watermark become one more field and
//! one more `Column` each once the core reports them.

use crate::i18n::{text, Label, Lang};
use kafka_playground_core::config::ClusterConfig;
use kafka_playground_core::snapshot::{HostStatus, PartitionView, Snapshot, TopicView};
use yew::prelude::*;

/// One broker as the brokers table shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerRow {
    pub id: i32,
    pub host: String,
    /// (listener name, host:port) in declaration order; the name is empty when unknown.
    pub listeners: Vec<(String, String)>,
    pub status: HostStatus,
    pub registered: bool,
    /// The controller epoch when this broker is the active controller.
    pub controller_epoch: Option<i32>,
}

/// The brokers of `snapshot`, with the listeners `config` declares for them.
pub fn broker_rows(snapshot: &Snapshot, config: &ClusterConfig) -> Vec<BrokerRow> {
    snapshot
        .brokers
        .iter()
        .map(|b| {
            let host = snapshot.host(&b.name);
            let listeners = match config.brokers.iter().find(|c| c.service == b.name) {
                Some(c) => c
                    .listeners
                    .iter()
                    .map(|l| (l.name.clone(), l.address()))
                    .collect(),
                None => host
                    .map(|h| {
                        h.addresses
                            .iter()
                            .map(|a| (String::new(), a.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
            };
            BrokerRow {
                id: b.id,
                host: b.name.clone(),
                listeners,
                status: host.map_or(HostStatus::Running, |h| h.status),
                registered: b.registered,
                controller_epoch: b.is_controller.then(|| b.controller_epoch.unwrap_or(0)),
            }
        })
        .collect()
}

/// One topic's line in the topics table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicSummary {
    pub name: String,
    pub partitions: usize,
    pub replication_factor: usize,
    pub under_replicated: usize,
    pub offline: usize,
    /// Kafka's own topics (`__consumer_offsets`, `__transaction_state`).
    pub internal: bool,
}

impl TopicSummary {
    pub fn of(t: &TopicView) -> TopicSummary {
        let rows: Vec<PartitionRow> = t.partitions.iter().map(PartitionRow::of).collect();
        TopicSummary {
            name: t.name.clone(),
            partitions: rows.len(),
            replication_factor: rows.iter().map(|r| r.replicas.len()).max().unwrap_or(0),
            under_replicated: rows.iter().filter(|r| r.under_replicated).count(),
            offline: rows.iter().filter(|r| r.leader.is_none()).count(),
            internal: t.name.starts_with("__"),
        }
    }
}

/// One partition's line in a topic's partitions table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionRow {
    pub partition: i32,
    pub leader: Option<i32>,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    /// The leader is the first replica of the assignment.
    pub preferred_leader: bool,
    /// Fewer replicas in sync than assigned.
    pub under_replicated: bool,
}

impl PartitionRow {
    pub fn of(p: &PartitionView) -> PartitionRow {
        PartitionRow {
            partition: p.partition,
            leader: p.leader,
            replicas: p.replicas.clone(),
            isr: p.isr.clone(),
            preferred_leader: p.leader.is_some() && p.leader == p.replicas.first().copied(),
            under_replicated: p.isr.len() < p.replicas.len(),
        }
    }
}

/// A listener name's last word (`LISTENER_DOCKER_INTERNAL` → `INTERNAL`); the full name is the
/// tooltip and what screen readers say.
fn short_listener(name: &str) -> &str {
    name.rsplit('_').find(|w| !w.is_empty()).unwrap_or(name)
}

fn ids(v: &[i32]) -> String {
    v.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
}

/// A yes/no cell; `alarm` marks the answer that needs attention with a sign, not colour alone.
fn yes_no(l: Lang, yes: bool, alarm: bool) -> Html {
    let warn = yes == alarm;
    html! {
        <span class={classes!("kd-flag", warn.then_some("warn"))}>
            if warn { <span aria-hidden="true">{ "⚠ " }</span> }
            { text(l, if yes { Label::Yes } else { Label::No }) }
        </span>
    }
}

fn leader_cell(l: Lang, leader: Option<i32>) -> Html {
    match leader {
        Some(id) => html! { { id.to_string() } },
        None => html! {
            <span class="kd-flag warn"><span aria-hidden="true">{ "✕ " }</span>{ text(l, Label::NoLeader) }</span>
        },
    }
}

/// A column of the partitions table: its header and how a row fills it.
struct Column {
    label: Label,
    cell: fn(&PartitionRow, Lang) -> Html,
}

const PARTITION_COLUMNS: [Column; 6] = [
    Column {
        label: Label::PartitionCol,
        cell: |r, _| html! { { r.partition.to_string() } },
    },
    Column {
        label: Label::LeaderCol,
        cell: |r, l| leader_cell(l, r.leader),
    },
    Column {
        label: Label::ReplicasCol,
        cell: |r, _| html! { <span class="kd-ids">{ ids(&r.replicas) }</span> },
    },
    Column {
        label: Label::IsrCol,
        cell: |r, _| html! { <span class="kd-ids">{ ids(&r.isr) }</span> },
    },
    Column {
        label: Label::PreferredCol,
        cell: |r, l| yes_no(l, r.preferred_leader, false),
    },
    Column {
        label: Label::UnderReplicatedCol,
        cell: |r, l| yes_no(l, r.under_replicated, true),
    },
];

/// A column header in its short form; the full words, when different, are its `<abbr>` title.
fn short_header(l: Lang, short: Label, full: Label) -> Html {
    let (short, full) = (text(l, short), text(l, full));
    if short == full {
        html! { { short } }
    } else {
        html! { <abbr title={full}>{ short }</abbr> }
    }
}

fn status_label(status: HostStatus) -> Label {
    match status {
        HostStatus::Running => Label::Running,
        HostStatus::Stopped => Label::Stopped,
        HostStatus::Killed => Label::Killed,
        HostStatus::Paused => Label::Paused,
    }
}

#[derive(Properties, PartialEq)]
pub struct BrokersTableProps {
    pub lang: Lang,
    pub brokers: Vec<BrokerRow>,
}

#[function_component(BrokersTable)]
pub fn brokers_table(props: &BrokersTableProps) -> Html {
    let l = props.lang;
    html! {
        <div class="kd-scroll">
            <table id="kd-brokers" class="kd-table">
                <caption>{ text(l, Label::BrokersTable) }</caption>
                <thead><tr>
                    <th scope="col">{ text(l, Label::BrokerCol) }</th>
                    <th scope="col">{ text(l, Label::ListenersCol) }</th>
                    <th scope="col">{ text(l, Label::StatusCol) }</th>
                </tr></thead>
                <tbody>
                    { for props.brokers.iter().map(|b| {
                        let up = b.status == HostStatus::Running;
                        html! {
                            <tr key={b.host.clone()} data-broker={b.host.clone()}
                                class={classes!((!up).then_some("down"))}>
                                <th scope="row">
                                    <span class="kd-host">{ b.host.clone() }</span>
                                    <span class="kd-id">{ format!(" {} {}", text(l, Label::IdCol), b.id) }</span>
                                    if let Some(epoch) = b.controller_epoch {
                                        <span class="kd-badge controller" title={ text(l, Label::ControllerRole) }>
                                            <span aria-hidden="true">{ "◆ " }</span>
                                            { format!("{} e{epoch}", text(l, Label::ControllerRole)) }
                                        </span>
                                    }
                                </th>
                                <td>
                                    <ul class="kd-listeners">
                                        { for b.listeners.iter().map(|(name, addr)| html! {
                                            <li title={name.clone()}><code>{ addr.clone() }</code>
                                                if !name.is_empty() {
                                                    <span class="kd-listener-name" aria-label={name.clone()}>{ short_listener(name) }</span>
                                                }
                                            </li>
                                        }) }
                                    </ul>
                                </td>
                                <td>
                                    <span class={classes!("kd-status", if up { "up" } else { "down" })}>
                                        <span aria-hidden="true">{ if up { "●\u{a0}" } else { "○\u{a0}" } }</span>
                                        { text(l, status_label(b.status)) }
                                    </span>
                                    <br />
                                    <span class={classes!("kd-status", if b.registered { "up" } else { "down" })}>
                                        <span aria-hidden="true">{ if b.registered { "●\u{a0}" } else { "○\u{a0}" } }</span>
                                        { text(l, if b.registered { Label::Registered } else { Label::NotRegistered }) }
                                    </span>
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct TopicsTableProps {
    pub lang: Lang,
    pub topics: Vec<TopicSummary>,
    pub on_open: Callback<String>,
}

#[function_component(TopicsTable)]
pub fn topics_table(props: &TopicsTableProps) -> Html {
    let l = props.lang;
    if props.topics.is_empty() {
        return html! {
            <>
                <h3 class="kd-heading">{ text(l, Label::TopicsTable) }</h3>
                <p class="empty kd-empty">{ text(l, Label::NoTopics) }</p>
            </>
        };
    }
    let count = |n: usize, alarm: bool| {
        html! {
            <td class={classes!("num", (alarm && n > 0).then_some("warn"))}>
                if alarm && n > 0 { <span aria-hidden="true">{ "⚠ " }</span> }
                { n.to_string() }
            </td>
        }
    };
    html! {
        <div class="kd-scroll">
            <table id="kd-topics" class="kd-table">
                <caption>{ text(l, Label::TopicsTable) }</caption>
                <thead><tr>
                    <th scope="col">{ text(l, Label::NameCol) }</th>
                    <th scope="col" class="num">{ text(l, Label::PartitionsCol) }</th>
                    <th scope="col" class="num">{ short_header(l, Label::ReplicationShort, Label::ReplicationCol) }</th>
                    <th scope="col" class="num">{ short_header(l, Label::UnderReplicatedShort, Label::UnderReplicatedCol) }</th>
                    <th scope="col" class="num">{ text(l, Label::OfflineCol) }</th>
                    <th scope="col">{ text(l, Label::InternalCol) }</th>
                </tr></thead>
                <tbody>
                    { for props.topics.iter().map(|t| {
                        let open = {
                            let (cb, name) = (props.on_open.clone(), t.name.clone());
                            Callback::from(move |_| cb.emit(name.clone()))
                        };
                        html! {
                            <tr key={t.name.clone()} data-topic={t.name.clone()}>
                                <th scope="row">
                                    <button class="kd-link" data-topic={t.name.clone()} onclick={open}
                                        aria-label={format!("{} {}", text(l, Label::ShowPartitions), t.name)}>
                                        { t.name.clone() }
                                    </button>
                                </th>
                                <td class="num">{ t.partitions.to_string() }</td>
                                <td class="num">{ t.replication_factor.to_string() }</td>
                                { count(t.under_replicated, true) }
                                { count(t.offline, true) }
                                <td>{ text(l, if t.internal { Label::Yes } else { Label::No }) }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct TopicPartitionsProps {
    pub lang: Lang,
    pub name: String,
    /// `None` once the topic is gone.
    pub topic: Option<TopicView>,
    pub on_back: Callback<()>,
}

#[function_component(TopicPartitions)]
pub fn topic_partitions(props: &TopicPartitionsProps) -> Html {
    let l = props.lang;
    let back = use_node_ref();
    // Opening a topic moves the keyboard focus to the way back.
    {
        let back = back.clone();
        use_effect_with(props.name.clone(), move |_| {
            if let Some(b) = back.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let on_back = props.on_back.reform(|_: MouseEvent| ());
    html! {
        <div class="kd-topic">
            <nav class="kd-crumbs" aria-label={ text(l, Label::KafkaBrowser) }>
                <button id="kd-back" class="kd-link" ref={back} onclick={on_back}>
                    <span aria-hidden="true">{ "← " }</span>{ text(l, Label::AllTopics) }
                </button>
                <span aria-hidden="true">{ " / " }</span>
                <span class="kd-topic-name">{ props.name.clone() }</span>
            </nav>
            {
                match &props.topic {
                    None => html! { <p class="empty">{ text(l, Label::TopicGone) }</p> },
                    Some(t) => {
                        let s = TopicSummary::of(t);
                        let rows: Vec<PartitionRow> = t.partitions.iter().map(PartitionRow::of).collect();
                        html! {
                            <>
                                <p class="kd-summary">
                                    { format!("{}\u{a0}{} · {}\u{a0}{} · {}\u{a0}{} · {}\u{a0}{}",
                                        text(l, Label::PartitionsCol), s.partitions,
                                        text(l, Label::ReplicationCol), s.replication_factor,
                                        text(l, Label::UnderReplicatedCol), s.under_replicated,
                                        text(l, Label::OfflineCol), s.offline) }
                                </p>
                                <div class="kd-scroll">
                                    <table id="kd-partitions" class="kd-table">
                                        <caption>{ format!("{}: {}", t.name, text(l, Label::PartitionsCol)) }</caption>
                                        <thead><tr>
                                            { for PARTITION_COLUMNS.iter().map(|c| html! {
                                                <th scope="col">{ text(l, c.label) }</th>
                                            }) }
                                        </tr></thead>
                                        <tbody>
                                            { for rows.iter().map(|r| html! {
                                                <tr key={r.partition} data-partition={r.partition.to_string()}
                                                    class={classes!(r.under_replicated.then_some("under"), r.leader.is_none().then_some("offline"))}>
                                                    { for PARTITION_COLUMNS.iter().map(|c| html! { <td>{ (c.cell)(r, l) }</td> }) }
                                                </tr>
                                            }) }
                                        </tbody>
                                    </table>
                                </div>
                            </>
                        }
                    }
                }
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct KafdropProps {
    pub lang: Lang,
    pub brokers: Vec<BrokerRow>,
    pub topics: Vec<TopicView>,
    /// Shown under the tables (the ISR chart).
    #[prop_or_default]
    pub children: Html,
}

#[function_component(Kafdrop)]
pub fn kafdrop(props: &KafdropProps) -> Html {
    let l = props.lang;
    let open = use_state(|| None::<String>);
    let on_open = {
        let open = open.clone();
        Callback::from(move |name: String| open.set(Some(name)))
    };
    let on_back = {
        let open = open.clone();
        Callback::from(move |_| open.set(None))
    };
    html! {
        <div class="kafdrop">
            {
                match &*open {
                    Some(name) => html! {
                        <TopicPartitions lang={l} name={name.clone()}
                            topic={props.topics.iter().find(|t| t.name == *name).cloned()} {on_back} />
                    },
                    None => html! {
                        <>
                            if props.brokers.is_empty() {
                                <p class="empty">{ text(l, Label::NoBrokerData) }</p>
                            } else {
                                <BrokersTable lang={l} brokers={props.brokers.clone()} />
                            }
                            <TopicsTable lang={l} topics={props.topics.iter().map(TopicSummary::of).collect::<Vec<_>>()} {on_open} />
                        </>
                    },
                }
            }
            { props.children.clone() }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(partition: i32, leader: Option<i32>, replicas: &[i32], isr: &[i32]) -> PartitionView {
        PartitionView {
            partition,
            leader,
            leader_epoch: 0,
            replicas: replicas.to_vec(),
            isr: isr.to_vec(),
            offsets: Vec::new(),
        }
    }

    #[test]
    fn partition_rows_know_preferred_leaders_and_under_replication() {
        let r = PartitionRow::of(&p(0, Some(2), &[2, 3], &[2, 3]));
        assert!(r.preferred_leader && !r.under_replicated);
        let r = PartitionRow::of(&p(1, Some(3), &[2, 3], &[3]));
        assert!(!r.preferred_leader && r.under_replicated);
        let r = PartitionRow::of(&p(2, None, &[2], &[]));
        assert!(!r.preferred_leader && r.under_replicated);
    }

    #[test]
    fn topic_summary_counts() {
        let t = TopicView {
            name: "__consumer_offsets".into(),
            topic_id: String::new(),
            partitions: vec![
                p(0, Some(1), &[1, 2], &[1, 2]),
                p(1, Some(3), &[2, 3], &[3]),
                p(2, None, &[2, 1], &[]),
            ],
        };
        let s = TopicSummary::of(&t);
        assert_eq!(
            (
                s.partitions,
                s.replication_factor,
                s.under_replicated,
                s.offline,
                s.internal
            ),
            (3, 2, 2, 1, true)
        );
    }

    #[test]
    fn broker_rows_take_listener_names_from_the_config() {
        let cluster = kafka_playground_core::Cluster::seed_cluster(1);
        let rows = broker_rows(&cluster.snapshot(), cluster.config());
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].host, "kafka1");
        assert_eq!(
            rows[0].listeners[0],
            (
                "LISTENER_DOCKER_INTERNAL".to_string(),
                "kafka1:19091".to_string()
            )
        );
        assert_eq!(rows[0].listeners[1].1, "127.0.0.1:9091");
        assert_eq!(short_listener("LISTENER_DOCKER_EXTERNAL"), "EXTERNAL");
        assert_eq!(short_listener("PLAINTEXT"), "PLAINTEXT");
    }
}
