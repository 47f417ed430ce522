//! docker-compose files → the cluster the playground simulates.
//!
//! [`parse_compose`] reads a compose file the way `docker compose up` and the images' entry
//! scripts would: `${VAR:-default}` interpolation, the official `zookeeper` image's `ZOO_*`
//! variables, and the `confluentinc/cp-kafka` rule that turns `KAFKA_FOO_BAR` into the broker
//! property `foo.bar`. What the playground does not model is never dropped silently: it comes
//! back as a [`ComposeWarning`] naming the service and key. A file that could not run (or that
//! would run as a different cluster than it looks like) is a [`ComposeError`] naming the line.

mod yaml;

use crate::config::{BrokerConfig, ClusterConfig, Listener, ZkServerConfig};
use crate::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};
use std::fmt;
use yaml::{Entry, Kind, Node};

/// The seed tutorial's docker-compose.yml, as published: three ZooKeepers, three brokers and
/// Kafdrop.
pub const SEED_COMPOSE: &str = include_str!("compose/seed-docker-compose.yml");

/// The tutorial's annotated excerpts put back together. Its zookeeper1 has the typo
/// `server2=` in `ZOO_SERVERS`, and its brokers set `KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR`
/// to 2, 2 and 1.
pub const SEED_COMPOSE_ANNOTATED: &str = include_str!("compose/seed-docker-compose-annotated.yml");

/// A place in the file and what is said about it: a warning (something the playground does not
/// simulate) or an error (why the file cannot become a cluster); both print `line N: service: …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposeIssue {
    /// 1-based line of the key, value or service concerned.
    pub line: usize,
    pub service: Option<String>,
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ComposeIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: ", self.line)?;
        if let Some(s) = &self.service {
            write!(f, "{s}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ComposeIssue {}

/// Something in the file the playground does not simulate.
pub type ComposeWarning = ComposeIssue;

/// Why the file cannot become a cluster.
pub type ComposeError = ComposeIssue;

/// What the playground makes of a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceKind {
    ZooKeeper,
    Kafka,
    /// Kafdrop's web UI: the page's browser panel plays its role.
    Kafdrop,
    /// Anything else: listed, started in order, not simulated.
    Unmodelled,
}

/// One `ports:` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortMapping {
    pub host_ip: Option<String>,
    /// `None` when docker picks an ephemeral host port.
    pub host_port: Option<u16>,
    pub container_port: u16,
    pub protocol: String,
}

/// A service as read from the file (after interpolation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposeService {
    pub name: String,
    /// Line of the service's key under `services:`.
    pub line: usize,
    pub kind: ServiceKind,
    pub image: Option<String>,
    /// `hostname:`, else the service name (docker's DNS name for it).
    pub hostname: String,
    pub ports: Vec<PortMapping>,
    pub depends_on: Vec<String>,
    /// The container environment, interpolated.
    pub environment: BTreeMap<String, String>,
}

/// A broker's effective settings: Kafka 3.0 defaults overridden by its properties.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BrokerSettings {
    pub num_partitions: i32,
    pub default_replication_factor: i32,
    pub min_insync_replicas: i32,
    pub auto_create_topics_enable: bool,
    pub offsets_topic_replication_factor: i16,
    pub offsets_topic_num_partitions: i32,
    pub unclean_leader_election_enable: bool,
    pub delete_topic_enable: bool,
    pub replica_lag_time_max_ms: i64,
    pub group_initial_rebalance_delay_ms: i32,
    pub zookeeper_session_timeout_ms: i32,
    pub auto_leader_rebalance_enable: bool,
    pub leader_imbalance_per_broker_percentage: i32,
    pub leader_imbalance_check_interval_seconds: i64,
    /// Topic configs the broker's own properties set (`min.insync.replicas`,
    /// `unclean.leader.election.enable`): DescribeConfigs reports them as STATIC_BROKER_CONFIG,
    /// so `kafka-topics --describe` prints them under `Configs:`.
    pub static_topic_configs: BTreeMap<String, String>,
}

impl Default for BrokerSettings {
    /// Kafka 3.0's `KafkaConfig` defaults.
    fn default() -> Self {
        BrokerSettings {
            num_partitions: 1,
            default_replication_factor: 1,
            min_insync_replicas: 1,
            auto_create_topics_enable: true,
            offsets_topic_replication_factor: 3,
            offsets_topic_num_partitions: 50,
            unclean_leader_election_enable: false,
            delete_topic_enable: true,
            replica_lag_time_max_ms: 30_000,
            group_initial_rebalance_delay_ms: 3_000,
            zookeeper_session_timeout_ms: 18_000,
            auto_leader_rebalance_enable: true,
            leader_imbalance_per_broker_percentage: 10,
            leader_imbalance_check_interval_seconds: 300,
            static_topic_configs: BTreeMap::new(),
        }
    }
}

/// Broker properties the playground acts on; any other `KAFKA_*` property gets a warning.
pub const MODELLED_BROKER_PROPERTIES: &[&str] = &[
    "advertised.listeners",
    "auto.create.topics.enable",
    "auto.leader.rebalance.enable",
    "broker.id",
    "default.replication.factor",
    "delete.topic.enable",
    "group.initial.rebalance.delay.ms",
    "inter.broker.listener.name",
    "leader.imbalance.check.interval.seconds",
    "leader.imbalance.per.broker.percentage",
    "listener.security.protocol.map",
    "listeners",
    "min.insync.replicas",
    "num.partitions",
    "offsets.topic.num.partitions",
    "offsets.topic.replication.factor",
    "replica.lag.time.max.ms",
    "security.inter.broker.protocol",
    "unclean.leader.election.enable",
    "zookeeper.connect",
    "zookeeper.session.timeout.ms",
];

/// The cluster a compose file describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposeCluster {
    /// ZooKeeper servers and brokers, in file order.
    pub config: ClusterConfig,
    pub warnings: Vec<ComposeWarning>,
    /// Every service, dependencies first (file order among services that are ready together).
    pub start_order: Vec<String>,
    /// Every service, in file order.
    pub services: Vec<ComposeService>,
    /// Broker id → the properties the cp-kafka image writes to `kafka.properties`.
    pub broker_properties: BTreeMap<i32, BTreeMap<String, String>>,
    /// Broker id → effective settings.
    pub broker_settings: BTreeMap<i32, BrokerSettings>,
}

impl ComposeCluster {
    /// A broker property as the image would set it, `None` when left at Kafka's default.
    pub fn broker_property(&self, broker_id: i32, name: &str) -> Option<&str> {
        self.broker_properties
            .get(&broker_id)?
            .get(name)
            .map(String::as_str)
    }
}

type Res<T> = Result<T, ComposeError>;

fn error<T>(
    line: usize,
    service: Option<&str>,
    key: Option<&str>,
    message: impl Into<String>,
) -> Res<T> {
    Err(ComposeError {
        line,
        service: service.map(str::to_string),
        key: key.map(str::to_string),
        message: message.into(),
    })
}

/// Parses a compose file. `env` stands for the shell environment of `docker compose up`
/// (interpolation and `KEY` entries without a value read it); unset variables interpolate
/// as docker compose does.
pub fn parse_compose(text: &str, env: &BTreeMap<String, String>) -> Res<ComposeCluster> {
    let root = match yaml::parse(text) {
        Ok(Some(root)) => root,
        Ok(None) => return error(1, None, None, "the compose file is empty: no services"),
        Err(e) => return error(e.line, None, None, format!("invalid YAML: {}", e.message)),
    };
    let mut p = Parsing {
        env,
        warnings: Vec::new(),
    };
    let services = p.top_level(&root)?;
    let start_order = start_order(&services)?;
    let (config, broker_properties, broker_settings) = p.cluster(&services, &start_order)?;
    // Reported in file order, whichever pass found them.
    crate::sort::sort_by_key(&mut p.warnings, |w| w.line);
    Ok(ComposeCluster {
        config,
        warnings: p.warnings,
        start_order: start_order
            .into_iter()
            .map(|i| services[i].svc.name.clone())
            .collect(),
        services: services.into_iter().map(|s| s.svc).collect(),
        broker_properties,
        broker_settings,
    })
}

/// A service plus the lines of its keys, for later messages.
struct Raw {
    svc: ComposeService,
    /// Line of each environment variable (the key line).
    env_lines: BTreeMap<String, usize>,
    depends_line: usize,
}

impl Raw {
    fn env_line(&self, key: &str) -> usize {
        self.env_lines.get(key).copied().unwrap_or(self.svc.line)
    }
}

struct Parsing<'e> {
    env: &'e BTreeMap<String, String>,
    warnings: Vec<ComposeWarning>,
}

