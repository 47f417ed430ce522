//! The SVG picture of the cluster: the ZooKeeper ensemble on top, the brokers below, clients at
//! the bottom, and every message in flight as a dot moving along its link in virtual time.

use crate::i18n::{text, Label, Lang};
use crate::message_kind::MessageKind;
use kafka_playground_core::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};
use kafka_playground_core::snapshot::{
    BrokerView, HostKind, HostStatus, HostView, InFlight, Snapshot, TopicView, ZkMode, ZkServerView,
};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ClusterViewProps {
    pub snapshot: Snapshot,
    pub lang: Lang,
    /// Message kinds whose dots are drawn.
    pub shown: BTreeSet<MessageKind>,
    /// The host the event log points at: drawn ringed.
    #[prop_or_default]
    pub pointed: Option<String>,
}

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 580.0;
const BOX_W: f64 = 250.0;
const BOX_H: f64 = 112.0;
/// Brokers are taller: two rows of replica tiles under the addresses.
const BROKER_BOX_H: f64 = 136.0;
const ZK_Y: f64 = 78.0;
const BROKER_Y: f64 = 310.0;
const CLIENT_Y: f64 = 510.0;
const CLIENT_W: f64 = 170.0;
const CLIENT_H: f64 = 40.0;
/// Virtual ms a client keeps its place after its last message on the wire: between two
/// messages the client row stays, instead of flickering (and resizing the picture) each frame.
const CLIENT_LINGER_MS: u64 = 3_000;
/// Most message dots drawn at once (the next ones to arrive): beyond that more dots only cost
/// frames and cover each other.
const MAX_DOTS: usize = 150;

