//! The znodes Kafka 3.0 keeps in ZooKeeper (KAFKA-MODEL §2): paths, the exact JSON it writes
//! (key order as Kafka's Scala maps print it) and tolerant parsing of what it reads back.
//! Pure functions: the broker and controller decide, this module only spells.

use crate::broker::messages::{BrokerId, BrokerInfo, Endpoint};
use crate::ordered::OrdMap as BTreeMap;
use serde_json::Value;

/// Persistent paths every broker makes sure exist at startup (`KafkaZkClient.makeSurePersistentPathsExists`),
/// parents before children.
pub const PERSISTENT_PATHS: &[&str] = &[
    "/consumers",
    "/brokers",
    "/brokers/ids",
    "/brokers/topics",
    "/config",
    "/config/changes",
    "/admin",
    "/admin/delete_topics",
    "/brokers/seqid",
    "/isr_change_notification",
    "/latest_producer_id_block",
    "/log_dir_event_notification",
    "/config/topics",
    "/config/clients",
    "/config/users",
    "/config/brokers",
    "/config/ips",
];

pub const BROKER_IDS: &str = "/brokers/ids";
pub const TOPICS: &str = "/brokers/topics";
pub const CONTROLLER: &str = "/controller";
pub const CONTROLLER_EPOCH: &str = "/controller_epoch";
pub const CLUSTER_ID: &str = "/cluster/id";

pub fn broker_path(id: BrokerId) -> String {
    format!("{BROKER_IDS}/{id}")
}

pub fn topic_path(topic: &str) -> String {
    format!("{TOPICS}/{topic}")
}

/// `/config/topics/<topic>`: the topic's overrides of broker defaults.
pub fn topic_config_path(topic: &str) -> String {
    format!("/config/topics/{topic}")
}