impl Parsing<'_> {
    fn warn(
        &mut self,
        line: usize,
        service: Option<&str>,
        key: Option<&str>,
        message: impl Into<String>,
    ) {
        self.warnings.push(ComposeWarning {
            line,
            service: service.map(str::to_string),
            key: key.map(str::to_string),
            message: message.into(),
        });
    }

    fn top_level(&mut self, root: &Node) -> Res<Vec<Raw>> {
        let Some(entries) = root.as_map() else {
            return error(
                root.line,
                None,
                None,
                format!(
                    "the compose file must be a mapping, not {}",
                    root.type_name()
                ),
            );
        };
        let mut services = None;
        for e in entries {
            match e.key.as_str() {
                "services" => services = Some(e),
                // Accepted and meaningless to the simulation.
                "version" => {}
                k if k.starts_with("x-") => {}
                "volumes" | "networks" | "configs" | "secrets" | "name" | "include" => {
                    self.warn(
                        e.key_line,
                        None,
                        Some(&e.key),
                        format!(
                            "top-level `{}` is not modelled: {}",
                            e.key,
                            unmodelled_reason(&e.key)
                        ),
                    );
                }
                k => {
                    return error(
                        e.key_line,
                        None,
                        Some(k),
                        format!("(root) Additional property {k} is not allowed"),
                    )
                }
            }
        }
        let Some(services) = services else {
            return error(root.line, None, None, "the compose file has no `services:`");
        };
        let Some(list) = services.value.as_map() else {
            return error(
                services.key_line,
                None,
                Some("services"),
                "`services` must be a mapping of service names",
            );
        };
        if list.is_empty() {
            return error(
                services.key_line,
                None,
                Some("services"),
                "`services` is empty",
            );
        }
        let mut out = Vec::new();
        for e in list {
            out.push(self.service(e)?);
        }
        let names: BTreeSet<&str> = out.iter().map(|r| r.svc.name.as_str()).collect();
        for r in &out {
            for d in &r.svc.depends_on {
                if !names.contains(d.as_str()) {
                    return error(
                        r.depends_line,
                        Some(&r.svc.name),
                        Some("depends_on"),
                        format!(
                            "service \"{}\" depends on undefined service \"{d}\"",
                            r.svc.name
                        ),
                    );
                }
            }
        }
        Ok(out)
    }

    fn service(&mut self, entry: &Entry) -> Res<Raw> {
        let name = entry.key.clone();
        let line = entry.key_line;
        let n = Some(name.as_str());
        let Some(keys) = entry.value.as_map() else {
            return error(
                line,
                n,
                None,
                format!("service \"{name}\" must be a mapping"),
            );
        };
        let mut svc = ComposeService {
            name: name.clone(),
            line,
            kind: ServiceKind::Unmodelled,
            image: None,
            hostname: name.clone(),
            ports: Vec::new(),
            depends_on: Vec::new(),
            environment: BTreeMap::new(),
        };
        let mut env_lines = BTreeMap::new();
        let mut depends_line = line;
        let mut other_keys: Vec<&Entry> = Vec::new();
        for e in keys {
            let k = Some(e.key.as_str());
            match e.key.as_str() {
                "image" => svc.image = Some(self.string(&e.value, n, k)?),
                "hostname" => svc.hostname = self.string(&e.value, n, k)?,
                "ports" => svc.ports = self.ports(&e.value, n)?,
                "environment" => {
                    for (key, key_line, value) in self.environment(&e.value, n)? {
                        env_lines.insert(key.clone(), key_line);
                        if let Some(v) = value {
                            svc.environment.insert(key, v);
                        }
                    }
                }
                "depends_on" => {
                    depends_line = e.key_line;
                    svc.depends_on = self.depends_on(&e.value, n)?;
                }
                _ => other_keys.push(e),
            }
        }
        svc.kind = classify(&svc);
        match svc.kind {
            ServiceKind::Kafdrop => self.warn(
                line,
                n,
                None,
                format!(
                    "{name} ({}) is not simulated: the page's browser panel plays its role",
                    svc.image.as_deref().unwrap_or("Kafdrop")
                ),
            ),
            ServiceKind::Unmodelled => {
                let what = svc
                    .image
                    .as_deref()
                    .map(|i| format!(" (image {i})"))
                    .unwrap_or_default();
                let hint = if svc
                    .image
                    .as_deref()
                    .is_some_and(|i| i.contains("cp-zookeeper"))
                {
                    "; the playground models the official `zookeeper` image (ZOO_MY_ID, ZOO_SERVERS)"
                } else {
                    ""
                };
                self.warn(
                    line,
                    n,
                    None,
                    format!("service {name}{what} is not simulated{hint}"),
                );
            }
            ServiceKind::ZooKeeper | ServiceKind::Kafka => {
                for e in other_keys {
                    self.warn(
                        e.key_line,
                        n,
                        Some(&e.key),
                        format!("`{}` is not modelled: {}", e.key, unmodelled_reason(&e.key)),
                    );
                }
            }
        }
        Ok(Raw {
            svc,
            env_lines,
            depends_line,
        })
    }

    /// An interpolated scalar.
    fn string(&mut self, node: &Node, service: Option<&str>, key: Option<&str>) -> Res<String> {
        match &node.kind {
            Kind::Scalar(s, _) => self.interpolate(s, node.line, service, key),
            Kind::Null => Ok(String::new()),
            _ => error(
                node.line,
                service,
                key,
                format!(
                    "`{}` must be a string, not {}",
                    key.unwrap_or("value"),
                    node.type_name()
                ),
            ),
        }
    }

    fn interpolate(
        &mut self,
        text: &str,
        line: usize,
        service: Option<&str>,
        key: Option<&str>,
    ) -> Res<String> {
        let mut unset = Vec::new();
        match interpolate(text, self.env, &mut unset) {
            Ok(s) => {
                for var in unset {
                    self.warn(
                        line,
                        service,
                        key,
                        format!("The \"{var}\" variable is not set. Defaulting to a blank string."),
                    );
                }
                Ok(s)
            }
            Err(m) => error(line, service, key, m),
        }
    }

    /// `environment:` as a map or a `KEY=value` list. `None` values are unset.
    fn environment(
        &mut self,
        node: &Node,
        service: Option<&str>,
    ) -> Res<Vec<(String, usize, Option<String>)>> {
        let key = Some("environment");
        let mut out: Vec<(String, usize, Option<String>)> = Vec::new();
        match &node.kind {
            Kind::Map(entries) => {
                for e in entries {
                    let value = match &e.value.kind {
                        Kind::Null => self.env.get(&e.key).cloned(),
                        Kind::Scalar(..) => Some(self.string(&e.value, service, Some(&e.key))?),
                        _ => {
                            return error(
                                e.key_line,
                                service,
                                Some(&e.key),
                                format!(
                                    "environment variable {} must be a string, number or boolean",
                                    e.key
                                ),
                            )
                        }
                    };
                    out.push((e.key.clone(), e.key_line, value));
                }
            }
            Kind::Seq(items) => {
                for item in items {
                    let Some(s) = item.as_scalar() else {
                        return error(
                            item.line,
                            service,
                            key,
                            "environment list entries must be strings like KEY=value",
                        );
                    };
                    let (k, value) = match s.split_once('=') {
                        Some((k, v)) => (
                            k.to_string(),
                            Some(self.interpolate(v, item.line, service, Some(k))?),
                        ),
                        None => (s.to_string(), self.env.get(s).cloned()),
                    };
                    if let Some(prev) = out.iter().find(|(p, ..)| *p == k) {
                        return error(
                            item.line,
                            service,
                            Some(&k),
                            format!("environment variable {k} is already set at line {}", prev.1),
                        );
                    }
                    out.push((k, item.line, value));
                }
            }
            Kind::Null => {}
            Kind::Scalar(..) => {
                return error(
                    node.line,
                    service,
                    key,
                    "`environment` must be a mapping or a list",
                )
            }
        }
        Ok(out)
    }

    fn depends_on(&mut self, node: &Node, service: Option<&str>) -> Res<Vec<String>> {
        let key = Some("depends_on");
        let mut out = Vec::new();
        match &node.kind {
            Kind::Seq(items) => {
                for item in items {
                    match item.as_scalar() {
                        Some(s) => out.push(s.to_string()),
                        None => {
                            return error(
                                item.line,
                                service,
                                key,
                                "depends_on entries must be service names",
                            )
                        }
                    }
                }
            }
            Kind::Map(entries) => {
                for e in entries {
                    if let Some(opts) = e.value.as_map() {
                        for o in opts {
                            let cond = o.value.as_scalar().unwrap_or("");
                            if o.key != "condition" || cond != "service_started" {
                                self.warn(o.key_line, service, Some("depends_on"), format!("depends_on `{}: {cond}` is not modelled: the playground waits for a dependency's container to start (service_started)", o.key));
                            }
                        }
                    }
                    out.push(e.key.clone());
                }
            }
            Kind::Null => {}
            Kind::Scalar(..) => {
                return error(
                    node.line,
                    service,
                    key,
                    "`depends_on` must be a list or a mapping",
                )
            }
        }
        Ok(out)
    }

    fn ports(&mut self, node: &Node, service: Option<&str>) -> Res<Vec<PortMapping>> {
        let key = Some("ports");
        let Kind::Seq(items) = &node.kind else {
            return error(node.line, service, key, "`ports` must be a list");
        };
        let mut out = Vec::new();
        for item in items {
            let mapping = match &item.kind {
                Kind::Scalar(..) => {
                    let s = self.string(item, service, key)?;
                    parse_port(&s).map_err(|m| ComposeError {
                        line: item.line,
                        service: service.map(str::to_string),
                        key: Some("ports".into()),
                        message: m,
                    })?
                }
                Kind::Map(entries) => {
                    let mut m = PortMapping {
                        host_ip: None,
                        host_port: None,
                        container_port: 0,
                        protocol: "tcp".into(),
                    };
                    for e in entries {
                        let v = self.string(&e.value, service, key)?;
                        let bad = || ComposeError {
                            line: e.key_line,
                            service: service.map(str::to_string),
                            key: Some("ports".into()),
                            message: format!("invalid port {}: {v}", e.key),
                        };
                        match e.key.as_str() {
                            "target" => m.container_port = v.parse().map_err(|_| bad())?,
                            "published" => m.host_port = Some(v.parse().map_err(|_| bad())?),
                            "host_ip" => m.host_ip = Some(v),
                            "protocol" => m.protocol = v,
                            other => self.warn(
                                e.key_line,
                                service,
                                key,
                                format!("port option `{other}` is not modelled"),
                            ),
                        }
                    }
                    if m.container_port == 0 {
                        return error(item.line, service, key, "a long-syntax port needs `target`");
                    }
                    m
                }
                _ => {
                    return error(
                        item.line,
                        service,
                        key,
                        "ports entries must be strings like \"9092:9092\"",
                    )
                }
            };
            out.push(mapping);
        }
        Ok(out)
    }
}

/// Why a key is not simulated, for warnings.
fn unmodelled_reason(key: &str) -> &'static str {
    match key {
        "volumes" => "the playground keeps every host's data in memory, so nothing is mounted and nothing survives a reload",
        "restart" => "restart policies are not simulated; restart a container with `docker compose start`",
        "networks" => "every service shares the playground's single network",
        "healthcheck" => "health checks are not simulated",
        "command" | "entrypoint" => "the simulated image always runs its default program",
        "env_file" => "the playground cannot read files: put the variables under `environment`",
        "container_name" => "containers are named after their services",
        "build" => "images are not built: the playground simulates known images only",
        _ => "the playground does not simulate it",
    }
}

