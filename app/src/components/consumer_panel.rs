//! Consumer panels: start consumer.py or a console consumer, alone or in a consumer group,
//! several side by side. A consumer without a group reads every partition and shows its
//! position and lag (high watermark − position) per partition. Group consumers are shown by
//! group: the coordinator's state and generation, which member owns which partition, each
//! member's id, generation and assignment as the process believes it, its committed offsets
//! and lag (as `kafka-consumer-groups --describe` computes it), and a log of the rebalances;
//! a member's card flashes when it gets a new assignment. Keys, values, names and ids are
//! shown as text, never as HTML.

use crate::i18n::{text, Label, Lang};
use crate::i18n_groups::{gtext, G};
use crate::panel_clients::{
    GroupEvent, GroupEventKind, PanelAction, PanelClients, PanelConsumer, Program, MAX_GROUP_ID,
    SEED_TOPIC,
};
use kafka_playground_core::cli::python_repr::value_repr;
use kafka_playground_core::client::membership::Phase;
use kafka_playground_core::cluster_groups::GroupView;
use kafka_playground_core::kafka::describe::GroupState;
use kafka_playground_core::ordered::OrdMap as BTreeMap;
use kafka_playground_core::snapshot::TopicView;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Rebalance log lines shown per group (newest first).
const LOG_SHOWN: usize = 6;

/// Member marks: a shape each (colour follows, but never alone).
pub const MARKS: [&str; 6] = ["●", "▲", "■", "◆", "★", "✚"];

/// The glyph and class of a panel consumer's mark.
fn mark(m: usize) -> Html {
    let i = m % MARKS.len();
    html! { <span class={classes!("mark", format!("m{i}"))} aria-hidden="true">{ MARKS[i] }</span> }
}

/// A consumer with the high watermark of each partition of its topic (leader's replica) and,
/// in a group, the coordinator's committed offset and lag per partition.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerCard {
    pub consumer: PanelConsumer,
    pub high_watermarks: BTreeMap<i32, i64>,
    /// Partition → (committed offset, lag) from the group's `--describe` rows.
    pub committed: BTreeMap<i32, (Option<i64>, Option<i64>)>,
}

