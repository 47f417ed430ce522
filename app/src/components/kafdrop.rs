//! A Kafdrop-like browser of the cluster: the brokers with their listeners, the topics with their
//! replication health, and one topic's partitions. Everything from the cluster is shown as text.
//!
//! Tables are built from rows of plain data (`BrokerRow`, `TopicSummary`, `PartitionRow`) and,
//! for partitions, a list of columns: offsets and the high watermark become one more field and
//! one more `Column` each once the core reports them.

use crate::components::group_views::{GroupDetail, GroupsTable};
use crate::components::kafdrop_new_topic::NewTopicForm;
use crate::i18n::{text, Label, Lang};
use kafka_playground_core::broker::log::Record;
use kafka_playground_core::cli::CommandOutput;
use kafka_playground_core::cluster_groups::GroupView;
use kafka_playground_core::config::ClusterConfig;
use kafka_playground_core::snapshot::{HostStatus, PartitionView, Snapshot, TopicView};
use kafka_playground_core::zookeeper::civil_from_days;
use kafka_playground_core::Cluster;
use yew::prelude::*;

/// Messages shown per page of a partition.
pub const PAGE: usize = 50;

/// The partition whose messages are open, and from which offset (None: the latest page,
/// following new records as they come).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessagesAt {
    pub topic: String,
    pub partition: i32,
    pub from: Option<i64>,
}

/// One page of a partition's messages, read from its leader's log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessagePage {
    pub at: MessagesAt,
    /// None when the partition has no leader (nothing can be read).
    pub leader: Option<i32>,
    pub log_start: i64,
    pub log_end: i64,
    pub high_watermark: i64,
    /// Oldest first.
    pub records: Vec<Record>,
}

/// The page of messages `at` asks for, from the current leader's replica.
pub fn message_page(cluster: &Cluster, topics: &[TopicView], at: &MessagesAt) -> MessagePage {
    let leader = topics
        .iter()
        .find(|t| t.name == at.topic)
        .and_then(|t| t.partitions.iter().find(|p| p.partition == at.partition))
        .and_then(|p| p.leader);
    let log = leader.and_then(|b| cluster.replica_log(b, &at.topic, at.partition));
    let mut page = MessagePage {
        at: at.clone(),
        leader: log.and(leader),
        log_start: 0,
        log_end: 0,
        high_watermark: 0,
        records: Vec::new(),
    };
    if let Some(log) = log {
        page.log_start = log.log_start_offset();
        page.log_end = log.log_end_offset();
        page.high_watermark = log.high_watermark();
        page.records = match at.from {
            Some(from) => log
                .records()
                .filter(|r| r.offset >= from)
                .take(PAGE)
                .cloned()
                .collect(),
            None => {
                let skip = log.len().saturating_sub(PAGE);
                log.records().skip(skip).cloned().collect()
            }
        };
    }
    page
}

/// A record's timestamp (ms since 1970) as `YYYY-MM-DD HH:MM:SS.mmm` UTC.
pub fn format_timestamp(ms: i64) -> String {
    let (days, rest) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    let (h, min, sec, milli) = (
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000,
    );
    format!("{y:04}-{m:02}-{d:02} {h:02}:{min:02}:{sec:02}.{milli:03}")
}

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
    /// The leader replica's log start offset, log end offset and high watermark.
    pub log_start: Option<i64>,
    pub log_end: Option<i64>,
    pub high_watermark: Option<i64>,
}

