//! The Kafka browser's consumer groups: a table of every group (state, members, total lag) and
//! one group's members and per-partition offsets, as `kafka-consumer-groups --describe` would
//! print them (the rows come from the core's `group_describe`). Everything is shown as text.

use crate::i18n::{text, Label, Lang};
use crate::i18n_groups::{gtext, G};
use kafka_playground_core::cluster_groups::GroupView;
use kafka_playground_core::kafka::describe::GroupState;
use yew::prelude::*;

/// A member's name for people: the panel consumer it is, else its client id.
pub fn member_name(names: &[(String, String)], member_id: &str, client_id: &str) -> String {
    names
        .iter()
        .find(|(id, _)| id == member_id)
        .map_or_else(|| client_id.to_string(), |(_, n)| n.clone())
}

/// `topic-partition` list of an assignment, by topic then partition.
pub fn partitions_text(assignment: &[(String, i32)]) -> String {
    let mut a = assignment.to_vec();
    kafka_playground_core::sort::sort(&mut a);
    a.iter()
        .map(|(t, p)| format!("{t}-{p}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn state_badge(state: GroupState) -> Html {
    let (sign, class) = match state {
        GroupState::Stable => ("●", "up"),
        GroupState::Empty => ("○", "idle"),
        GroupState::Dead => ("✕", "down"),
        GroupState::PreparingRebalance | GroupState::CompletingRebalance => ("↻", "busy"),
    };
    html! {
        <span class={classes!("group-state", class)} data-state={state.as_str()}>
            <span aria-hidden="true">{ format!("{sign}\u{a0}") }</span>{ state.as_str() }
        </span>
    }
}

fn or_dash(v: Option<i64>) -> Html {
    match v {
        Some(v) => html! { { v.to_string() } },
        None => html! { <span aria-label="-">{ "–" }</span> },
    }
}

#[derive(Properties, PartialEq)]
pub struct GroupsTableProps {
    pub lang: Lang,
    pub groups: Vec<GroupView>,
    pub on_open: Callback<String>,
}

#[function_component(GroupsTable)]
pub fn groups_table(props: &GroupsTableProps) -> Html {
    let l = props.lang;
    if props.groups.is_empty() {
        return html! {
            <>
                <h3 class="kd-heading">{ gtext(l, G::ConsumerGroups) }</h3>
                <p class="empty kd-empty" id="kd-no-groups">{ gtext(l, G::NoGroups) }</p>
            </>
        };
    }
    html! {
        <div class="kd-scroll">
            <table id="kd-groups" class="kd-table">
                <caption>{ gtext(l, G::ConsumerGroups) }</caption>
                <thead><tr>
                    <th scope="col">{ gtext(l, G::GroupCol) }</th>
                    <th scope="col"><abbr title={ gtext(l, G::StateTip) }>{ gtext(l, G::StateCol) }</abbr></th>
                    <th scope="col" class="num">{ gtext(l, G::MembersCol) }</th>
                    <th scope="col" class="num"><abbr title={ gtext(l, G::LagCommittedTip) }>{ gtext(l, G::TotalLagCol) }</abbr></th>
                </tr></thead>
                <tbody>
                    { for props.groups.iter().map(|g| {
                        let (cb, id) = (props.on_open.clone(), g.group_id.clone());
                        let lag = g.total_lag();
                        html! {
                            <tr key={g.group_id.clone()} data-group={g.group_id.clone()}>
                                <th scope="row">
                                    <button class="kd-link" data-group={g.group_id.clone()}
                                        aria-label={format!("{} {}", gtext(l, G::ShowGroup), g.group_id)}
                                        onclick={Callback::from(move |_| cb.emit(id.clone()))}>{ g.group_id.clone() }</button>
                                </th>
                                <td>{ state_badge(g.state) }</td>
                                <td class="num">{ g.members.len().to_string() }</td>
                                <td class={classes!("num", "lag", (lag > 0).then_some("behind"))}>{ lag.to_string() }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct GroupDetailProps {
    pub lang: Lang,
    pub group_id: String,
    pub group: Option<GroupView>,
    /// (member id, panel consumer name) of the page's own consumers.
    pub names: Vec<(String, String)>,
    pub on_back: Callback<()>,
}

#[function_component(GroupDetail)]
pub fn group_detail(props: &GroupDetailProps) -> Html {
    let l = props.lang;
    let back = use_node_ref();
    {
        let back = back.clone();
        use_effect_with(props.group_id.clone(), move |_| {
            if let Some(b) = back.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let crumbs = html! {
        <nav class="kd-crumbs" aria-label={ text(l, Label::KafkaBrowser) }>
            <button id="kd-group-back" class="kd-link" ref={back} onclick={props.on_back.reform(|_: MouseEvent| ())}>
                <span aria-hidden="true">{ "← " }</span>{ gtext(l, G::BackToList) }
            </button>
            <span aria-hidden="true">{ " / " }</span>
            <span class="kd-topic-name">{ format!("{}: {}", gtext(l, G::GroupCol), props.group_id) }</span>
        </nav>
    };
    let Some(g) = &props.group else {
        return html! {
            <div class="kd-group">
                { crumbs }
                <p class="empty kd-empty">{ gtext(l, G::NoActiveMembers) }</p>
            </div>
        };
    };
    let rebalancing = matches!(
        g.state,
        GroupState::PreparingRebalance | GroupState::CompletingRebalance
    );
    let name = |member_id: &str, client_id: &str| member_name(&props.names, member_id, client_id);
    html! {
        <div class="kd-group" data-group={g.group_id.clone()}>
            { crumbs }
            <p class="kd-summary" id="kd-group-summary">
                { state_badge(g.state) }
                { format!(" · {} {} · {} {} · {} {}",
                    gtext(l, G::Generation), g.generation,
                    gtext(l, G::CoordinatorWord), g.coordinator,
                    gtext(l, G::MembersWord), g.members.len()) }
                if let Some(p) = &g.protocol {
                    { format!(" · {} {p}", gtext(l, G::AssignorWord)) }
                }
            </p>
            if rebalancing {
                <p class="kd-note rebalancing" role="status"><span aria-hidden="true">{ "↻ " }</span>{ gtext(l, G::RebalancingNote) }</p>
            }
            if g.members.is_empty() {
                <p class="empty kd-empty">{ gtext(l, G::NoActiveMembers) }</p>
            } else {
                <div class="kd-scroll">
                    <table id="kd-group-members" class="kd-table">
                        <caption>{ gtext(l, G::GroupMembersTable) }</caption>
                        <thead><tr>
                            <th scope="col">{ gtext(l, G::ConsumerIdCol) }</th>
                            <th scope="col">{ gtext(l, G::ClientIdCol) }</th>
                            <th scope="col">{ gtext(l, G::HostCol) }</th>
                            <th scope="col">{ gtext(l, G::AssignmentCol) }</th>
                        </tr></thead>
                        <tbody>
                            { for g.members.iter().map(|m| {
                                let leader = g.leader.as_deref() == Some(m.member_id.as_str());
                                html! {
                                    <tr key={m.member_id.clone()} data-member={m.member_id.clone()}>
                                        <th scope="row">
                                            <span class="kd-member-name">{ name(&m.member_id, &m.client_id) }</span>
                                            if leader {
                                                <span class="kd-badge controller"><span aria-hidden="true">{ "◆ " }</span>{ gtext(l, G::LeaderBadge) }</span>
                                            }
                                            <br /><code class="kd-member-id">{ m.member_id.clone() }</code>
                                        </th>
                                        <td><code>{ m.client_id.clone() }</code></td>
                                        <td><code>{ m.client_host.clone() }</code></td>
                                        <td class="kd-assignment">{
                                            if m.assignment.is_empty() { "–".to_string() } else { partitions_text(&m.assignment) }
                                        }</td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
            }
            if g.offsets.is_empty() {
                <p class="empty kd-empty">{ gtext(l, G::NoOffsets) }</p>
            } else {
                <div class="kd-scroll">
                    <table id="kd-group-offsets" class="kd-table">
                        <caption>{ gtext(l, G::GroupOffsetsTable) }</caption>
                        <thead><tr>
                            <th scope="col">{ text(l, Label::PartitionCol) }</th>
                            <th scope="col" class="num">{ gtext(l, G::CurrentOffsetCol) }</th>
                            <th scope="col" class="num">{ gtext(l, G::LogEndOffsetCol) }</th>
                            <th scope="col" class="num"><abbr title={ gtext(l, G::LagCommittedTip) }>{ gtext(l, G::LagCol) }</abbr></th>
                            <th scope="col">{ gtext(l, G::ConsumerIdCol) }</th>
                        </tr></thead>
                        <tbody>
                            { for g.offsets.iter().map(|r| {
                                let lag = r.lag();
                                let member = r.consumer_id.clone().unwrap_or_default();
                                let who = if member == "-" || member.is_empty() {
                                    "–".to_string()
                                } else {
                                    name(&member, r.client_id.as_deref().unwrap_or_default())
                                };
                                html! {
                                    <tr data-topic={r.topic.clone().unwrap_or_default()}
                                        data-partition={r.partition.map(|p| p.to_string()).unwrap_or_default()}>
                                        <th scope="row"><code class="kd-tp">{ match (&r.topic, r.partition) {
                                            (Some(t), Some(p)) => format!("{t}-{p}"),
                                            _ => "–".to_string(),
                                        } }</code></th>
                                        <td class="num committed">{ or_dash(r.current_offset) }</td>
                                        <td class="num">{ or_dash(r.log_end_offset) }</td>
                                        <td class={classes!("num", "lag", lag.is_some_and(|x| x > 0).then_some("behind"))}>{ or_dash(lag) }</td>
                                        <td class="kd-owner" title={member}>{ who }</td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_named_after_their_panel_consumer_when_there_is_one() {
        let names = vec![("m-1".to_string(), "console-consumer-4".to_string())];
        assert_eq!(
            member_name(&names, "m-1", "consumer-g-1"),
            "console-consumer-4"
        );
        assert_eq!(member_name(&names, "m-2", "consumer-g-1"), "consumer-g-1");
        assert_eq!(
            partitions_text(&[("t".into(), 2), ("t".into(), 0)]),
            "t-0, t-2"
        );
    }
}