/// Where a host sits: its box's top-left corner and size.
#[derive(Clone, Copy, PartialEq)]
struct Place {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Place {
    fn centre(self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// Horizontal centre of the `i`-th of `n` boxes in a row.
fn column_x(i: usize, n: usize) -> f64 {
    WIDTH * (i as f64 + 0.5) / n.max(1) as f64
}

/// Positions of every host of the snapshot, plus client hosts seen only on the wire.
struct Layout {
    places: Vec<(String, Place, Row)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Row {
    ZooKeeper,
    Broker,
    Client,
}

impl Layout {
    /// `clients`: client hosts to place (those on the wire and those lingering).
    fn new(snapshot: &Snapshot, clients: &BTreeSet<String>) -> Layout {
        let mut places = Vec::new();
        for (kind, row, y) in [
            (HostKind::ZooKeeper, Row::ZooKeeper, ZK_Y),
            (HostKind::Broker, Row::Broker, BROKER_Y),
        ] {
            let hosts: Vec<&HostView> = snapshot.hosts.iter().filter(|h| h.kind == kind).collect();
            for (i, h) in hosts.iter().enumerate() {
                let cx = column_x(i, hosts.len());
                places.push((
                    h.name.clone(),
                    Place {
                        x: cx - BOX_W / 2.0,
                        y,
                        w: BOX_W,
                        h: if row == Row::Broker {
                            BROKER_BOX_H
                        } else {
                            BOX_H
                        },
                    },
                    row,
                ));
            }
        }
        for (i, name) in clients.iter().enumerate() {
            let cx = column_x(i, clients.len());
            places.push((
                name.clone(),
                Place {
                    x: cx - CLIENT_W / 2.0,
                    y: CLIENT_Y,
                    w: CLIENT_W,
                    h: CLIENT_H,
                },
                Row::Client,
            ));
        }
        Layout { places }
    }

    fn place(&self, name: &str) -> Option<(Place, Row)> {
        self.places
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, p, r)| (*p, *r))
    }

    fn clients(&self) -> impl Iterator<Item = &(String, Place, Row)> {
        self.places.iter().filter(|(_, _, r)| *r == Row::Client)
    }
}

/// The curve a message travels: a quadratic Bézier from one box edge to another.
/// ZooKeeper peers talk along arcs above their row so 1↔3 does not cross zookeeper2.
fn route(from: (Place, Row), to: (Place, Row)) -> [(f64, f64); 3] {
    let (a, b) = (from.0.centre(), to.0.centre());
    // Within a row (the ensemble's peers, brokers replicating): an arc over the boxes between.
    if from.1 == to.1 {
        let (ax, bx) = (a.0, b.0);
        let top = from.0.y;
        // The control point sits twice as high as the curve's peak; keep the peak inside the view.
        let lift = 18.0 + (ax - bx).abs() / 14.0;
        return [(ax, top), ((ax + bx) / 2.0, top - lift * 2.0), (bx, top)];
    }
    // Between rows: leave from the facing edges.
    let (start, end) = if a.1 < b.1 {
        ((a.0, from.0.y + from.0.h), (b.0, to.0.y))
    } else {
        ((a.0, from.0.y), (b.0, to.0.y + to.0.h))
    };
    [
        start,
        ((start.0 + end.0) / 2.0, (start.1 + end.1) / 2.0),
        end,
    ]
}

/// A network fault between two hosts on the picture: a cut (both ways or one way) or a degraded
/// link (delay, loss), drawn over the links with what it is.
struct LinkFault {
    a: String,
    b: String,
    path: [(f64, f64); 3],
    /// None: cut; Some((latency ms, loss %)): degraded.
    degraded: Option<(u64, u8)>,
    oneway: bool,
}

impl LinkFault {
    fn view(&self, lang: Lang) -> Html {
        let (mx, my) = bezier(self.path, 0.5);
        let (class, mark) = match self.degraded {
            None if self.oneway => (
                "link-fault cut oneway",
                format!("✂ {}", text(lang, Label::OneWay)),
            ),
            None => ("link-fault cut", "✂".to_string()),
            Some((ms, 0)) => ("link-fault degraded", format!("{ms} ms")),
            Some((0, loss)) => ("link-fault degraded", format!("{loss}%")),
            Some((ms, loss)) => ("link-fault degraded", format!("{ms} ms {loss}%")),
        };
        html! {
            <g class={class} data-link={format!("{}-{}", self.a, self.b)}>
                <title>{ format!("{} — {}: {mark}", self.a, self.b) }</title>
                <path d={path_d(self.path)} />
                <text x={format!("{mx:.0}")} y={format!("{:.0}", my + 5.0)} text-anchor="middle">{ mark }</text>
            </g>
        }
    }
}

/// The faults of the snapshot's network between hosts that are on the picture. A host off the
/// network shows as a badge on its box instead (every link of it is down).
fn network_faults(snap: &Snapshot, layout: &Layout) -> Vec<LinkFault> {
    let mut faults: Vec<LinkFault> = Vec::new();
    let mut add = |a: &str, b: &str, degraded: Option<(u64, u8)>, oneway: bool| {
        let (Some(pa), Some(pb)) = (layout.place(a), layout.place(b)) else {
            return;
        };
        if faults
            .iter()
            .any(|f| (f.a == b && f.b == a) || (f.a == a && f.b == b))
        {
            return;
        }
        faults.push(LinkFault {
            a: a.to_string(),
            b: b.to_string(),
            path: route(pa, pb),
            degraded,
            oneway,
        });
    };
    let cuts = &snap.network.cuts;
    for (a, b) in cuts {
        let both = cuts.iter().any(|(x, y)| x == b && y == a);
        add(a, b, None, !both);
    }
    for (a, b, latency, _jitter, loss) in &snap.network.links {
        add(a, b, Some((*latency, *loss)), false);
    }
    faults
}

fn bezier(p: [(f64, f64); 3], t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    (
        u * u * p[0].0 + 2.0 * u * t * p[1].0 + t * t * p[2].0,
        u * u * p[0].1 + 2.0 * u * t * p[1].1 + t * t * p[2].1,
    )
}

fn path_d(p: [(f64, f64); 3]) -> String {
    format!(
        "M{:.1},{:.1} Q{:.1},{:.1} {:.1},{:.1}",
        p[0].0, p[0].1, p[1].0, p[1].1, p[2].0, p[2].1
    )
}

fn status_label(status: HostStatus) -> Label {
    match status {
        HostStatus::Running => Label::Running,
        HostStatus::Stopped => Label::Stopped,
        HostStatus::Killed => Label::Killed,
        HostStatus::Paused => Label::Paused,
    }
}

fn mode_label(mode: ZkMode) -> Label {
    match mode {
        ZkMode::Leading => Label::Leader,
        ZkMode::Following => Label::Follower,
        ZkMode::Looking => Label::Looking,
        ZkMode::Starting => Label::Starting,
        ZkMode::Down => Label::Down,
    }
}

/// A shape per ZooKeeper role, so the role never depends on colour alone:
/// leader ★, follower ●, looking ◌ (dashed ring), starting ⋯ (the process boots), down ✕.
fn mode_glyph(mode: ZkMode) -> Html {
    match mode {
        ZkMode::Leading => {
            html! { <path class="glyph leading" d="M0,-9 L2.6,-3 9,-2.8 4,1.6 5.6,8 0,4.4 -5.6,8 -4,1.6 -9,-2.8 -2.6,-3Z" /> }
        }
        ZkMode::Following => html! { <circle class="glyph following" r="6" /> },
        ZkMode::Looking => html! { <circle class="glyph looking" r="7" /> },
        ZkMode::Starting => html! {
            <g class="glyph starting"><circle cx="-6" r="2" /><circle r="2" /><circle cx="6" r="2" /></g>
        },
        ZkMode::Down => html! { <path class="glyph down" d="M-6,-6 L6,6 M6,-6 L-6,6" /> },
    }
}

fn status_class(status: HostStatus) -> &'static str {
    match status {
        HostStatus::Running => "running",
        HostStatus::Stopped => "stopped",
        HostStatus::Killed => "killed",
        HostStatus::Paused => "paused",
    }
}

/// One replica tile inside a broker: leader solid, follower outlined, out of the ISR faded,
/// offline (no leader) red — each also differs by border style, not colour alone.
fn replica_tiles(broker_id: i64, topics: &[TopicView]) -> Html {
    const PER_ROW: usize = 3;
    const MAX: usize = 6;
    let tiles: Vec<(String, &'static str)> = topics
        .iter()
        .filter(|t| !t.name.starts_with("__"))
        .flat_map(|t| t.partitions.iter().map(move |p| (t, p)))
        .filter(|(_, p)| p.replicas.iter().any(|&r| i64::from(r) == broker_id))
        .map(|(t, p)| {
            let state = match p.leader {
                None => "offline",
                Some(l) if i64::from(l) == broker_id => "leader",
                _ if p.isr.iter().any(|&r| i64::from(r) == broker_id) => "follower",
                _ => "out-of-isr",
            };
            (format!("{}-{}", t.name, p.partition), state)
        })
        .collect();
    let extra = tiles.len().saturating_sub(MAX);
    html! {
        <g class="tiles" transform="translate(10,84)">
            { for tiles.iter().take(MAX).enumerate().map(|(i, (label, state))| {
                let (x, y) = ((i % PER_ROW) as f64 * 78.0, (i / PER_ROW) as f64 * 22.0);
                let short: String = if label.chars().count() > 11 {
                    label.chars().take(10).chain(std::iter::once('…')).collect()
                } else { label.clone() };
                html! {
                    <g class={classes!("tile", *state)} data-replica={label.clone()} transform={format!("translate({x},{y})")}>
                        <title>{ format!("{label}: {state}") }</title>
                        <rect width="74" height="18" rx="4" />
                        <text x="37" y="13" text-anchor="middle">{ short }</text>
                    </g>
                }
            }) }
            if extra > 0 {
                <text class="tile-more" x="232" y="56" text-anchor="end">{ format!("+{extra}") }</text>
            }
        </g>
    }
}

/// What a host box shows besides its state.
#[derive(Clone, Copy)]
struct HostMarks {
    /// Off the docker network.
    isolated: bool,
    /// The event log points at it.
    pointed: bool,
}

fn host_box(
    host: &HostView,
    place: Place,
    zk: Option<&ZkServerView>,
    broker: Option<&BrokerView>,
    topics: &[TopicView],
    marks: HostMarks,
    lang: Lang,
) -> Html {
    let HostMarks { isolated, pointed } = marks;
    let kind = match host.kind {
        HostKind::ZooKeeper => "zookeeper",
        HostKind::Broker => "broker",
    };
    let mode_class = zk.map(|z| format!("mode-{:?}", z.mode).to_lowercase());
    // A follower serves clients only once synced with its leader.
    let serving_class = zk.filter(|z| z.serving).map(|_| "serving");
    let right = BOX_W - 14.0;
    let id_text = match host.kind {
        HostKind::ZooKeeper => format!("myid {}", host.id),
        HostKind::Broker => format!("broker.id {}", host.id),
    };
    html! {
        <g key={host.name.clone()} class={classes!("host", kind, status_class(host.status), mode_class, serving_class, isolated.then_some("isolated"), pointed.then_some("pointed"))} data-host={host.name.clone()}
           transform={format!("translate({},{})", place.x, place.y)}>
            <title>{ host.name.clone() }</title>
            <rect width={BOX_W.to_string()} height={place.h.to_string()} rx="10" />
            if pointed {
                <rect class="pointer-ring" x="-7" y="-7" width={(BOX_W + 14.0).to_string()} height={(place.h + 14.0).to_string()} rx="15" />
            }
            if isolated {
                <g class="isolated-badge" transform={format!("translate({},{})", BOX_W / 2.0, place.h + 14.0)}>
                    <rect x="-62" y="-11" width="124" height="18" rx="9" />
                    <text text-anchor="middle" y="3">{ format!("✂ {}", text(lang, Label::Isolated)) }</text>
                </g>
            }
            <text class="host-name" x="14" y="28">{ host.name.clone() }</text>
            <text class="host-id" x={right.to_string()} y="28" text-anchor="end">{ id_text }</text>
            { for host.addresses.iter().enumerate().map(|(i, a)| html! {
                <text class="host-address" x="14" y={(50 + 18 * i).to_string()}>{ a.clone() }</text>
            }) }
            {
                if let Some(z) = zk {
                    html! {
                        <>
                            <g transform="translate(24,88)">{ mode_glyph(z.mode) }</g>
                            <text class="zk-mode" x="38" y="93">{ text(lang, mode_label(z.mode)) }</text>
                            <text class="zk-zxid" x="14" y={(BOX_H - 6.0).to_string()} font-size="11">
                                { format!("{} {} · zxid 0x{:x}", text(lang, Label::Epoch), z.epoch, z.last_committed_zxid) }
                            </text>
                        </>
                    }
                } else {
                    html! {}
                }
            }
            {
                if let Some(b) = broker {
                    html! {
                        <>
                            if b.is_controller {
                                <g class="controller-badge" transform={format!("translate({},-10)", BOX_W - 138.0)}>
                                    <rect x="-4" y="-1" width="134" height="20" rx="6" />
                                    <path d="M0,9 L5,0 10,9 5,18Z" />
                                    <text x="14" y="14">{ format!("{} e{}", text(lang, Label::Controller), b.controller_epoch.unwrap_or(0)) }</text>
                                </g>
                            }
                            if b.running && !b.registered {
                                <text class="host-note" x="14" y={(place.h - 8.0).to_string()}>{ text(lang, Label::Registering) }</text>
                            }
                            { replica_tiles(host.id, topics) }
                        </>
                    }
                } else {
                    html! {}
                }
            }
            <text class="host-status" x={right.to_string()} y={ if broker.is_some() { "28".to_string() } else { "93".to_string() } }
                text-anchor="end" dy={ if broker.is_some() { "16" } else { "0" } }>
                { text(lang, status_label(host.status)) }
            </text>
        </g>
    }
}

fn dot(m: &InFlight, layout: &Layout, now: u64) -> Option<Html> {
    let from = layout.place(&m.from)?;
    let to = layout.place(&m.to)?;
    let span = m.deliver_ms.saturating_sub(m.sent_ms).max(1) as f64;
    let t = (now.saturating_sub(m.sent_ms) as f64 / span).clamp(0.0, 1.0);
    let (x, y) = bezier(route(from, to), t);
    let kind = MessageKind::of(&m.label);
    Some(html! {
        <g key={m.id} class={classes!("dot", kind.class())} transform={format!("translate({x:.1},{y:.1})")}>
            <title>{ format!("{} → {}: {}", m.from, m.to, m.label) }</title>
            { kind.shape() }
        </g>
    })
}

#[function_component(ClusterView)]
pub fn cluster_view(props: &ClusterViewProps) -> Html {
    let lang = props.lang;
    let snap = &props.snapshot;
    // Client hosts seen on the wire, with the virtual time they were last seen there.
    let seen = use_mut_ref(BTreeMap::<String, u64>::new);
    let clients: BTreeSet<String> = {
        let mut seen = seen.borrow_mut();
        let now = snap.now_ms;
        if seen.values().any(|&t| t > now) {
            seen.clear(); // a restart: time went back
        }
        for m in &snap.in_flight {
            for n in [&m.from, &m.to] {
                if snap.host(n).is_none() {
                    seen.insert(n.clone(), now);
                }
            }
        }
        seen.retain(|_, t| now - *t <= CLIENT_LINGER_MS);
        seen.keys().cloned().collect()
    };
    let layout = Layout::new(snap, &clients);
    let zk_places: Vec<(Place, Row)> = layout
        .places
        .iter()
        .filter(|(_, _, r)| *r == Row::ZooKeeper)
        .map(|(_, p, r)| (*p, *r))
        .collect();
    let broker_places: Vec<(Place, Row)> = layout
        .places
        .iter()
        .filter(|(_, _, r)| *r == Row::Broker)
        .map(|(_, p, r)| (*p, *r))
        .collect();
    // Static links: the ensemble's peer arcs and each broker's ZooKeeper connect string.
    let mut links = Vec::new();
    for (i, a) in zk_places.iter().enumerate() {
        for b in &zk_places[i + 1..] {
            links.push(("link peer", route(*a, *b)));
        }
    }
    for b in &broker_places {
        for z in &zk_places {
            links.push(("link session", route(*b, *z)));
        }
    }
    let faults = network_faults(snap, &layout);
    let dots: Vec<Html> = snap
        .in_flight
        .iter()
        .filter(|m| props.shown.contains(&MessageKind::of(&m.label)))
        .filter_map(|m| dot(m, &layout, snap.now_ms))
        .take(MAX_DOTS)
        .collect();
    // The client row takes room only while clients are on the wire.
    let height = if layout.clients().next().is_some() {
        HEIGHT
    } else {
        CLIENT_Y - 30.0
    };
    html! {
        <svg class="cluster-view" viewBox={format!("0 0 {WIDTH} {height}")} role="img"
             aria-label={ text(lang, Label::ClusterView) } preserveAspectRatio="xMidYMin meet">
            <text class="row-label" x="12" y="20">{ text(lang, Label::ZooKeeperEnsemble) }</text>
            <text class="row-label" x="12" y={(BROKER_Y - 14.0).to_string()}>{ text(lang, Label::Brokers) }</text>
            { for links.iter().map(|(class, p)| html! { <path class={*class} d={path_d(*p)} /> }) }
            { for faults.iter().map(|f| f.view(lang)) }
            { for snap.hosts.iter().filter_map(|h| {
                let (place, _) = layout.place(&h.name)?;
                let broker = snap.brokers.iter().find(|b| b.name == h.name);
                let marks = HostMarks {
                    isolated: snap.network.disconnected.contains(&h.name),
                    pointed: props.pointed.as_ref() == Some(&h.name),
                };
                Some(host_box(h, place, snap.zookeeper(&h.name), broker, &snap.topics, marks, lang))
            }) }
            {
                if layout.clients().next().is_some() {
                    html! { <text class="row-label" x="12" y={(CLIENT_Y - 12.0).to_string()}>{ text(lang, Label::Clients) }</text> }
                } else { html! {} }
            }
            { for layout.clients().map(|(name, p, _)| html! {
                <g key={name.clone()} class={classes!("client", (props.pointed.as_ref() == Some(name)).then_some("pointed"))} data-client={name.clone()} transform={format!("translate({},{})", p.x, p.y)}>
                    <rect width={p.w.to_string()} height={p.h.to_string()} rx="20" />
                    if props.pointed.as_ref() == Some(name) {
                        <rect class="pointer-ring" x="-6" y="-6" width={(p.w + 12.0).to_string()} height={(p.h + 12.0).to_string()} rx="25" />
                    }
                    <text class="client-name" x={(p.w / 2.0).to_string()} y="25" text-anchor="middle">{ name.clone() }</text>
                </g>
            }) }
            <g class="dots">{ for dots }</g>
        </svg>
    }
}