fn classify(svc: &ComposeService) -> ServiceKind {
    let image = svc.image.as_deref().unwrap_or("");
    // Repository without tag or digest; the official image may be written `library/zookeeper`.
    let repo = image.split(['@']).next().unwrap_or("");
    let repo = match repo.rsplit_once(':') {
        Some((r, tag)) if !tag.contains('/') => r,
        _ => repo,
    };
    let env = &svc.environment;
    // Only Docker's official image speaks ZOO_MY_ID/ZOO_SERVERS this way.
    let official_zookeeper = matches!(
        repo.trim_start_matches("docker.io/")
            .trim_start_matches("library/"),
        "zookeeper"
    );
    if official_zookeeper {
        ServiceKind::ZooKeeper
    } else if repo.ends_with("confluentinc/cp-kafka")
        || repo.ends_with("confluentinc/cp-server")
        || env.contains_key("KAFKA_BROKER_ID")
        || env.contains_key("KAFKA_ZOOKEEPER_CONNECT")
    {
        ServiceKind::Kafka
    } else if image.contains("kafdrop") {
        ServiceKind::Kafdrop
    } else {
        ServiceKind::Unmodelled
    }
}

/// docker compose's `ports` short syntax: `[[ip:]host:]container[/proto]`.
fn parse_port(s: &str) -> Result<PortMapping, String> {
    let bad = || format!("invalid port mapping \"{s}\"");
    let (spec, protocol) = match s.split_once('/') {
        Some((a, p)) => (a, p.to_string()),
        None => (s, "tcp".to_string()),
    };
    if spec.contains('-') {
        return Err(format!("port ranges are not modelled: \"{s}\""));
    }
    let parts: Vec<&str> = spec.rsplitn(3, ':').collect();
    let port = |p: &str| p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(bad);
    let container_port = port(parts[0])?;
    let host_port = match parts.get(1) {
        Some(h) if !h.is_empty() => Some(port(h)?),
        _ => None,
    };
    let host_ip = parts
        .get(2)
        .map(|ip| ip.trim_matches(['[', ']']).to_string());
    Ok(PortMapping {
        host_ip,
        host_port,
        container_port,
        protocol,
    })
}

/// docker compose interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
/// `${VAR:?message}`, `${VAR?message}`, `${VAR:+alt}`, `${VAR+alt}`. Unset variables without a
/// default become "" and are reported in `unset`.
pub fn interpolate(
    text: &str,
    env: &BTreeMap<String, String>,
    unset: &mut Vec<String>,
) -> Result<String, String> {
    let invalid = || {
        format!("Invalid interpolation format for \"{text}\". You may need to escape any $ with another $.")
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        match chars.get(i + 1) {
            Some('$') => {
                out.push('$');
                i += 2;
            }
            Some('{') => {
                // Find the matching brace, allowing `${…}` inside a default.
                let mut depth = 0;
                let mut end = None;
                for (j, ch) in chars.iter().enumerate().skip(i + 1) {
                    match ch {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(j);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let end = end.ok_or_else(invalid)?;
                let inner: String = chars[i + 2..end].iter().collect();
                out.push_str(&expand(&inner, env, unset).ok_or_else(invalid)??);
                i = end + 1;
            }
            Some(ch) if ch.is_ascii_alphabetic() || *ch == '_' => {
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                let name: String = chars[i + 1..j].iter().collect();
                match env.get(&name) {
                    Some(v) => out.push_str(v),
                    None => unset.push(name),
                }
                i = j;
            }
            _ => return Err(invalid()),
        }
    }
    Ok(out)
}

/// The inside of `${…}`; `None` for a malformed expression.
fn expand(
    inner: &str,
    env: &BTreeMap<String, String>,
    unset: &mut Vec<String>,
) -> Option<Result<String, String>> {
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, rest) = inner.split_at(name_len);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let value = env.get(name);
    let (op, arg) = if let Some(a) = rest.strip_prefix(":-") {
        (":-", a)
    } else if let Some(a) = rest.strip_prefix(":?") {
        (":?", a)
    } else if let Some(a) = rest.strip_prefix(":+") {
        (":+", a)
    } else if rest.is_empty() {
        ("", "")
    } else {
        rest.split_at(rest.chars().next().map_or(0, char::len_utf8))
    };
    let set_nonempty = value.is_some_and(|v| !v.is_empty());
    let nested = |unset: &mut Vec<String>| interpolate(arg, env, unset);
    Some(match op {
        "" => Ok(match value {
            Some(v) => v.clone(),
            None => {
                unset.push(name.to_string());
                String::new()
            }
        }),
        ":-" if set_nonempty => Ok(value.cloned().unwrap_or_default()),
        ":-" => nested(unset),
        "-" => match value {
            Some(v) => Ok(v.clone()),
            None => nested(unset),
        },
        ":?" if !set_nonempty => Err(format!(
            "required variable {name} is missing a value: {arg}"
        )),
        "?" if value.is_none() => Err(format!(
            "required variable {name} is missing a value: {arg}"
        )),
        ":?" | "?" => Ok(value.cloned().unwrap_or_default()),
        ":+" if set_nonempty => nested(unset),
        "+" if value.is_some() => nested(unset),
        ":+" | "+" => Ok(String::new()),
        _ => return None,
    })
}

/// The cp-kafka image's environment → property rule: drop `KAFKA_`, lower-case, then `___` →
/// `-`, `__` → `_`, `_` → `.`. `None` for variables the image keeps for itself (JVM options,
/// log4j) and for non-`KAFKA_` variables.
pub fn env_to_property(var: &str) -> Option<String> {
    const EXCLUDED: &[&str] = &[
        "KAFKA_VERSION",
        "KAFKA_HEAP_OPTS",
        "KAFKA_LOG4J_OPTS",
        "KAFKA_OPTS",
        "KAFKA_JMX_OPTS",
        "KAFKA_JVM_PERFORMANCE_OPTS",
        "KAFKA_GC_LOG_OPTS",
        "KAFKA_LOG4J_ROOT_LOGLEVEL",
        "KAFKA_LOG4J_LOGGERS",
        "KAFKA_TOOLS_LOG4J_LOGLEVEL",
        "KAFKA_ZOOKEEPER_CLIENT_CNXN_SOCKET",
    ];
    let rest = var.strip_prefix("KAFKA_")?;
    if rest.is_empty() || EXCLUDED.contains(&var) {
        return None;
    }
    Some(
        rest.to_ascii_lowercase()
            .replace("___", "-")
            .replace("__", "\u{0}")
            .replace('_', ".")
            .replace('\u{0}', "_"),
    )
}

/// One `server.N=…` entry of `ZOO_SERVERS`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ZkEntry {
    id: u32,
    host: String,
    quorum_port: u16,
    election_port: u16,
    client_port: Option<u16>,
}

impl fmt::Display for ZkEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "server.{}={}:{}:{}",
            self.id, self.host, self.quorum_port, self.election_port
        )?;
        if let Some(p) = self.client_port {
            write!(f, ";{p}")?;
        }
        Ok(())
    }
}

fn parse_zk_entry(entry: &str) -> Result<ZkEntry, String> {
    const FORM: &str = "expected server.<id>=<host>:<quorum port>:<election port>[;<client port>]";
    let malformed = |why: &str| format!("ZOO_SERVERS entry `{entry}` is malformed: {why}");
    let Some((key, value)) = entry.split_once('=') else {
        return Err(malformed(FORM));
    };
    let Some(id) = key.strip_prefix("server.") else {
        let hint = key
            .strip_prefix("server")
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
            .map(|n| format!(" (did you mean `server.{n}=`? ZooKeeper would read `{key}` as an unknown setting and leave server {n} out of the ensemble)"))
            .unwrap_or_default();
        return Err(malformed(&format!("{FORM}{hint}")));
    };
    let id: u32 = id
        .parse()
        .map_err(|_| malformed("the server id must be a number"))?;
    let (addr, client) = match value.split_once(';') {
        Some((a, c)) => (a, Some(c)),
        None => (value, None),
    };
    let parts: Vec<&str> = addr.split(':').collect();
    let port = |s: &str| s.parse::<u16>().ok().filter(|p| *p > 0);
    let (host, quorum_port, election_port) = match parts.as_slice() {
        [h, q, e] | [h, q, e, "participant"] if !h.is_empty() => match (port(q), port(e)) {
            (Some(q), Some(e)) => (h.to_string(), q, e),
            _ => return Err(malformed("ports must be numbers between 1 and 65535")),
        },
        [_, _, _, "observer"] => return Err(malformed("observers are not modelled")),
        _ => return Err(malformed(FORM)),
    };
    let client_port = match client {
        None => None,
        Some(c) => {
            let p = c.rsplit(':').next().unwrap_or("");
            Some(port(p).ok_or_else(|| malformed("the client port must be a number"))?)
        }
    };
    Ok(ZkEntry {
        id,
        host,
        quorum_port,
        election_port,
        client_port,
    })
}

/// Kafka's `ConfigException` text.
fn invalid_value(name: &str, value: &str, why: &str) -> String {
    format!("Invalid value {value} for configuration {name}: {why}")
}

fn parse_int<T: std::str::FromStr>(name: &str, value: &str, type_name: &str) -> Result<T, String> {
    value
        .trim()
        .parse::<T>()
        .map_err(|_| invalid_value(name, value, &format!("Not a number of type {type_name}")))
}

fn parse_bool(name: &str, value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(invalid_value(
            name,
            value,
            "Expected value to be either true or false",
        )),
    }
}

fn at_least(name: &str, value: &str, n: i64, min: i64) -> Result<(), String> {
    if n < min {
        Err(invalid_value(
            name,
            value,
            &format!("Value must be at least {min}"),
        ))
    } else {
        Ok(())
    }
}