/// `{"version":1,"config":{"k":"v",...}}` as AdminZkClient writes it.
pub fn topic_config_json(configs: &[(String, String)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = configs
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::json!({"version": 1, "config": map}).to_string()
}

/// The `config` object of a topic config znode.
pub fn parse_topic_config(data: &str) -> BTreeMap<String, String> {
    serde_json::from_str::<serde_json::Value>(data)
        .ok()
        .and_then(|v| v.get("config").and_then(|c| c.as_object()).cloned())
        .map(|m| {
            m.into_iter()
                .filter_map(|(k, v)| Some((k, v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

pub fn partitions_path(topic: &str) -> String {
    format!("{TOPICS}/{topic}/partitions")
}

pub fn partition_path(topic: &str, p: i32) -> String {
    format!("{TOPICS}/{topic}/partitions/{p}")
}

pub fn state_path(topic: &str, p: i32) -> String {
    format!("{TOPICS}/{topic}/partitions/{p}/state")
}

fn ids_json(ids: &[BrokerId]) -> String {
    let v: Vec<String> = ids.iter().map(ToString::to_string).collect();
    format!("[{}]", v.join(","))
}

fn quote(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// `/brokers/ids/<id>` (version 5). `host`/`port` are the first PLAINTEXT endpoint's.
pub fn broker_json(endpoints: &[Endpoint], rack: Option<&str>, timestamp_ms: u64) -> String {
    let map: Vec<String> = endpoints
        .iter()
        .map(|e| format!("{}:\"PLAINTEXT\"", quote(&e.listener)))
        .collect();
    let eps: Vec<String> = endpoints
        .iter()
        .map(|e| quote(&format!("{}://{}:{}", e.listener, e.host, e.port)))
        .collect();
    let (host, port) = endpoints
        .first()
        .map_or((String::new(), -1), |e| (e.host.clone(), i32::from(e.port)));
    let rack = rack.map_or(String::new(), |r| format!(",\"rack\":{}", quote(r)));
    format!(
        "{{\"features\":{{}},\"listener_security_protocol_map\":{{{}}},\"endpoints\":[{}],\"jmx_port\":-1,\"port\":{port},\"host\":{}{rack},\"version\":5,\"timestamp\":\"{timestamp_ms}\"}}",
        map.join(","),
        eps.join(","),
        quote(&host)
    )
}

/// Reads a broker registration back (endpoints `NAME://host:port`).
pub fn parse_broker(id: BrokerId, json: &str, czxid: u64) -> Option<BrokerInfo> {
    let v: Value = serde_json::from_str(json).ok()?;
    let endpoints = v
        .get("endpoints")?
        .as_array()?
        .iter()
        .filter_map(|e| {
            let s = e.as_str()?;
            let (listener, rest) = s.split_once("://")?;
            let (host, port) = rest.rsplit_once(':')?;
            Some(Endpoint {
                listener: listener.to_string(),
                host: host.to_string(),
                port: port.parse().ok()?,
            })
        })
        .collect();
    Some(BrokerInfo {
        id,
        endpoints,
        rack: v.get("rack").and_then(Value::as_str).map(str::to_string),
        epoch: czxid,
    })
}

/// `/brokers/topics/<t>` (version 3).
pub fn topic_json(assignment: &BTreeMap<i32, Vec<BrokerId>>, topic_id: &str) -> String {
    let parts: Vec<String> = assignment
        .iter()
        .map(|(p, r)| format!("\"{p}\":{}", ids_json(r)))
        .collect();
    format!(
        "{{\"version\":3,\"partitions\":{{{}}},\"adding_replicas\":{{}},\"removing_replicas\":{{}},\"topic_id\":{}}}",
        parts.join(","),
        quote(topic_id)
    )
}

/// Assignment and topic id of `/brokers/topics/<t>` (id empty when absent, as before 2.8).
pub fn parse_topic(json: &str) -> Option<(BTreeMap<i32, Vec<BrokerId>>, String)> {
    let v: Value = serde_json::from_str(json).ok()?;
    let mut assignment = BTreeMap::new();
    for (p, r) in v.get("partitions")?.as_object()? {
        let ids = r
            .as_array()?
            .iter()
            .map(|x| x.as_i64().map(|n| n as i32))
            .collect::<Option<Vec<_>>>()?;
        assignment.insert(p.parse().ok()?, ids);
    }
    let id = v
        .get("topic_id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Some((assignment, id))
}

/// `/brokers/topics/<t>/partitions/<p>/state`.
pub fn state_json(
    controller_epoch: i32,
    leader: BrokerId,
    leader_epoch: i32,
    isr: &[BrokerId],
) -> String {
    format!(
        "{{\"controller_epoch\":{controller_epoch},\"leader\":{leader},\"version\":1,\"leader_epoch\":{leader_epoch},\"isr\":{}}}",
        ids_json(isr)
    )
}

/// (controller_epoch, leader, leader_epoch, isr).
pub fn parse_state(json: &str) -> Option<(i32, BrokerId, i32, Vec<BrokerId>)> {
    let v: Value = serde_json::from_str(json).ok()?;
    let n = |k: &str| v.get(k).and_then(Value::as_i64).map(|x| x as i32);
    let isr = v
        .get("isr")?
        .as_array()?
        .iter()
        .map(|x| x.as_i64().map(|n| n as i32))
        .collect::<Option<Vec<_>>>()?;
    Some((
        n("controller_epoch")?,
        n("leader")?,
        n("leader_epoch")?,
        isr,
    ))
}

/// `/controller`.
pub fn controller_json(broker_id: BrokerId, timestamp_ms: u64) -> String {
    format!("{{\"version\":1,\"brokerid\":{broker_id},\"timestamp\":\"{timestamp_ms}\"}}")
}

pub fn parse_controller(json: &str) -> Option<BrokerId> {
    let v: Value = serde_json::from_str(json).ok()?;
    v.get("brokerid")?.as_i64().map(|n| n as i32)
}

/// `/cluster/id`: Kafka writes the version as a string here.
pub fn cluster_id_json(id: &str) -> String {
    format!("{{\"version\":\"1\",\"id\":{}}}", quote(id))
}

pub fn parse_cluster_id(json: &str) -> Option<String> {
    let v: Value = serde_json::from_str(json).ok()?;
    v.get("id")?.as_str().map(str::to_string)
}

/// A random UUID as Kafka prints it (`Uuid.toString`: URL-safe base64 of 16 bytes, no
/// padding: 22 characters). Kafka avoids ids starting with '-'; so do we.
/// A random (version 4) UUID as `java.util.UUID.toString` writes it (member ids).
pub fn uuid_string(mut random_u64: impl FnMut() -> u64) -> String {
    let (hi, lo) = (random_u64(), random_u64());
    let hi = (hi & !0xf000) | 0x4000;
    let lo = (lo & !(0xc000_0000_0000_0000)) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

pub fn uuid_base64(mut random_u64: impl FnMut() -> u64) -> String {
    loop {
        let (hi, lo) = (random_u64(), random_u64());
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&hi.to_be_bytes());
        bytes[8..].copy_from_slice(&lo.to_be_bytes());
        // Version 4, IETF variant, as java.util.UUID.randomUUID.
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let s = base64_url(&bytes);
        if !s.starts_with('-') {
            return s;
        }
    }
}

fn base64_url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_endpoints() -> Vec<Endpoint> {
        vec![
            Endpoint {
                listener: "LISTENER_DOCKER_INTERNAL".into(),
                host: "kafka1".into(),
                port: 19091,
            },
            Endpoint {
                listener: "LISTENER_DOCKER_EXTERNAL".into(),
                host: "127.0.0.1".into(),
                port: 9091,
            },
        ]
    }

    #[test]
    fn broker_registration_is_kafkas_json_and_reads_back() {
        let j = broker_json(&seed_endpoints(), None, 1_767_225_603_000);
        assert_eq!(
            j,
            r#"{"features":{},"listener_security_protocol_map":{"LISTENER_DOCKER_INTERNAL":"PLAINTEXT","LISTENER_DOCKER_EXTERNAL":"PLAINTEXT"},"endpoints":["LISTENER_DOCKER_INTERNAL://kafka1:19091","LISTENER_DOCKER_EXTERNAL://127.0.0.1:9091"],"jmx_port":-1,"port":19091,"host":"kafka1","version":5,"timestamp":"1767225603000"}"#
        );
        let b = parse_broker(1, &j, 7).unwrap();
        assert_eq!(b.endpoints, seed_endpoints());
        assert_eq!(b.epoch, 7);
    }

    #[test]
    fn topic_state_and_controller_json() {
        let a: BTreeMap<i32, Vec<i32>> = [(0, vec![1, 2]), (1, vec![2, 3]), (2, vec![3, 1])].into();
        let j = topic_json(&a, "AAAAAAAAAAAAAAAAAAAAAA");
        assert_eq!(
            j,
            r#"{"version":3,"partitions":{"0":[1,2],"1":[2,3],"2":[3,1]},"adding_replicas":{},"removing_replicas":{},"topic_id":"AAAAAAAAAAAAAAAAAAAAAA"}"#
        );
        assert_eq!(
            parse_topic(&j).unwrap(),
            (a, "AAAAAAAAAAAAAAAAAAAAAA".into())
        );
        let s = state_json(1, 2, 0, &[2, 3, 1]);
        assert_eq!(
            s,
            r#"{"controller_epoch":1,"leader":2,"version":1,"leader_epoch":0,"isr":[2,3,1]}"#
        );
        assert_eq!(parse_state(&s), Some((1, 2, 0, vec![2, 3, 1])));
        let c = controller_json(1, 5);
        assert_eq!(c, r#"{"version":1,"brokerid":1,"timestamp":"5"}"#);
        assert_eq!(parse_controller(&c), Some(1));
        assert_eq!(cluster_id_json("x"), r#"{"version":"1","id":"x"}"#);
        assert_eq!(
            parse_cluster_id(&cluster_id_json("x")).as_deref(),
            Some("x")
        );
        assert_eq!(parse_state("{garbage"), None);
    }

    #[test]
    fn uuids_are_22_url_safe_characters() {
        let mut n = 0u64;
        for _ in 0..50 {
            let id = uuid_base64(|| {
                n = n
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                n
            });
            assert_eq!(id.len(), 22);
            assert!(!id.starts_with('-'));
            assert!(id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        }
        assert_eq!(base64_url(&[0xfb, 0xff]), "-_8");
    }
}