impl PartitionRow {
    pub fn of(p: &PartitionView) -> PartitionRow {
        let leader_log = p.offsets.iter().find(|o| Some(o.broker) == p.leader);
        PartitionRow {
            log_start: leader_log.map(|o| o.log_start_offset),
            log_end: leader_log.map(|o| o.log_end_offset),
            high_watermark: leader_log.map(|o| o.high_watermark),
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

fn offset_cell(o: Option<i64>) -> Html {
    match o {
        Some(o) => html! { { o.to_string() } },
        None => html! { <span aria-label="-">{ "–" }</span> },
    }
}

const PARTITION_COLUMNS: [Column; 9] = [
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
    Column {
        label: Label::LogStartCol,
        cell: |r, _| offset_cell(r.log_start),
    },
    Column {
        label: Label::EndOffsetCol,
        cell: |r, _| offset_cell(r.log_end),
    },
    Column {
        label: Label::HighWatermarkCol,
        cell: |r, _| offset_cell(r.high_watermark),
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
    /// A partition's messages asked for.
    pub on_partition: Callback<i32>,
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
                                            { for PARTITION_COLUMNS.iter().enumerate().map(|(i, c)| html! {
                                                <th scope="col" class={classes!((i >= 6).then_some("num"))}>
                                                    { match c.label {
                                                        Label::HighWatermarkCol => short_header(l, Label::HighWatermarkShort, c.label),
                                                        Label::LogStartCol => short_header(l, Label::LogStartShort, c.label),
                                                        Label::EndOffsetCol => short_header(l, Label::EndOffsetShort, c.label),
                                                        Label::PreferredCol => short_header(l, Label::PreferredShort, c.label),
                                                        Label::UnderReplicatedCol => short_header(l, Label::UnderReplicatedShort, c.label),
                                                        _ => html! { { text(l, c.label) } },
                                                    } }
                                                </th>
                                            }) }
                                        </tr></thead>
                                        <tbody>
                                            { for rows.iter().map(|r| html! {
                                                <tr key={r.partition} data-partition={r.partition.to_string()}
                                                    class={classes!(r.under_replicated.then_some("under"), r.leader.is_none().then_some("offline"))}>
                                                    { for PARTITION_COLUMNS.iter().enumerate().map(|(i, c)| {
                                                        if i == 0 {
                                                            let (cb, p) = (props.on_partition.clone(), r.partition);
                                                            html! { <td><button class="kd-link" data-partition={p.to_string()}
                                                                onclick={Callback::from(move |_| cb.emit(p))}
                                                                aria-label={format!("{} {p}", text(l, Label::ShowMessages))}
                                                                title={ text(l, Label::ShowMessages) }>
                                                                { p.to_string() }</button></td> }
                                                        } else {
                                                            html! { <td class={classes!((i >= 6).then_some("num"))}>{ (c.cell)(r, l) }</td> }
                                                        }
                                                    }) }
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
pub struct PartitionMessagesProps {
    pub lang: Lang,
    pub page: MessagePage,
    /// Another page (`Some`) or back to the partitions (`None`).
    pub on_go: Callback<Option<MessagesAt>>,
    pub on_all_topics: Callback<()>,
}

/// A key or value cell: text, `null` when absent (never HTML).
fn text_cell(v: &Option<String>) -> Html {
    match v {
        Some(v) => html! { <span class="kd-text">{ v.clone() }</span> },
        None => html! { <span class="kd-null">{ "null" }</span> },
    }
}

#[function_component(PartitionMessages)]
pub fn partition_messages(props: &PartitionMessagesProps) -> Html {
    let l = props.lang;
    let page = &props.page;
    let at = &page.at;
    let back = use_node_ref();
    {
        let back = back.clone();
        use_effect_with((at.topic.clone(), at.partition), move |_| {
            if let Some(b) = back.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let go = |from: Option<i64>| {
        let (cb, mut at) = (props.on_go.clone(), at.clone());
        at.from = from;
        Callback::from(move |_: MouseEvent| cb.emit(Some(at.clone())))
    };
    let first = page.records.first().map(|r| r.offset);
    let last = page.records.last().map(|r| r.offset);
    let at_start = first.is_none_or(|f| f <= page.log_start);
    let at_end = at.from.is_none() || last.is_none_or(|o| o + 1 >= page.log_end);
    let older = first.map(|f| (f - PAGE as i64).max(page.log_start));
    let newer = last.map(|o| o + 1);
    html! {
        <div class="kd-messages">
            <nav class="kd-crumbs" aria-label={ text(l, Label::KafkaBrowser) }>
                <button class="kd-link" onclick={props.on_all_topics.reform(|_: MouseEvent| ())}>
                    <span aria-hidden="true">{ "← " }</span>{ text(l, Label::AllTopics) }
                </button>
                <span aria-hidden="true">{ " / " }</span>
                <button id="kd-messages-back" class="kd-link" ref={back}
                    onclick={props.on_go.reform(|_: MouseEvent| None)}>
                    { at.topic.clone() }
                </button>
                <span aria-hidden="true">{ " / " }</span>
                <span class="kd-topic-name">{ format!("{} {}", text(l, Label::PartitionCol), at.partition) }</span>
            </nav>
            {
                match page.leader {
                    None => html! { <p class="empty">{ text(l, Label::NoLeaderMessages) }</p> },
                    Some(leader) => html! {
                        <>
                            <p class="kd-summary" id="kd-messages-summary">
                                { format!("{} {leader} · {} {} · {} {} · {} {}",
                                    text(l, Label::LeaderLog),
                                    text(l, Label::LogStartCol), page.log_start,
                                    text(l, Label::EndOffsetCol), page.log_end,
                                    text(l, Label::HighWatermarkCol), page.high_watermark) }
                                if let (Some(f), Some(t)) = (first, last) {
                                    { format!(" · {} {f}–{t}", text(l, Label::ShowingOffsets)) }
                                }
                            </p>
                            <div class="kd-pager" role="group" aria-label={ text(l, Label::Messages) }>
                                <button id="kd-oldest" disabled={at_start} onclick={go(Some(page.log_start))}>{ text(l, Label::Oldest) }</button>
                                <button id="kd-older" disabled={at_start} onclick={go(older)}>{ text(l, Label::Older) }</button>
                                <button id="kd-newer" disabled={at_end} onclick={go(newer)}>{ text(l, Label::Newer) }</button>
                                <button id="kd-latest" disabled={at.from.is_none()} onclick={go(None)}>{ text(l, Label::Latest) }</button>
                            </div>
                            if page.records.is_empty() {
                                <p class="empty kd-empty">{ text(l, Label::NoMessages) }</p>
                            } else {
                                <div class="kd-scroll">
                                    <table id="kd-messages" class="kd-table">
                                        <caption>{ format!("{}-{}: {}", at.topic, at.partition, text(l, Label::Messages)) }</caption>
                                        <thead><tr>
                                            <th scope="col" class="num">{ text(l, Label::OffsetCol) }</th>
                                            <th scope="col">{ text(l, Label::TimestampCol) }</th>
                                            <th scope="col">{ text(l, Label::KeyCol) }</th>
                                            <th scope="col">{ text(l, Label::ValueCol) }</th>
                                            <th scope="col" class="num">{ text(l, Label::EpochCol) }</th>
                                        </tr></thead>
                                        <tbody>
                                            { for page.records.iter().map(|r| {
                                                let uncommitted = r.offset >= page.high_watermark;
                                                html! {
                                                    <tr key={r.offset} data-offset={r.offset.to_string()}
                                                        class={classes!(uncommitted.then_some("uncommitted"))}
                                                        title={ uncommitted.then(|| text(l, Label::Uncommitted)) }>
                                                        <th scope="row" class="num">
                                                            if uncommitted { <span aria-label={ text(l, Label::Uncommitted) }>{ "⏳ " }</span> }
                                                            { r.offset.to_string() }
                                                        </th>
                                                        <td class="kd-time">{ format_timestamp(r.timestamp) }</td>
                                                        <td class="kd-key">{ text_cell(&r.key) }</td>
                                                        <td class="kd-value">{ text_cell(&r.value) }
                                                            if !r.headers.is_empty() {
                                                                <ul class="kd-headers">
                                                                    { for r.headers.iter().map(|(k, v)| html! { <li><code>{ format!("{k}: {v}") }</code></li> }) }
                                                                </ul>
                                                            }
                                                        </td>
                                                        <td class="num">{ r.leader_epoch.to_string() }</td>
                                                    </tr>
                                                }
                                            }) }
                                        </tbody>
                                    </table>
                                </div>
                            }
                        </>
                    },
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
    /// The messages page open, if any (read by the page from the leader's log).
    #[prop_or_default]
    pub messages: Option<MessagePage>,
    /// Opens a partition's messages (`Some`) or closes them (`None`).
    #[prop_or_default]
    pub on_messages: Callback<Option<MessagesAt>>,
    /// Shown under the tables (the ISR chart).
    #[prop_or_default]
    pub children: Html,
    /// The consumer groups, as their coordinators hold them.
    #[prop_or_default]
    pub groups: Vec<GroupView>,
    /// (member id, panel consumer name) of the page's own group consumers.
    #[prop_or_default]
    pub member_names: Vec<(String, String)>,
    /// Runs a command line (the "New topic" form's `kafka-topics --create`).
    pub on_command: Callback<String, CommandOutput>,
}

/// Every broker's first (internal) listener, as Kafdrop's bootstrap list has them.
fn bootstrap(brokers: &[BrokerRow]) -> String {
    brokers
        .iter()
        .filter_map(|b| b.listeners.first().map(|(_, address)| address.as_str()))
        .collect::<Vec<_>>()
        .join(",")
}

#[function_component(Kafdrop)]
pub fn kafdrop(props: &KafdropProps) -> Html {
    let l = props.lang;
    let open = use_state(|| None::<String>);
    let group_open = use_state(|| None::<String>);
    let on_open = {
        let open = open.clone();
        Callback::from(move |name: String| open.set(Some(name)))
    };
    let on_group = {
        let group_open = group_open.clone();
        Callback::from(move |id: String| group_open.set(Some(id)))
    };
    let on_group_back = {
        let group_open = group_open.clone();
        Callback::from(move |_| group_open.set(None))
    };
    let on_back = {
        let (open, on_messages) = (open.clone(), props.on_messages.clone());
        Callback::from(move |_| {
            on_messages.emit(None);
            open.set(None)
        })
    };
    let on_partition = {
        let (open, on_messages) = (open.clone(), props.on_messages.clone());
        Callback::from(move |partition: i32| {
            if let Some(topic) = (*open).clone() {
                on_messages.emit(Some(MessagesAt {
                    topic,
                    partition,
                    from: None,
                }));
            }
        })
    };
    html! {
        <div class="kafdrop">
            {
                match (&*open, &props.messages) {
                    _ if group_open.is_some() => {
                        let id = (*group_open).clone().unwrap_or_default();
                        html! {
                            <GroupDetail lang={l} group_id={id.clone()}
                                group={props.groups.iter().find(|g| g.group_id == id).cloned()}
                                names={props.member_names.clone()} on_back={on_group_back} />
                        }
                    }
                    (Some(_), Some(page)) => html! {
                        <PartitionMessages lang={l} page={page.clone()} on_go={props.on_messages.clone()}
                            on_all_topics={on_back} />
                    },
                    (Some(name), None) => html! {
                        <TopicPartitions lang={l} name={name.clone()}
                            topic={props.topics.iter().find(|t| t.name == *name).cloned()} {on_back} {on_partition} />
                    },
                    (None, _) => html! {
                        <>
                            <p class="kd-intro">{ text(l, Label::KafdropIntro) }</p>
                            if props.brokers.is_empty() {
                                <p class="empty">{ text(l, Label::NoBrokerData) }</p>
                            } else {
                                <BrokersTable lang={l} brokers={props.brokers.clone()} />
                            }
                            <TopicsTable lang={l} topics={props.topics.iter().map(TopicSummary::of).collect::<Vec<_>>()} {on_open} />
                            <NewTopicForm lang={l} bootstrap={bootstrap(&props.brokers)} on_command={props.on_command.clone()} />
                            <GroupsTable lang={l} groups={props.groups.clone()} on_open={on_group} />
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
    fn partition_rows_take_offsets_from_the_leader_replica() {
        use kafka_playground_core::snapshot::ReplicaOffsets;
        let mut v = p(0, Some(3), &[2, 3], &[2, 3]);
        v.offsets = vec![
            ReplicaOffsets {
                broker: 2,
                log_start_offset: 0,
                log_end_offset: 4,
                high_watermark: 4,
            },
            ReplicaOffsets {
                broker: 3,
                log_start_offset: 1,
                log_end_offset: 7,
                high_watermark: 5,
            },
        ];
        let r = PartitionRow::of(&v);
        assert_eq!(
            (r.log_start, r.log_end, r.high_watermark),
            (Some(1), Some(7), Some(5))
        );
        let r = PartitionRow::of(&p(0, None, &[2], &[]));
        assert_eq!(r.high_watermark, None);
    }

    #[test]
    fn timestamps_read_as_utc_dates() {
        assert_eq!(format_timestamp(0), "1970-01-01 00:00:00.000");
        assert_eq!(
            format_timestamp(1_700_000_000_123),
            "2023-11-14 22:13:20.123"
        );
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