/// Typed settings from a broker's properties, failing as `KafkaConfig` would.
fn broker_settings(props: &BTreeMap<String, String>) -> Result<BrokerSettings, (String, String)> {
    let mut s = BrokerSettings::default();
    for (name, value) in props {
        let v = value.as_str();
        let r: Result<(), String> = (|| {
            match name.as_str() {
                "num.partitions" => {
                    s.num_partitions = parse_int(name, v, "INT")?;
                    at_least(name, v, s.num_partitions.into(), 1)?;
                }
                "default.replication.factor" => {
                    s.default_replication_factor = parse_int(name, v, "INT")?
                }
                "min.insync.replicas" => {
                    s.min_insync_replicas = parse_int(name, v, "INT")?;
                    at_least(name, v, s.min_insync_replicas.into(), 1)?;
                }
                "auto.create.topics.enable" => s.auto_create_topics_enable = parse_bool(name, v)?,
                "offsets.topic.replication.factor" => {
                    s.offsets_topic_replication_factor = parse_int(name, v, "SHORT")?;
                    at_least(name, v, s.offsets_topic_replication_factor.into(), 1)?;
                }
                "offsets.topic.num.partitions" => {
                    s.offsets_topic_num_partitions = parse_int(name, v, "INT")?;
                    at_least(name, v, s.offsets_topic_num_partitions.into(), 1)?;
                }
                "unclean.leader.election.enable" => {
                    s.unclean_leader_election_enable = parse_bool(name, v)?
                }
                "delete.topic.enable" => s.delete_topic_enable = parse_bool(name, v)?,
                "replica.lag.time.max.ms" => {
                    s.replica_lag_time_max_ms = parse_int(name, v, "LONG")?
                }
                "group.initial.rebalance.delay.ms" => {
                    s.group_initial_rebalance_delay_ms = parse_int(name, v, "INT")?
                }
                "zookeeper.session.timeout.ms" => {
                    s.zookeeper_session_timeout_ms = parse_int(name, v, "INT")?
                }
                "auto.leader.rebalance.enable" => {
                    s.auto_leader_rebalance_enable = parse_bool(name, v)?
                }
                "leader.imbalance.per.broker.percentage" => {
                    s.leader_imbalance_per_broker_percentage = parse_int(name, v, "INT")?
                }
                "leader.imbalance.check.interval.seconds" => {
                    s.leader_imbalance_check_interval_seconds = parse_int(name, v, "LONG")?;
                    at_least(name, v, s.leader_imbalance_check_interval_seconds, 1)?;
                }
                _ => {}
            }
            Ok(())
        })();
        r.map_err(|m| (name.clone(), m))?;
    }
    if props.contains_key("min.insync.replicas") {
        let v = s.min_insync_replicas.to_string();
        s.static_topic_configs
            .insert("min.insync.replicas".into(), v);
    }
    if props.contains_key("unclean.leader.election.enable") {
        let v = s.unclean_leader_election_enable.to_string();
        s.static_topic_configs
            .insert("unclean.leader.election.enable".into(), v);
    }
    Ok(s)
}

/// `NAME://host:port`, Kafka's endpoint form; names are upper-cased as Kafka normalises them.
fn parse_endpoints(prop: &str, value: &str) -> Result<Vec<Listener>, String> {
    let mut out = Vec::new();
    for raw in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let bad = || format!("Unable to parse {raw} to a broker endpoint");
        let (name, addr) = raw.split_once("://").ok_or_else(bad)?;
        let (host, port) = addr.rsplit_once(':').ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        let host = host.trim_matches(['[', ']']).to_string();
        let name = name.to_ascii_uppercase();
        if out.iter().any(|l: &Listener| l.name == name) {
            return Err(format!(
                "Each listener must have a different name, {prop}: {value}"
            ));
        }
        out.push(Listener { name, host, port });
    }
    Ok(out)
}