/// The cards of every running panel consumer.
pub fn consumer_cards(
    clients: &PanelClients,
    topics: &[TopicView],
    groups: &[GroupView],
) -> Vec<ConsumerCard> {
    clients
        .consumers()
        .iter()
        .map(|k| {
            let high_watermarks = topics
                .iter()
                .find(|t| t.name == k.topic)
                .map(|t| {
                    t.partitions
                        .iter()
                        .filter_map(|p| {
                            p.offsets
                                .iter()
                                .find(|o| Some(o.broker) == p.leader)
                                .map(|o| (p.partition, o.high_watermark))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let committed = groups
                .iter()
                .find(|g| Some(&g.group_id) == k.group.as_ref())
                .map(|g| {
                    g.offsets
                        .iter()
                        .filter(|r| r.topic.as_deref() == Some(k.topic.as_str()))
                        .filter_map(|r| Some((r.partition?, (r.current_offset, r.lag()))))
                        .collect()
                })
                .unwrap_or_default();
            ConsumerCard {
                consumer: k.clone(),
                high_watermarks,
                committed,
            }
        })
        .collect()
}

/// One partition's line: (partition, position, high watermark, lag), where known.
pub type LagRow = (i32, Option<i64>, Option<i64>, Option<i64>);

/// Per partition of the consumer's topic: its position, the high watermark and the lag.
pub fn lag_rows(card: &ConsumerCard) -> Vec<LagRow> {
    let mut parts: Vec<i32> = card.high_watermarks.keys().copied().collect();
    for p in card.consumer.positions.keys() {
        if !parts.contains(p) {
            parts.push(*p);
        }
    }
    parts.sort_unstable();
    parts
        .into_iter()
        .map(|p| {
            let pos = card.consumer.positions.get(&p).copied();
            let hw = card.high_watermarks.get(&p).copied();
            let lag = pos.zip(hw).map(|(pos, hw)| (hw - pos).max(0));
            (p, pos, hw, lag)
        })
        .collect()
}

/// A group member's line: (partition, position, committed, high watermark, lag as the tool
/// prints it).
pub type MemberRow = (i32, Option<i64>, Option<i64>, Option<i64>, Option<i64>);

/// The partitions of its topic the member holds, with its position and the group's offsets.
pub fn member_rows(card: &ConsumerCard) -> Vec<MemberRow> {
    let k = &card.consumer;
    let mut parts: Vec<i32> = k
        .member
        .iter()
        .flat_map(|m| m.assigned.iter())
        .filter(|(t, _)| *t == k.topic)
        .map(|(_, p)| *p)
        .collect();
    parts.sort_unstable();
    parts
        .into_iter()
        .map(|p| {
            let (committed, lag) = card.committed.get(&p).copied().unwrap_or((None, None));
            (
                p,
                k.positions.get(&p).copied(),
                committed,
                card.high_watermarks.get(&p).copied(),
                lag,
            )
        })
        .collect()
}

/// How consumer.py shows a value: `repr()` of the decoded JSON, or None if it is not JSON.
pub fn python_value(value: Option<&str>) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(value?)
        .ok()
        .map(|v| value_repr(&v))
}

#[derive(Properties, PartialEq)]
pub struct ConsumersPanelProps {
    pub lang: Lang,
    pub cards: Vec<ConsumerCard>,
    pub topics: Vec<String>,
    /// The coordinators' views of the panel consumers' groups.
    #[prop_or_default]
    pub groups: Vec<GroupView>,
    /// The panel consumers' group events, oldest first.
    #[prop_or_default]
    pub events: Vec<GroupEvent>,
    pub on_action: Callback<PanelAction>,
}

/// The command line the form stands for (shown as a hint, as text).
pub fn equivalent_command(
    python: bool,
    topic: &str,
    from_beginning: bool,
    group: Option<&str>,
) -> String {
    if python {
        return match group {
            Some(g) => format!("python consumer.py  # KafkaConsumer('{SEED_TOPIC}', group_id='{g}', auto_offset_reset='earliest')"),
            None => "python consumer.py".to_string(),
        };
    }
    let mut line =
        format!("kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic {topic}");
    if let Some(g) = group {
        line.push_str(&format!(" --group {g}"));
    }
    if from_beginning {
        line.push_str(" --from-beginning");
    }
    line
}

#[function_component(ConsumersPanel)]
pub fn consumers_panel(props: &ConsumersPanelProps) -> Html {
    let l = props.lang;
    // Controlled fields (the page redraws every frame).
    let topic = use_state(|| SEED_TOPIC.to_string());
    let group = use_state(String::new);
    let beginning = use_state(|| true);
    let python = use_state(|| true);
    let on_program = {
        let python = python.clone();
        Callback::from(move |e: Event| {
            python.set(e.target_unchecked_into::<HtmlSelectElement>().value() == "python");
        })
    };
    let on_start = {
        let cb = props.on_action.clone();
        let (t, g, from_beginning, python) = (topic.clone(), group.clone(), *beginning, *python);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let topic = Some(t.trim().to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| SEED_TOPIC.to_string());
            let group = Some(g.trim().to_string()).filter(|s| !s.is_empty());
            cb.emit(PanelAction::StartConsumer {
                program: if python {
                    Program::Python
                } else {
                    Program::Console
                },
                topic,
                from_beginning,
                group,
            });
        })
    };
    let group_value = Some(group.trim().to_string()).filter(|s| !s.is_empty());
    let hint = equivalent_command(
        *python,
        Some(topic.trim())
            .filter(|s| !s.is_empty())
            .unwrap_or(SEED_TOPIC),
        *beginning,
        group_value.as_deref(),
    );
    // Groups in the order their first panel consumer appears; consumers without one last.
    let mut group_ids: Vec<String> = Vec::new();
    for c in &props.cards {
        if let Some(g) = &c.consumer.group {
            if !group_ids.contains(g) {
                group_ids.push(g.clone());
            }
        }
    }
    let standalone: Vec<&ConsumerCard> = props
        .cards
        .iter()
        .filter(|c| c.consumer.group.is_none())
        .collect();
    let known_groups: Vec<String> = {
        let mut v: Vec<String> = props.groups.iter().map(|g| g.group_id.clone()).collect();
        v.extend(group_ids.iter().cloned());
        kafka_playground_core::sort::sort(&mut v);
        v.dedup();
        v
    };
    html! {
        <div class="consumers-panel">
            <h2>{ text(l, Label::ConsumersPanel) }</h2>
            <form id="consumer-start" class="client-form" onsubmit={on_start}>
                <div class="fields">
                    <label>
                        <span class="visually-hidden">{ text(l, Label::ConsumersPanel) }</span>
                        <select id="consumer-program" onchange={on_program}>
                            <option value="python" selected={*python}>{ text(l, Label::ConsumerPy) }</option>
                            <option value="console" selected={!*python}>{ text(l, Label::ConsoleConsumer) }</option>
                        </select>
                    </label>
                    if !*python {
                        <label>{ text(l, Label::TopicField) }
                            <input id="consumer-topic" list="consumer-topics" value={(*topic).clone()} size="8" autocomplete="off"
                                oninput={ { let t = topic.clone(); Callback::from(move |e: InputEvent| t.set(e.target_unchecked_into::<HtmlInputElement>().value())) } } />
                        </label>
                    }
                    <label>{ gtext(l, G::GroupField) }
                        <input id="consumer-group" list="consumer-groups" value={(*group).clone()} size="15" autocomplete="off"
                            maxlength={MAX_GROUP_ID.to_string()} placeholder={ gtext(l, G::GroupHint) }
                            oninput={ { let g = group.clone(); Callback::from(move |e: InputEvent| g.set(e.target_unchecked_into::<HtmlInputElement>().value())) } } />
                    </label>
                    if !*python {
                        <label class="check">
                            <input id="consumer-beginning" type="checkbox" checked={*beginning}
                                onchange={ { let b = beginning.clone(); Callback::from(move |e: Event| b.set(e.target_unchecked_into::<HtmlInputElement>().checked())) } } />
                            { text(l, Label::FromBeginning) }
                        </label>
                    }
                    <button id="consumer-start-button" type="submit">{ text(l, Label::StartConsumer) }</button>
                </div>
                <p class="form-hint"><code id="consumer-command">{ hint }</code></p>
                <datalist id="consumer-topics">
                    { for props.topics.iter().map(|t| html! { <option value={t.clone()} /> }) }
                </datalist>
                <datalist id="consumer-groups">
                    { for known_groups.iter().map(|g| html! { <option value={g.clone()} /> }) }
                </datalist>
            </form>
            if props.cards.is_empty() {
                <p class="empty">{ text(l, Label::NoConsumers) }</p>
            }
            { for group_ids.iter().map(|g| {
                let cards: Vec<ConsumerCard> = props.cards.iter().filter(|c| c.consumer.group.as_ref() == Some(g)).cloned().collect();
                let events: Vec<GroupEvent> = props.events.iter().filter(|e| e.group == *g).cloned().collect();
                html! {
                    <GroupSection key={g.clone()} lang={l} group_id={g.clone()}
                        view={props.groups.iter().find(|v| v.group_id == *g).cloned()}
                        {cards} {events} on_action={props.on_action.clone()} />
                }
            }) }
            if !standalone.is_empty() {
                <section class="consumer-group standalone" aria-label={ gtext(l, G::Standalone) }>
                    if !group_ids.is_empty() {
                        <h3 class="group-title">{ gtext(l, G::Standalone) }</h3>
                    }
                    <div class="consumer-cards">
                        { for standalone.iter().map(|c| html! {
                            <ConsumerCardView key={c.consumer.id} lang={l} card={(*c).clone()} on_action={props.on_action.clone()} />
                        }) }
                    </div>
                </section>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct GroupSectionProps {
    pub lang: Lang,
    pub group_id: String,
    /// The coordinator's view, once the group exists there.
    pub view: Option<GroupView>,
    pub cards: Vec<ConsumerCard>,
    /// This group's events, oldest first.
    pub events: Vec<GroupEvent>,
    pub on_action: Callback<PanelAction>,
}

fn state_text(state: GroupState) -> Html {
    let sign = match state {
        GroupState::Stable => "●",
        GroupState::Empty => "○",
        GroupState::Dead => "✕",
        GroupState::PreparingRebalance | GroupState::CompletingRebalance => "↻",
    };
    html! {
        <span class={classes!("group-state", (state != GroupState::Stable).then_some("busy"))} data-state={state.as_str()}>
            <span aria-hidden="true">{ format!("{sign}\u{a0}") }</span>{ state.as_str() }
        </span>
    }
}

/// A group event in words.
fn event_text(l: Lang, e: &GroupEvent) -> String {
    match &e.kind {
        GroupEventKind::Joined => gtext(l, G::EvJoined).to_string(),
        GroupEventKind::Left => gtext(l, G::EvLeft).to_string(),
        GroupEventKind::Revoked => gtext(l, G::EvRevoked).to_string(),
        GroupEventKind::Assigned {
            generation,
            partitions,
        } => {
            let parts = if partitions.is_empty() {
                gtext(l, G::NoneAssigned).to_string()
            } else {
                partitions
                    .iter()
                    .map(|(t, p)| format!("{t}-{p}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "{} {parts} ({} {generation})",
                gtext(l, G::EvAssigned),
                gtext(l, G::Generation)
            )
        }
    }
}

fn seconds(ms: u64) -> String {
    format!("{}.{} s", ms / 1000, ms % 1000 / 100)
}

/// A partition of the group's strip: topic, partition and its owner (name and mark, no mark
/// for a member the panels did not start), if any.
type StripCell = (String, i32, Option<(String, Option<usize>)>);

#[function_component(GroupSection)]
pub fn group_section(props: &GroupSectionProps) -> Html {
    let l = props.lang;
    let g = &props.group_id;
    // Who owns which partition, as the coordinator says (only while Stable).
    let owner_of = |member_id: &str| -> Option<(String, Option<usize>)> {
        let v = props.view.as_ref()?;
        let m = v.members.iter().find(|m| m.member_id == member_id)?;
        let panel = props.cards.iter().find(|c| {
            c.consumer
                .member
                .as_ref()
                .is_some_and(|s| s.member_id == member_id)
        });
        Some(match panel {
            Some(c) => (c.consumer.name.clone(), Some(c.consumer.mark)),
            None => (m.client_id.clone(), None),
        })
    };
    let strip: Vec<StripCell> = props
        .view
        .iter()
        .flat_map(|v| v.offsets.iter())
        .filter_map(|r| {
            let owner = r
                .consumer_id
                .as_deref()
                .filter(|id| *id != "-")
                .and_then(&owner_of);
            Some((r.topic.clone()?, r.partition?, owner))
        })
        .collect();
    let mut strip = strip;
    kafka_playground_core::sort::sort_by(&mut strip, |a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    html! {
        <section class="consumer-group" data-group={g.clone()} aria-label={format!("{} {g}", gtext(l, G::GroupHeading))}>
            <header class="group-head">
                <h3 class="group-title">{ gtext(l, G::GroupHeading) }{ " " }<code class="group-id">{ g.clone() }</code></h3>
                if let Some(v) = &props.view {
                    <p class="group-facts">
                        { state_text(v.state) }
                        { format!(" · {} {} · {} {} · {} {}",
                            gtext(l, G::Generation), v.generation,
                            gtext(l, G::CoordinatorWord), v.coordinator,
                            gtext(l, G::MembersWord), v.members.len()) }
                    </p>
                }
            </header>
            if !strip.is_empty() {
                <ol class="assign-strip" aria-label={ gtext(l, G::Assigned) }>
                    { for strip.iter().map(|(t, p, owner)| html! {
                        <li class={classes!("assign-cell", owner.is_none().then_some("unowned"))}
                            data-partition={p.to_string()} data-owner={owner.as_ref().map(|o| o.0.clone()).unwrap_or_default()}>
                            <span class="cell-tp">{ format!("{t}-{p}") }</span>
                            <span class="cell-owner">
                                { match owner {
                                    Some((name, Some(m))) => html! { <>{ mark(*m) }{ name.clone() }</> },
                                    Some((name, None)) => html! { <><span class="mark" aria-hidden="true">{ "○" }</span>{ name.clone() }</> },
                                    None => html! { { "–" } },
                                } }
                            </span>
                        </li>
                    }) }
                </ol>
            }
            <div class="consumer-cards">
                { for props.cards.iter().map(|c| html! {
                    <ConsumerCardView key={c.consumer.id} lang={l} card={c.clone()} on_action={props.on_action.clone()} />
                }) }
            </div>
            <div class="group-log">
                <h4>{ gtext(l, G::RebalanceLog) }</h4>
                if props.events.is_empty() {
                    <p class="empty">{ gtext(l, G::NoRebalances) }</p>
                } else {
                    <ol aria-live="polite">
                        { for props.events.iter().rev().take(LOG_SHOWN).map(|e| html! {
                            <li class={classes!("group-event", match e.kind {
                                GroupEventKind::Assigned { .. } => "assigned",
                                GroupEventKind::Revoked => "revoked",
                                GroupEventKind::Joined => "joined",
                                GroupEventKind::Left => "left",
                            })}>
                                <span class="ev-time">{ seconds(e.at_ms) }</span>
                                <span class="ev-who">{ mark(e.mark) }{ e.consumer.clone() }</span>
                                <span class="ev-what">{ event_text(l, e) }</span>
                            </li>
                        }) }
                    </ol>
                }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ConsumerCardProps {
    pub lang: Lang,
    pub card: ConsumerCard,
    pub on_action: Callback<PanelAction>,
}

fn phase_label(phase: &Phase) -> G {
    match phase {
        Phase::Discover | Phase::Finding => G::PhaseFinding,
        Phase::Join | Phase::Joining => G::PhaseJoining,
        Phase::Syncing => G::PhaseSyncing,
        Phase::Stable => G::PhaseStable,
        Phase::Left => G::PhaseLeft,
    }
}

#[function_component(ConsumerCardView)]
pub fn consumer_card_view(props: &ConsumerCardProps) -> Html {
    let l = props.lang;
    let k = &props.card.consumer;
    let on_stop = {
        let (cb, id) = (props.on_action.clone(), k.id);
        Callback::from(move |_| cb.emit(PanelAction::StopConsumer { id }))
    };
    let program = match k.program {
        Program::Python => "consumer.py".to_string(),
        Program::Console => format!(
            "kafka-console-consumer · {}",
            text(
                l,
                if k.from_beginning {
                    Label::FromBeginning
                } else {
                    Label::LatestOnly
                }
            )
        ),
    };
    let show = |v: &Option<i64>| v.map_or("–".to_string(), |v| v.to_string());
    let table = if k.group.is_some() {
        let rows = member_rows(&props.card);
        let stable = k.member.as_ref().is_some_and(|m| m.phase == Phase::Stable);
        if rows.is_empty() {
            html! {
                <p class={classes!("member-none", (!stable).then_some("rebalancing"))}>
                    if stable { { gtext(l, G::NoneAssigned) } } else {
                        <span aria-hidden="true">{ "↻ " }</span>{ gtext(l, G::Revoked) }
                    }
                </p>
            }
        } else {
            html! {
                <div class="table-scroll">
                <table class="kd-table lag-table member-table">
                    <thead><tr>
                        <th scope="col"><abbr title={ text(l, Label::PartitionCol) }>{ gtext(l, G::PartitionShort) }</abbr></th>
                        <th scope="col" class="num"><abbr title={ text(l, Label::PositionCol) }>{ gtext(l, G::PositionShort) }</abbr></th>
                        <th scope="col" class="num"><abbr title={ gtext(l, G::CommittedCol) }>{ gtext(l, G::CommittedShort) }</abbr></th>
                        <th scope="col" class="num"><abbr title={ text(l, Label::HighWatermarkCol) }>{ text(l, Label::HighWatermarkShort) }</abbr></th>
                        <th scope="col" class="num"><abbr title={ gtext(l, G::LagCommittedTip) }>{ text(l, Label::LagCol) }</abbr></th>
                    </tr></thead>
                    <tbody>
                        { for rows.iter().map(|(p, pos, committed, hw, lag)| html! {
                            <tr data-partition={p.to_string()}>
                                <th scope="row">{ p.to_string() }</th>
                                <td class="num">{ show(pos) }</td>
                                <td class="num committed">{ show(committed) }</td>
                                <td class="num">{ show(hw) }</td>
                                <td class={classes!("num", "lag", lag.is_some_and(|x| x > 0).then_some("behind"))}>{ show(lag) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                </div>
            }
        }
    } else {
        let lags = lag_rows(&props.card);
        html! {
            <table class="kd-table lag-table">
                <thead><tr>
                    <th scope="col">{ text(l, Label::PartitionCol) }</th>
                    <th scope="col" class="num">{ text(l, Label::PositionCol) }</th>
                    <th scope="col" class="num"><abbr title={ text(l, Label::HighWatermarkCol) }>{ text(l, Label::HighWatermarkShort) }</abbr></th>
                    <th scope="col" class="num"><abbr title={ gtext(l, G::LagPositionTip) }>{ text(l, Label::LagCol) }</abbr></th>
                </tr></thead>
                <tbody>
                    { for lags.iter().map(|(p, pos, hw, lag)| html! {
                        <tr data-partition={p.to_string()}>
                            <th scope="row">{ p.to_string() }</th>
                            <td class="num">{ show(pos) }</td>
                            <td class="num">{ show(hw) }</td>
                            <td class={classes!("num", "lag", lag.is_some_and(|x| x > 0).then_some("behind"))}>{ show(lag) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        }
    };
    html! {
        <article class={classes!("consumer-card", k.group.is_some().then_some("member"), format!("m{}", k.mark % MARKS.len()))}
            data-consumer={k.id.to_string()} data-group={k.group.clone().unwrap_or_default()} aria-label={k.name.clone()}>
            <header>
                <div>
                    <h3 class="consumer-name">
                        if k.group.is_some() { { mark(k.mark) }{ " " } }
                        { k.name.clone() }
                    </h3>
                    <p class="consumer-program">{ program }{ " · " }<span class="consumer-topic">{ k.topic.clone() }</span></p>
                </div>
                <button class="consumer-stop" onclick={on_stop}
                    aria-label={format!("{} {}", text(l, Label::Stop), k.name)}>{ text(l, Label::Stop) }</button>
            </header>
            if let Some(m) = &k.member {
                <dl class="member-facts">
                    <div>
                        <dt>{ gtext(l, G::Generation) }</dt>
                        // A new element per assignment: its flash animation plays once each time.
                        <dd class="gen-holder">
                            { for std::iter::once(html! {
                                <span key={k.assignments} class={classes!("member-gen", (k.assignments > 1).then_some("flash"))}
                                    data-generation={m.generation.to_string()}>
                                    { m.generation.to_string() }
                                    if k.assignments > 1 && m.phase == Phase::Stable {
                                        <span class="rebalanced-badge">{ format!(" ↻ {}", gtext(l, G::Rebalanced)) }</span>
                                    }
                                </span>
                            }) }
                        </dd>
                    </div>
                    <div>
                        <dt>{ gtext(l, G::Assigned) }</dt>
                        <dd class={classes!("member-assigned", (m.phase != Phase::Stable).then_some("rebalancing"))}
                            data-partitions={ {
                                let mut p: Vec<i32> = m.assigned.iter().map(|tp| tp.1).collect();
                                p.sort_unstable();
                                p.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(",")
                            } }>
                            { if m.phase == Phase::Stable {
                                if m.assigned.is_empty() {
                                    gtext(l, G::NoneAssigned).to_string()
                                } else {
                                    let mut a = m.assigned.clone();
                                    kafka_playground_core::sort::sort(&mut a);
                                    a.iter().map(|(t, p)| format!("{t}-{p}")).collect::<Vec<_>>().join(", ")
                                }
                            } else {
                                gtext(l, phase_label(&m.phase)).to_string()
                            } }
                        </dd>
                    </div>
                    <div class="member-id-row">
                        <dt>{ gtext(l, G::MemberId) }</dt>
                        <dd><code class="member-id">{ if m.member_id.is_empty() { "–".to_string() } else { m.member_id.clone() } }</code></dd>
                    </div>
                </dl>
            } else if k.group.is_some() {
                <p class="member-none">{ gtext(l, G::PhaseFinding) }</p>
            }
            { table }
            <p class="consumer-count">{ format!("{} {}", text(l, Label::Received), k.received) }</p>
            if k.records.is_empty() {
                <p class="empty">{ text(l, Label::NothingReceived) }</p>
            } else {
                <ol class="consumed" aria-live="polite">
                    // Keyed by arrival number (records arrive at the end, the oldest leave
                    // at the front), so a new record adds one row instead of rewriting all.
                    { for k.records.iter().enumerate().rev().map(|(i, r)| {
                        let arrival = k.received.saturating_sub((k.records.len() - i) as u64);
                        let value = r.record.value.as_deref();
                        let (shown, not_json) = match k.program {
                            Program::Python => match python_value(value) {
                                Some(v) => (v, false),
                                None => (value.unwrap_or("null").to_string(), true),
                            },
                            Program::Console => (value.unwrap_or("null").to_string(), false),
                        };
                        html! {
                            <li key={arrival} class="consumed-record" data-partition={r.partition.to_string()} data-offset={r.record.offset.to_string()}>
                                <span class="rec-where">{ format!("{}-{} @{}", r.topic, r.partition, r.record.offset) }</span>
                                if let Some(key) = &r.record.key {
                                    <span class="rec-key">{ key.clone() }</span>
                                }
                                <span class="rec-value">{ shown }</span>
                                if not_json {
                                    <span class="rec-warn"><span aria-hidden="true">{ "⚠ " }</span>{ text(l, Label::NotJson) }</span>
                                }
                            </li>
                        }
                    }) }
                </ol>
            }
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumer_py_shows_the_decoded_dict_and_flags_what_is_not_json() {
        assert_eq!(
            python_value(Some(r#"{"k": "<img src=x onerror=alert(1)>"}"#)).as_deref(),
            Some("{'k': '<img src=x onerror=alert(1)>'}")
        );
        assert_eq!(python_value(Some("hello")), None);
        assert_eq!(python_value(None), None);
    }
}