impl Parsing<'_> {
    #[allow(clippy::type_complexity)]
    fn cluster(
        &mut self,
        services: &[Raw],
        order: &[usize],
    ) -> Res<(
        ClusterConfig,
        BTreeMap<i32, BTreeMap<String, String>>,
        BTreeMap<i32, BrokerSettings>,
    )> {
        let zookeepers = self.zookeepers(services)?;
        // Brokers without KAFKA_BROKER_ID get Kafka's generated ids (1001, …) in start order.
        let mut generated = BTreeMap::new();
        let mut next_id = 1001;
        for &i in order {
            let s = &services[i];
            if s.svc.kind == ServiceKind::Kafka
                && !s.svc.environment.contains_key("KAFKA_BROKER_ID")
            {
                generated.insert(i, next_id);
                next_id += 1;
            }
        }
        let mut brokers: Vec<(BrokerConfig, usize)> = Vec::new();
        let mut props = BTreeMap::new();
        let mut settings = BTreeMap::new();
        for (i, s) in services.iter().enumerate() {
            if s.svc.kind != ServiceKind::Kafka {
                continue;
            }
            let (broker, p, st) = self.broker(s, &zookeepers, generated.get(&i).copied())?;
            let id_line = s.env_line("KAFKA_BROKER_ID");
            if let Some((other, line)) = brokers
                .iter()
                .find(|(b, _)| b.broker_id == broker.broker_id)
            {
                return error(id_line, Some(&s.svc.name), Some("KAFKA_BROKER_ID"), format!("duplicate broker id {}: {} (line {line}) has it too; the second broker to register would fail with NodeExists on /brokers/ids/{}", broker.broker_id, other.service, broker.broker_id));
            }
            props.insert(broker.broker_id, p);
            settings.insert(broker.broker_id, st);
            brokers.push((broker, id_line));
        }
        Ok((
            ClusterConfig {
                zookeepers: zookeepers.into_iter().map(|(z, _)| z).collect(),
                brokers: brokers.into_iter().map(|(b, _)| b).collect(),
            },
            props,
            settings,
        ))
    }

    /// The ensemble, checked for one agreed `ZOO_SERVERS` that names every server.
    fn zookeepers(&mut self, services: &[Raw]) -> Res<Vec<(ZkServerConfig, usize)>> {
        let zk: Vec<&Raw> = services
            .iter()
            .filter(|s| s.svc.kind == ServiceKind::ZooKeeper)
            .collect();
        let mut parsed: Vec<(&Raw, u32, Vec<ZkEntry>, usize)> = Vec::new();
        for s in &zk {
            let name = Some(s.svc.name.as_str());
            let env = &s.svc.environment;
            for (k, v) in env {
                if !matches!(k.as_str(), "ZOO_MY_ID" | "ZOO_PORT" | "ZOO_SERVERS") {
                    let why = if k == "ZOO_TICK_TIME" {
                        "the playground runs the image default tickTime=2000"
                    } else {
                        "the playground does not simulate it"
                    };
                    let _ = v;
                    self.warn(
                        s.env_line(k),
                        name,
                        Some(k),
                        format!("{k} is not modelled: {why}"),
                    );
                }
            }
            let id_line = s.env_line("ZOO_MY_ID");
            // The image writes `${ZOO_MY_ID:-1}` to myid.
            let my_id_text = env.get("ZOO_MY_ID").map(String::as_str).unwrap_or("1");
            let my_id: u32 = match my_id_text.trim().parse() {
                Ok(n) if (1..=255).contains(&n) => n,
                _ => {
                    return error(
                        id_line,
                        name,
                        Some("ZOO_MY_ID"),
                        format!("ZOO_MY_ID must be a number from 1 to 255, not \"{my_id_text}\""),
                    )
                }
            };
            if let Some((other, ..)) = parsed.iter().find(|(_, id, ..)| *id == my_id) {
                return error(
                    id_line,
                    name,
                    Some("ZOO_MY_ID"),
                    format!(
                        "duplicate ZOO_MY_ID {my_id}: {} (line {}) has it too",
                        other.svc.name,
                        other.env_line("ZOO_MY_ID")
                    ),
                );
            }
            let servers_line = s.env_line("ZOO_SERVERS");
            // The image's default for an unset ZOO_SERVERS: a standalone server.
            let servers_text = env
                .get("ZOO_SERVERS")
                .cloned()
                .unwrap_or_else(|| "server.1=localhost:2888:3888;2181".into());
            let mut entries: Vec<ZkEntry> = Vec::new();
            for word in servers_text.split_whitespace() {
                let e = parse_zk_entry(word).map_err(|m| ComposeError {
                    line: servers_line,
                    service: name.map(str::to_string),
                    key: Some("ZOO_SERVERS".into()),
                    message: m,
                })?;
                if entries.iter().any(|x| x.id == e.id) {
                    return error(
                        servers_line,
                        name,
                        Some("ZOO_SERVERS"),
                        format!("ZOO_SERVERS lists server.{} twice", e.id),
                    );
                }
                entries.push(e);
            }
            let Some(own) = entries.iter_mut().find(|e| e.id == my_id) else {
                return error(
                    servers_line,
                    name,
                    Some("ZOO_SERVERS"),
                    format!(
                        "My id {my_id} not in the peer list (ZOO_SERVERS has no server.{my_id}=…)"
                    ),
                );
            };
            // A server may name itself 0.0.0.0 (listen everywhere) or localhost.
            if matches!(own.host.as_str(), "0.0.0.0" | "localhost" | "127.0.0.1") {
                own.host = s.svc.hostname.clone();
            }
            crate::sort::sort_by_key(&mut entries, |e| e.id);
            parsed.push((s, my_id, entries, servers_line));
        }
        // Every server must hold the same list, else each would run a different ensemble.
        if let Some((first, _, reference, first_line)) = parsed.first() {
            for (s, _, entries, line) in &parsed[1..] {
                if entries != reference {
                    let ours: Vec<String> = entries.iter().map(ToString::to_string).collect();
                    let theirs: Vec<String> = reference.iter().map(ToString::to_string).collect();
                    return error(*line, Some(&s.svc.name), Some("ZOO_SERVERS"), format!("ZOO_SERVERS disagrees with {}'s (line {first_line}): `{}` here, `{}` there", first.svc.name, ours.join(" "), theirs.join(" ")));
                }
            }
        }
        let mut out = Vec::new();
        for (s, my_id, entries, line) in &parsed {
            let name = Some(s.svc.name.as_str());
            for e in entries {
                let target = parsed
                    .iter()
                    .find(|(t, ..)| t.svc.hostname == e.host || t.svc.name == e.host);
                match target {
                    None => {
                        return error(
                            *line,
                            name,
                            Some("ZOO_SERVERS"),
                            format!(
                            "server.{} names host {}, which is no ZooKeeper service in this file",
                            e.id, e.host
                        ),
                        )
                    }
                    Some((t, tid, ..)) if *tid != e.id => {
                        return error(
                            *line,
                            name,
                            Some("ZOO_SERVERS"),
                            format!(
                                "server.{} names {}, whose ZOO_MY_ID is {tid}",
                                e.id, t.svc.name
                            ),
                        )
                    }
                    _ => {}
                }
            }
            let own = entries
                .iter()
                .find(|e| e.id == *my_id)
                .expect("checked above");
            let zoo_port = s.svc.environment.get("ZOO_PORT");
            let zoo_port_num = match zoo_port {
                Some(p) => match p.trim().parse::<u16>() {
                    Ok(n) if n > 0 => Some(n),
                    _ => {
                        return error(
                            s.env_line("ZOO_PORT"),
                            name,
                            Some("ZOO_PORT"),
                            format!("ZOO_PORT must be a port number, not \"{p}\""),
                        )
                    }
                },
                None => None,
            };
            let client_port = match (own.client_port, zoo_port_num) {
                (Some(c), Some(z)) if c != z => {
                    self.warn(s.env_line("ZOO_PORT"), name, Some("ZOO_PORT"), format!("ZOO_PORT {z} is ignored: zookeeper 3.5+ images take the client port from ZOO_SERVERS (`;{c}`)"));
                    c
                }
                (Some(c), _) => c,
                (None, Some(z)) => z,
                (None, None) => 2181,
            };
            out.push((
                ZkServerConfig {
                    service: s.svc.name.clone(),
                    hostname: s.svc.hostname.clone(),
                    my_id: *my_id,
                    client_port,
                    quorum_port: own.quorum_port,
                    election_port: own.election_port,
                },
                s.svc.line,
            ));
        }
        Ok(out)
    }

    #[allow(clippy::type_complexity)]
    fn broker(
        &mut self,
        s: &Raw,
        zookeepers: &[(ZkServerConfig, usize)],
        generated_id: Option<i32>,
    ) -> Res<(BrokerConfig, BTreeMap<String, String>, BrokerSettings)> {
        let name = s.svc.name.as_str();
        let n = Some(name);
        let env = &s.svc.environment;
        // The cp image refuses these outright.
        for (var, prop) in [
            ("KAFKA_PORT", "port"),
            ("KAFKA_ADVERTISED_PORT", "advertised.port"),
            ("KAFKA_HOST", "host"),
            ("KAFKA_ADVERTISED_HOST", "advertised.host"),
        ] {
            if env.contains_key(var) {
                return error(
                    s.env_line(var),
                    n,
                    Some(var),
                    format!("{prop} is deprecated. Please use KAFKA_ADVERTISED_LISTENERS instead."),
                );
            }
        }
        for var in ["KAFKA_ZOOKEEPER_CONNECT", "KAFKA_ADVERTISED_LISTENERS"] {
            if env.get(var).is_none_or(|v| v.trim().is_empty()) {
                return error(s.svc.line, n, Some(var), format!("{var} is required: the cp-kafka image stops with `Command [/usr/local/bin/dub ensure {var}] FAILED !`"));
            }
        }
        let mut props = BTreeMap::new();
        let mut prop_lines = BTreeMap::new();
        for (k, v) in env {
            match env_to_property(k) {
                Some(p) => {
                    prop_lines.insert(p.clone(), s.env_line(k));
                    if !MODELLED_BROKER_PROPERTIES.contains(&p.as_str()) {
                        self.warn(
                            s.env_line(k),
                            n,
                            Some(k),
                            format!("{p} ({k}) is passed to the broker but not simulated"),
                        );
                    }
                    props.insert(p, v.clone());
                }
                None => self.warn(
                    s.env_line(k),
                    n,
                    Some(k),
                    format!("{k} is not modelled: the playground does not simulate it"),
                ),
            }
        }
        let line_of = |p: &str| prop_lines.get(p).copied().unwrap_or(s.svc.line);
        let fail = |p: &str, m: String| -> ComposeError {
            ComposeError {
                line: line_of(p),
                service: Some(name.to_string()),
                key: Some(format!(
                    "KAFKA_{}",
                    p.to_ascii_uppercase().replace('.', "_")
                )),
                message: m,
            }
        };
        let broker_id = match (props.get("broker.id"), generated_id) {
            (Some(v), _) => {
                let id: i32 = parse_int("broker.id", v, "INT").map_err(|m| fail("broker.id", m))?;
                if !(0..=1000).contains(&id) {
                    return Err(fail("broker.id", "broker.id must be greater than or equal to -1 and not greater than reserved.broker.max.id".into()));
                }
                id
            }
            (None, Some(g)) => {
                self.warn(s.svc.line, n, Some("KAFKA_BROKER_ID"), format!("KAFKA_BROKER_ID is not set: Kafka generates an id from 1001 up in the order brokers first start; the playground gives {name} {g}"));
                g
            }
            (None, None) => unreachable!("every id-less broker has a generated id"),
        };
        let settings = broker_settings(&props).map_err(|(p, m)| fail(&p, m))?;

        // Listeners: the protocol map, the advertised endpoints, and the image's derived
        // `listeners` (same names and ports on 0.0.0.0) when KAFKA_LISTENERS is unset.
        let map_text = props
            .get("listener.security.protocol.map")
            .cloned()
            .unwrap_or_else(|| {
                "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL".into()
            });
        let mut protocols = BTreeMap::new();
        for item in map_text.split(',').map(str::trim).filter(|x| !x.is_empty()) {
            let Some((l, p)) = item.split_once(':') else {
                return Err(fail(
                    "listener.security.protocol.map",
                    invalid_value(
                        "listener.security.protocol.map",
                        &map_text,
                        &format!("Map entry '{item}' is improperly formatted"),
                    ),
                ));
            };
            let p = p.trim().to_ascii_uppercase();
            if !matches!(
                p.as_str(),
                "PLAINTEXT" | "SSL" | "SASL_PLAINTEXT" | "SASL_SSL"
            ) {
                return Err(fail("listener.security.protocol.map", format!("No enum constant org.apache.kafka.common.security.auth.SecurityProtocol.{p}")));
            }
            protocols.insert(l.trim().to_ascii_uppercase(), p);
        }
        let advertised_text = props["advertised.listeners"].clone();
        let mut advertised = parse_endpoints("advertised.listeners", &advertised_text)
            .map_err(|m| fail("advertised.listeners", m))?;
        for l in &advertised {
            if !protocols.contains_key(&l.name) {
                return Err(fail("advertised.listeners", format!("No security protocol defined for listener {} (KAFKA_LISTENER_SECURITY_PROTOCOL_MAP names {})", l.name, protocols.keys().cloned().collect::<Vec<_>>().join(", "))));
            }
            if protocols[&l.name] != "PLAINTEXT" {
                self.warn(
                    line_of("advertised.listeners"),
                    n,
                    Some("KAFKA_ADVERTISED_LISTENERS"),
                    format!(
                        "listener {} uses {}: the playground simulates every listener as PLAINTEXT",
                        l.name, protocols[&l.name]
                    ),
                );
            }
            if l.host == "0.0.0.0" {
                return Err(fail("advertised.listeners", "advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.".into()));
            }
        }
        // An empty host advertises the container's own name.
        for l in &mut advertised {
            if l.host.is_empty() {
                l.host = s.svc.hostname.clone();
            }
        }
        match props.get("listeners").cloned() {
            Some(text) => {
                let listeners =
                    parse_endpoints("listeners", &text).map_err(|m| fail("listeners", m))?;
                for l in &listeners {
                    if !protocols.contains_key(&l.name) {
                        return Err(fail(
                            "listeners",
                            format!("No security protocol defined for listener {}", l.name),
                        ));
                    }
                }
                let names: BTreeSet<&str> = listeners.iter().map(|l| l.name.as_str()).collect();
                if advertised.iter().any(|l| !names.contains(l.name.as_str())) {
                    return Err(fail("advertised.listeners", format!("advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found {}. The valid options based on the current configuration are {}", advertised.iter().map(|l| l.name.clone()).collect::<Vec<_>>().join(","), names.into_iter().collect::<Vec<_>>().join(","))));
                }
            }
            None => {
                let derived: Vec<String> = advertised
                    .iter()
                    .map(|l| format!("{}://0.0.0.0:{}", l.name, l.port))
                    .collect();
                props.insert("listeners".into(), derived.join(","));
            }
        }
        let inter = match (props.get("inter.broker.listener.name"), props.get("security.inter.broker.protocol")) {
            (Some(_), Some(_)) => return Err(fail("inter.broker.listener.name", "Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.".into())),
            (Some(l), None) => l.trim().to_ascii_uppercase(),
            (None, Some(p)) => p.trim().to_ascii_uppercase(),
            (None, None) => "PLAINTEXT".into(),
        };
        if !advertised.iter().any(|l| l.name == inter) {
            let key = if props.contains_key("security.inter.broker.protocol") {
                "security.inter.broker.protocol"
            } else {
                "inter.broker.listener.name"
            };
            return Err(fail(key, format!("inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are {}", advertised.iter().map(|l| l.name.clone()).collect::<Vec<_>>().join(","))));
        }
        // Host clients reach an advertised loopback address only through a published port.
        let host_ip = self
            .env
            .get("DOCKER_HOST_IP")
            .cloned()
            .unwrap_or_else(|| "127.0.0.1".into());
        for l in &advertised {
            let on_host = matches!(l.host.as_str(), "127.0.0.1" | "localhost") || l.host == host_ip;
            if on_host && !s.svc.ports.iter().any(|p| p.host_port == Some(l.port)) {
                self.warn(
                    line_of("advertised.listeners"),
                    n,
                    Some("KAFKA_ADVERTISED_LISTENERS"),
                    format!(
                        "clients on the host cannot reach {}:{}: no `ports:` entry publishes {}",
                        l.host, l.port, l.port
                    ),
                );
            }
        }

        // zookeeper.connect: host:port,…[/chroot], every host one of the ensemble's servers.
        let zk_text = props["zookeeper.connect"].clone();
        let (hosts, chroot) = match zk_text.find('/') {
            Some(i) => (&zk_text[..i], Some(&zk_text[i..])),
            None => (zk_text.as_str(), None),
        };
        if let Some(c) = chroot.filter(|c| *c != "/") {
            self.warn(
                line_of("zookeeper.connect"),
                n,
                Some("KAFKA_ZOOKEEPER_CONNECT"),
                format!("the chroot {c} is not modelled: the broker's znodes live at the root"),
            );
        }
        let mut connect = Vec::new();
        for hp in hosts.split(',').map(str::trim).filter(|x| !x.is_empty()) {
            let (host, port) = match hp.rsplit_once(':') {
                Some((h, p)) => (
                    h,
                    p.parse::<u16>().map_err(|_| {
                        fail(
                            "zookeeper.connect",
                            format!("invalid ZooKeeper address {hp} in zookeeper.connect"),
                        )
                    })?,
                ),
                None => (hp, 2181),
            };
            let Some((zk, _)) = zookeepers
                .iter()
                .find(|(z, _)| z.hostname == host || z.service == host)
            else {
                let known: Vec<&str> = zookeepers
                    .iter()
                    .map(|(z, _)| z.hostname.as_str())
                    .collect();
                let known = if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                };
                return Err(fail("zookeeper.connect", format!("zookeeper.connect names {host}, which is no ZooKeeper service in this file (ZooKeeper services: {known})")));
            };
            if zk.client_port != port {
                self.warn(
                    line_of("zookeeper.connect"),
                    n,
                    Some("KAFKA_ZOOKEEPER_CONNECT"),
                    format!(
                        "{hp}: {} listens for clients on {}, so the broker can never connect there",
                        zk.service, zk.client_port
                    ),
                );
            }
            connect.push(format!("{host}:{port}"));
        }
        if connect.is_empty() {
            return Err(fail(
                "zookeeper.connect",
                "zookeeper.connect names no ZooKeeper server".into(),
            ));
        }
        Ok((
            BrokerConfig {
                service: name.to_string(),
                hostname: s.svc.hostname.clone(),
                broker_id,
                listeners: advertised,
                inter_broker_listener: inter,
                zookeeper_connect: connect,
                settings: settings.clone(),
            },
            props,
            settings,
        ))
    }
}

/// Topological order of services by `depends_on`, file order among those ready together.
fn start_order(services: &[Raw]) -> Res<Vec<usize>> {
    let index: BTreeMap<&str, usize> = services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.svc.name.as_str(), i))
        .collect();
    let deps: Vec<Vec<usize>> = services
        .iter()
        .map(|s| s.svc.depends_on.iter().map(|d| index[d.as_str()]).collect())
        .collect();
    let mut started = vec![false; services.len()];
    let mut order = Vec::new();
    while order.len() < services.len() {
        let ready =
            (0..services.len()).find(|&i| !started[i] && deps[i].iter().all(|&d| started[d]));
        match ready {
            Some(i) => {
                started[i] = true;
                order.push(i);
            }
            None => {
                // Walk unstarted dependencies from the first blocked service until one repeats.
                let mut path = vec![(0..services.len())
                    .find(|&i| !started[i])
                    .expect("some service is blocked")];
                loop {
                    let last = *path.last().expect("non-empty");
                    let next = deps[last]
                        .iter()
                        .copied()
                        .find(|&d| !started[d])
                        .expect("blocked by an unstarted dependency");
                    if let Some(pos) = path.iter().position(|&p| p == next) {
                        let mut cycle: Vec<&str> = path[pos..]
                            .iter()
                            .map(|&i| services[i].svc.name.as_str())
                            .collect();
                        cycle.push(&services[next].svc.name);
                        let s = &services[path[pos]];
                        return error(
                            s.depends_line,
                            Some(&s.svc.name),
                            Some("depends_on"),
                            format!("dependency cycle detected: {}", cycle.join(" -> ")),
                        );
                    }
                    path.push(next);
                }
            }
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn no_env() -> BTreeMap<String, String> {
        BTreeMap::new()
    }

    fn parse(text: &str) -> Res<ComposeCluster> {
        parse_compose(text, &no_env())
    }

    fn err_of(text: &str) -> ComposeError {
        parse(text).expect_err("should fail")
    }

    /// The line number of the first line of `text` containing `needle`.
    fn line_of(text: &str, needle: &str) -> usize {
        text.lines()
            .position(|l| l.contains(needle))
            .expect("needle present")
            + 1
    }

    #[test]
    fn the_seed_file_is_the_seed_cluster() {
        let c = parse(SEED_COMPOSE).unwrap();
        assert_eq!(c.config, ClusterConfig::seed());
        let warnings: Vec<(usize, Option<&str>, Option<&str>)> = c
            .warnings
            .iter()
            .map(|w| (w.line, w.service.as_deref(), w.key.as_deref()))
            .collect();
        assert_eq!(
            warnings,
            [
                (13, Some("zookeeper1"), Some("volumes")),
                (26, Some("zookeeper2"), Some("volumes")),
                (39, Some("zookeeper3"), Some("volumes")),
                (55, Some("kafka1"), Some("volumes")),
                (74, Some("kafka2"), Some("volumes")),
                (93, Some("kafka3"), Some("volumes")),
                (102, Some("kafdrop"), None),
            ]
        );
        assert_eq!(
            c.warnings[6].message,
            "kafdrop (obsidiandynamics/kafdrop) is not simulated: the page's browser panel plays its role"
        );
        assert!(c.warnings[0]
            .message
            .starts_with("`volumes` is not modelled"));
        assert_eq!(
            c.start_order,
            [
                "zookeeper1",
                "zookeeper2",
                "zookeeper3",
                "kafka1",
                "kafka2",
                "kafka3",
                "kafdrop"
            ]
        );
        let kinds: Vec<ServiceKind> = c.services.iter().map(|s| s.kind).collect();
        use ServiceKind::*;
        assert_eq!(
            kinds,
            [ZooKeeper, ZooKeeper, ZooKeeper, Kafka, Kafka, Kafka, Kafdrop]
        );
        assert_eq!(
            c.services[3].ports,
            [PortMapping {
                host_ip: None,
                host_port: Some(9091),
                container_port: 9091,
                protocol: "tcp".into()
            }]
        );
    }

    #[test]
    fn seed_broker_properties_follow_the_cp_image_rule() {
        let c = parse(SEED_COMPOSE).unwrap();
        let p = &c.broker_properties[&2];
        let keys: Vec<&str> = p.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "advertised.listeners",
                "broker.id",
                "inter.broker.listener.name",
                "listener.security.protocol.map",
                "listeners",
                "offsets.topic.replication.factor",
                "zookeeper.connect",
            ]
        );
        assert_eq!(
            c.broker_property(2, "advertised.listeners"),
            Some(
                "LISTENER_DOCKER_INTERNAL://kafka2:19092,LISTENER_DOCKER_EXTERNAL://127.0.0.1:9092"
            )
        );
        assert_eq!(
            c.broker_property(2, "listeners"),
            Some(
                "LISTENER_DOCKER_INTERNAL://0.0.0.0:19092,LISTENER_DOCKER_EXTERNAL://0.0.0.0:9092"
            )
        );
        assert_eq!(c.broker_property(2, "num.partitions"), None);
        let s = &c.broker_settings[&2];
        assert_eq!(s.offsets_topic_replication_factor, 1);
        assert_eq!(
            BrokerSettings {
                offsets_topic_replication_factor: 3,
                ..s.clone()
            },
            BrokerSettings::default()
        );
    }

    #[test]
    fn docker_host_ip_comes_from_the_environment() {
        let env = BTreeMap::from([("DOCKER_HOST_IP".to_string(), "192.168.0.7".to_string())]);
        let c = parse_compose(SEED_COMPOSE, &env).unwrap();
        assert_eq!(
            c.config.brokers[0].listeners[1].address(),
            "192.168.0.7:9091"
        );
        assert_eq!(c.warnings.len(), 7);
    }

    #[test]
    fn the_annotated_copy_stops_at_the_server2_typo() {
        let e = parse(SEED_COMPOSE_ANNOTATED).unwrap_err();
        assert_eq!(e.line, line_of(SEED_COMPOSE_ANNOTATED, "server2="));
        assert_eq!(e.line, 14);
        assert_eq!(e.service.as_deref(), Some("zookeeper1"));
        assert_eq!(e.key.as_deref(), Some("ZOO_SERVERS"));
        assert_eq!(
            e.to_string(),
            "line 14: zookeeper1: ZOO_SERVERS entry `server2=zookeeper2:2888:3888;2182` is malformed: \
             expected server.<id>=<host>:<quorum port>:<election port>[;<client port>] (did you mean \
             `server.2=`? ZooKeeper would read `server2` as an unknown setting and leave server 2 out \
             of the ensemble)"
        );
    }

    #[test]
    fn the_annotated_copy_fixed_has_offsets_rf_2_2_1() {
        let fixed = SEED_COMPOSE_ANNOTATED.replace("server2=", "server.2=");
        let c = parse(&fixed).unwrap();
        let rf: Vec<u16> = c
            .config
            .brokers
            .iter()
            .map(|b| b.settings.offsets_topic_replication_factor as u16)
            .collect();
        assert_eq!(rf, [2, 2, 1]);
        assert_eq!(c.config.zookeepers, ClusterConfig::seed().zookeepers);
        // Kafdrop's `restart` is not reported separately: the whole service is.
        assert_eq!(
            c.warnings
                .iter()
                .filter(|w| w.service.as_deref() == Some("kafdrop"))
                .count(),
            1
        );
    }

    #[test]
    fn invalid_yaml_names_the_line() {
        let e = err_of("services:\n  a:\n    image: x\n   bad: 1\n");
        assert_eq!(e.line, 4);
        assert!(e.message.starts_with("invalid YAML: "), "{e}");
        let e = err_of("services:\n  a:\n    image: x\n  a:\n    image: y\n");
        assert_eq!(e.line, 4);
        assert_eq!(
            e.message,
            "invalid YAML: mapping key \"a\" already defined at line 2"
        );
        assert_eq!(err_of("").message, "the compose file is empty: no services");
        assert_eq!(
            err_of("- a\n").message,
            "the compose file must be a mapping, not a list"
        );
        let e = err_of("version: '3'\nservice:\n  a: {}\n");
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "(root) Additional property service is not allowed")
        );
    }

    fn replace_in_seed(from: &str, to: &str) -> String {
        assert!(SEED_COMPOSE.contains(from), "{from}");
        SEED_COMPOSE.replacen(from, to, 1)
    }

    #[test]
    fn duplicate_broker_ids() {
        let text = replace_in_seed("KAFKA_BROKER_ID: 3", "KAFKA_BROKER_ID: 1");
        let e = err_of(&text);
        assert_eq!(e.line, line_of(SEED_COMPOSE, "KAFKA_BROKER_ID: 3"));
        assert_eq!(e.service.as_deref(), Some("kafka3"));
        let first = line_of(SEED_COMPOSE, "KAFKA_BROKER_ID: 1");
        assert_eq!(
            e.message,
            format!(
                "duplicate broker id 1: kafka1 (line {first}) has it too; the second broker to \
                 register would fail with NodeExists on /brokers/ids/1"
            )
        );
    }

    #[test]
    fn duplicate_zoo_my_id() {
        let text = replace_in_seed("ZOO_MY_ID: 2", "ZOO_MY_ID: 1");
        let e = err_of(&text);
        assert_eq!((e.line, e.service.as_deref()), (23, Some("zookeeper2")));
        assert_eq!(
            e.message,
            "duplicate ZOO_MY_ID 1: zookeeper1 (line 10) has it too"
        );
    }

    #[test]
    fn zoo_servers_must_agree() {
        let text = SEED_COMPOSE.replacen(
            "server.3=zookeeper3:2888:3888;2183",
            "server.3=zookeeper3:2888:3888;2184",
            3,
        );
        let text = text.replacen(
            "server.3=zookeeper3:2888:3888;2184",
            "server.3=zookeeper3:2888:3888;2183",
            2,
        );
        let e = err_of(&text);
        assert_eq!((e.line, e.service.as_deref()), (38, Some("zookeeper3")));
        assert_eq!(
            e.message,
            "ZOO_SERVERS disagrees with zookeeper1's (line 12): `server.1=zookeeper1:2888:3888;2181 \
             server.2=zookeeper2:2888:3888;2182 server.3=zookeeper3:2888:3888;2184` here, \
             `server.1=zookeeper1:2888:3888;2181 server.2=zookeeper2:2888:3888;2182 \
             server.3=zookeeper3:2888:3888;2183` there"
        );
    }

    #[test]
    fn a_server_may_name_itself_0_0_0_0() {
        // The common `server.N=0.0.0.0:…` for a server's own entry is the same ensemble.
        let text = SEED_COMPOSE.replacen("server.1=zookeeper1:", "server.1=0.0.0.0:", 1);
        assert_eq!(parse(&text).unwrap().config, ClusterConfig::seed());
    }

    #[test]
    fn anchors_and_merge_keys_as_compose_files_use_them() {
        let text = "x-kafka: &kafka
  image: confluentinc/cp-kafka:7.0.0
  depends_on: [zk]
x-env: &env
  KAFKA_ZOOKEEPER_CONNECT: zk:2181
  KAFKA_NUM_PARTITIONS: 3
services:
  zk:
    image: zookeeper:3.7
  k1:
    <<: *kafka
    environment:
      <<: *env
      KAFKA_BROKER_ID: 1
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://k1:9092
  k2:
    <<: *kafka
    environment:
      <<: *env
      KAFKA_BROKER_ID: 2
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://k2:9092
";
        let c = parse(text).unwrap();
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        let ids: Vec<i32> = c.config.brokers.iter().map(|b| b.broker_id).collect();
        assert_eq!(ids, [1, 2]);
        assert_eq!(c.broker_settings[&2].num_partitions, 3);
        assert_eq!(c.config.brokers[1].zookeeper_connect, ["zk:2181"]);
        assert_eq!(c.start_order, ["zk", "k1", "k2"]);
    }

    #[test]
    fn zoo_servers_must_name_the_services() {
        let text = SEED_COMPOSE.replace("server.3=zookeeper3:", "server.3=zk3:");
        let e = err_of(&text);
        assert_eq!(
            e.message,
            "server.3 names host zk3, which is no ZooKeeper service in this file"
        );
        let text = SEED_COMPOSE.replace(
            "server.1=zookeeper1:2888:3888;2181 server.2=zookeeper2:2888:3888;2182 ",
            "server.2=zookeeper2:2888:3888;2182 ",
        );
        let e = err_of(&text);
        assert_eq!((e.line, e.service.as_deref()), (12, Some("zookeeper1")));
        assert_eq!(
            e.message,
            "My id 1 not in the peer list (ZOO_SERVERS has no server.1=…)"
        );
    }

    #[test]
    fn zookeeper_connect_must_name_zookeeper_services() {
        let text = replace_in_seed(
            "KAFKA_ZOOKEEPER_CONNECT: zookeeper1:2181,",
            "KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181,",
        );
        let e = err_of(&text);
        assert_eq!(e.line, line_of(&text, "zookeeper:2181"));
        assert_eq!(e.key.as_deref(), Some("KAFKA_ZOOKEEPER_CONNECT"));
        assert_eq!(
            e.message,
            "zookeeper.connect names zookeeper, which is no ZooKeeper service in this file \
             (ZooKeeper services: zookeeper1, zookeeper2, zookeeper3)"
        );
        // A wrong port is a warning: the broker would only ever fail over past it.
        let text = replace_in_seed(
            "zookeeper2:2182,zookeeper3:2183\n",
            "zookeeper2:2181,zookeeper3:2183\n",
        );
        let c = parse(&text).unwrap();
        assert!(c.warnings.iter().any(|w| w.message == "zookeeper2:2181: zookeeper2 listens for clients on 2182, so the broker can never connect there"));
    }

    #[test]
    fn missing_required_env() {
        let text = SEED_COMPOSE.replacen("      KAFKA_ADVERTISED_LISTENERS: LISTENER_DOCKER_INTERNAL://kafka1:19091,LISTENER_DOCKER_EXTERNAL://${DOCKER_HOST_IP:-127.0.0.1}:9091\n", "", 1);
        let e = err_of(&text);
        assert_eq!(e.line, line_of(&text, "  kafka1:"));
        assert_eq!(e.service.as_deref(), Some("kafka1"));
        assert_eq!(
            e.message,
            "KAFKA_ADVERTISED_LISTENERS is required: the cp-kafka image stops with \
             `Command [/usr/local/bin/dub ensure KAFKA_ADVERTISED_LISTENERS] FAILED !`"
        );
        let e = err_of("services:\n  k:\n    image: x\n    environment:\n      KAFKA_BROKER_ID: 1\n      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://k:9092\n");
        assert_eq!(e.key.as_deref(), Some("KAFKA_ZOOKEEPER_CONNECT"));
        let e = err_of("services:\n  k:\n    image: x\n    environment:\n      A: ${NEEDED:?set NEEDED first}\n");
        assert_eq!(
            (e.line, e.message.as_str()),
            (
                5,
                "required variable NEEDED is missing a value: set NEEDED first"
            )
        );
    }

    #[test]
    fn listener_names_must_be_in_the_protocol_map() {
        let text = replace_in_seed(
            "LISTENER_DOCKER_INTERNAL:PLAINTEXT,LISTENER_DOCKER_EXTERNAL:PLAINTEXT",
            "LISTENER_DOCKER_INTERNAL:PLAINTEXT",
        );
        let e = err_of(&text);
        assert_eq!(e.line, line_of(&text, "KAFKA_ADVERTISED_LISTENERS"));
        assert_eq!(e.key.as_deref(), Some("KAFKA_ADVERTISED_LISTENERS"));
        assert_eq!(
            e.message,
            "No security protocol defined for listener LISTENER_DOCKER_EXTERNAL \
             (KAFKA_LISTENER_SECURITY_PROTOCOL_MAP names LISTENER_DOCKER_INTERNAL)"
        );
    }

    #[test]
    fn inter_broker_listener_must_be_advertised() {
        let text = replace_in_seed(
            "KAFKA_INTER_BROKER_LISTENER_NAME: LISTENER_DOCKER_INTERNAL",
            "KAFKA_INTER_BROKER_LISTENER_NAME: INTERNAL",
        );
        let e = err_of(&text);
        assert_eq!(e.line, line_of(&text, "KAFKA_INTER_BROKER_LISTENER_NAME"));
        assert_eq!(e.key.as_deref(), Some("KAFKA_INTER_BROKER_LISTENER_NAME"));
        assert_eq!(
            e.message,
            "inter.broker.listener.name must be a listener name defined in advertised.listeners. The \
             valid options based on currently configured listeners are \
             LISTENER_DOCKER_INTERNAL,LISTENER_DOCKER_EXTERNAL"
        );
        // Unset, it defaults to the PLAINTEXT listener, which the seed does not have.
        let text = replace_in_seed(
            "      KAFKA_INTER_BROKER_LISTENER_NAME: LISTENER_DOCKER_INTERNAL\n",
            "",
        );
        assert!(err_of(&text)
            .message
            .starts_with("inter.broker.listener.name must be"));
    }

    #[test]
    fn unmodelled_things_are_warnings() {
        let text = "services:
  zk:
    image: zookeeper:3.7
    restart: always
    environment:
      ZOO_TICK_TIME: 3000
  kafka:
    image: confluentinc/cp-kafka:7.0.0
    depends_on:
      zk:
        condition: service_healthy
    ports: [\"9092:9092\"]
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zk:2181
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://localhost:9092
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 1
      KAFKA_HEAP_OPTS: -Xmx1G
      KAFKA_NUM_PARTITIONS: 3
  schema-registry:
    image: confluentinc/cp-schema-registry:7.0.0
volumes:
  data: {}
";
        let c = parse(text).unwrap();
        let got: Vec<String> = c.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "line 4: zk: `restart` is not modelled: restart policies are not simulated; restart a container with `docker compose start`",
                "line 6: zk: ZOO_TICK_TIME is not modelled: the playground runs the image default tickTime=2000",
                "line 7: kafka: KAFKA_BROKER_ID is not set: Kafka generates an id from 1001 up in the order brokers first start; the playground gives kafka 1001",
                "line 11: kafka: depends_on `condition: service_healthy` is not modelled: the playground waits for a dependency's container to start (service_started)",
                "line 16: kafka: transaction.state.log.min.isr (KAFKA_TRANSACTION_STATE_LOG_MIN_ISR) is passed to the broker but not simulated",
                "line 17: kafka: KAFKA_HEAP_OPTS is not modelled: the playground does not simulate it",
                "line 19: schema-registry: service schema-registry (image confluentinc/cp-schema-registry:7.0.0) is not simulated",
                "line 21: top-level `volumes` is not modelled: the playground keeps every host's data in memory, so nothing is mounted and nothing survives a reload",
            ]
        );
        assert_eq!(c.config.brokers[0].broker_id, 1001);
        assert_eq!(c.broker_settings[&1001].num_partitions, 3);
        assert_eq!(c.config.zookeepers[0].client_port, 2181);
        assert_eq!(c.config.brokers[0].inter_broker_listener, "PLAINTEXT");
        assert_eq!(c.start_order, ["zk", "kafka", "schema-registry"]);
    }

    #[test]
    fn invalid_property_values_fail_like_kafka_config() {
        let text = replace_in_seed(
            "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1",
            "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: one",
        );
        let e = err_of(&text);
        assert_eq!(e.line, line_of(&text, "FACTOR: one"));
        assert_eq!(
            e.key.as_deref(),
            Some("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR")
        );
        assert_eq!(e.message, "Invalid value one for configuration offsets.topic.replication.factor: Not a number of type SHORT");
        let text = replace_in_seed(
            "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1",
            "KAFKA_NUM_PARTITIONS: 0",
        );
        assert_eq!(
            err_of(&text).message,
            "Invalid value 0 for configuration num.partitions: Value must be at least 1"
        );
        let text = replace_in_seed(
            "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1",
            "KAFKA_AUTO_CREATE_TOPICS_ENABLE: \"yes\"",
        );
        assert_eq!(err_of(&text).message, "Invalid value yes for configuration auto.create.topics.enable: Expected value to be either true or false");
        let text = replace_in_seed(
            "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1",
            "KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: \"TRUE\"",
        );
        assert!(parse(&text).unwrap().broker_settings[&1].unclean_leader_election_enable);
    }

    #[test]
    fn depends_on_cycles_and_unknown_services() {
        let e = err_of("services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on:\n      - a\n");
        assert_eq!(
            (e.line, e.message.as_str()),
            (4, "dependency cycle detected: a -> b -> a")
        );
        let e = err_of("services:\n  a:\n    image: x\n    depends_on: [nope]\n");
        assert_eq!(
            (e.line, e.message.as_str()),
            (4, "service \"a\" depends on undefined service \"nope\"")
        );
        let c = parse("services:\n  c:\n    image: x\n    depends_on: {b: {condition: service_started}}\n  b:\n    image: x\n  a:\n    image: x\n").unwrap();
        assert_eq!(c.start_order, ["b", "c", "a"]);
    }

    #[test]
    fn images_decide_the_kind() {
        let kind = |image: &str| {
            let text = format!("services:\n  s:\n    image: {image}\n");
            parse(&text).map(|c| c.services[0].kind)
        };
        assert_eq!(kind("zookeeper:3.7"), Ok(ServiceKind::ZooKeeper));
        assert_eq!(
            kind("docker.io/library/zookeeper:3.7.0@sha256:abc"),
            Ok(ServiceKind::ZooKeeper)
        );
        assert_eq!(
            kind("confluentinc/cp-zookeeper:7.0.0"),
            Ok(ServiceKind::Unmodelled)
        );
        assert_eq!(kind("bitnami/zookeeper:3.7"), Ok(ServiceKind::Unmodelled));
        assert_eq!(
            kind("obsidiandynamics/kafdrop:latest"),
            Ok(ServiceKind::Kafdrop)
        );
        assert_eq!(kind("redis"), Ok(ServiceKind::Unmodelled));
        // cp-kafka without its required variables is an error, not an unmodelled service.
        assert!(kind("confluentinc/cp-kafka:7.0.0").is_err());
    }

    #[test]
    fn env_to_property_rule() {
        assert_eq!(
            env_to_property("KAFKA_BROKER_ID").as_deref(),
            Some("broker.id")
        );
        assert_eq!(
            env_to_property("KAFKA_ZOOKEEPER_CONNECT").as_deref(),
            Some("zookeeper.connect")
        );
        assert_eq!(
            env_to_property("KAFKA_LISTENER_NAME_INTERNAL_SSL__KEYSTORE").as_deref(),
            Some("listener.name.internal.ssl_keystore")
        );
        assert_eq!(
            env_to_property("KAFKA_FOO___BAR").as_deref(),
            Some("foo-bar")
        );
        assert_eq!(env_to_property("KAFKA_HEAP_OPTS"), None);
        assert_eq!(env_to_property("ZOO_MY_ID"), None);
    }

    #[test]
    fn interpolation_rules() {
        let env = BTreeMap::from([
            ("A".to_string(), "x".to_string()),
            ("E".to_string(), String::new()),
        ]);
        let run = |s: &str| {
            let mut unset = Vec::new();
            interpolate(s, &env, &mut unset).map(|v| (v, unset))
        };
        assert_eq!(run("${A}-$A-$$A").unwrap().0, "x-x-$A");
        assert_eq!(run("${B:-127.0.0.1}:9091").unwrap().0, "127.0.0.1:9091");
        assert_eq!(run("${E:-d}|${E-d}|${B-d}").unwrap().0, "d||d");
        assert_eq!(run("${A:+alt}|${E:+alt}|${E+alt}").unwrap().0, "alt||alt");
        assert_eq!(run("${B:-${A}}").unwrap().0, "x");
        assert_eq!(
            run("${B}$C").unwrap(),
            (String::new(), vec!["B".to_string(), "C".to_string()])
        );
        assert!(run("${A").is_err());
        assert!(run("$").is_err());
        assert!(run("${}").is_err());
        // Operators are ASCII; anything else after the name is malformed, even multi-byte.
        assert!(run("${A€}").is_err());
        assert!(run("${A-€}").unwrap().0 == "x");
        assert_eq!(
            run("${E:?}").unwrap_err(),
            "required variable E is missing a value: "
        );
    }

    #[test]
    fn ports_short_and_long_syntax() {
        assert_eq!(
            parse_port("127.0.0.1:9091:9092/udp").unwrap(),
            PortMapping {
                host_ip: Some("127.0.0.1".into()),
                host_port: Some(9091),
                container_port: 9092,
                protocol: "udp".into()
            }
        );
        assert_eq!(parse_port("2181").unwrap().host_port, None);
        assert!(parse_port("x:1").is_err());
        assert!(parse_port("8000-8001:8000-8001").is_err());
        let c = parse("services:\n  a:\n    image: x\n    ports:\n      - target: 80\n        published: 8080\n").unwrap();
        assert_eq!(c.services[0].ports[0].host_port, Some(8080));
    }

    #[test]
    fn environment_list_form_and_unset_values() {
        let env = BTreeMap::from([("FROM_SHELL".to_string(), "s".to_string())]);
        let c = parse_compose("services:\n  a:\n    image: x\n    environment:\n      - A=1\n      - FROM_SHELL\n      - MISSING\n", &env).unwrap();
        let e = &c.services[0].environment;
        assert_eq!(e.get("A").map(String::as_str), Some("1"));
        assert_eq!(e.get("FROM_SHELL").map(String::as_str), Some("s"));
        assert_eq!(e.get("MISSING"), None);
    }

    #[test]
    fn unset_variable_warns_like_docker_compose() {
        let c = parse("services:\n  a:\n    image: ${REGISTRY}x\n").unwrap();
        let w = c
            .warnings
            .iter()
            .find(|w| w.line == 3)
            .expect("warning on line 3");
        assert_eq!(
            w.message,
            "The \"REGISTRY\" variable is not set. Defaulting to a blank string."
        );
        assert_eq!(c.services[0].image.as_deref(), Some("x"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_text_never_panics(text in any::<String>()) {
            let _ = parse(&text);
        }

        #[test]
        fn interpolation_never_panics(text in "([$]|[{}:?+-]|[A-Z_]|.){0,40}") {
            let env = BTreeMap::from([("A".to_string(), "€".to_string())]);
            let _ = interpolate(&text, &env, &mut Vec::new());
        }

        #[test]
        fn yaml_like_text_never_panics(text in "[a-z:\\-\\[\\]{}&*!|>'\" \n#$_.0-9=;,]{0,200}") {
            let _ = parse(&text);
        }

        #[test]
        fn mutated_seed_never_panics(cut in 0usize..4000, insert in "[a-z:\\- \n\"${}]{0,8}") {
            let mut text = SEED_COMPOSE.to_string();
            let at = text.char_indices().map(|(i, _)| i).nth(cut % SEED_COMPOSE.chars().count()).unwrap_or(0);
            text.insert_str(at, &insert);
            let _ = parse(&text);
        }
    }
}
