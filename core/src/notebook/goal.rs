//! Goal checks: small statements about the cluster's state that a step asks the student to reach.
//!
//! One goal per line of a ```` ```goal ```` block:
//!
//! | goal | holds when |
//! |---|---|
//! | `zookeeper has a leader` | exactly one running server leads an established epoch |
//! | `zookeeper has no leader` | no server leads (the quorum is lost) |
//! | `HOST is leader` / `is follower` / `is looking` | that ZooKeeper server is in that role |
//! | `HOST is running` / `stopped` / `killed` / `paused` | the host's process state |
//! | `znode PATH exists` / `znode PATH is absent` | on the leader's data tree (false without a leader) |
//! | `znode PATH has data TEXT` | the znode's data equals TEXT (rest of the line) |
//! | `znode PATH has N children` | |
//!
//! A goal that does not parse is an error naming the line, so a notebook cannot silently rot.

use crate::cluster::Cluster;
use crate::snapshot::{HostStatus, ZkMode};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    /// 1-based line in the notebook file.
    pub line: usize,
    /// The goal as written.
    pub source: String,
    pub check: Check,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Check {
    EnsembleHasLeader(bool),
    ZkMode { host: String, mode: ZkMode },
    HostStatus { host: String, status: HostStatus },
    ZnodeExists { path: String, exists: bool },
    ZnodeData { path: String, data: String },
    ZnodeChildren { path: String, count: usize },
}

impl Check {
    /// Parses one goal line; `Err` says what was expected.
    pub fn parse(line: &str) -> Result<Check, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let check = match words.as_slice() {
            ["zookeeper", "has", "a", "leader"] => Check::EnsembleHasLeader(true),
            ["zookeeper", "has", "no", "leader"] => Check::EnsembleHasLeader(false),
            [host, "is", role @ ("leader" | "follower" | "looking")] => Check::ZkMode {
                host: host.to_string(),
                mode: match *role {
                    "leader" => ZkMode::Leading,
                    "follower" => ZkMode::Following,
                    _ => ZkMode::Looking,
                },
            },
            [host, "is", state @ ("running" | "stopped" | "killed" | "paused")] => Check::HostStatus {
                host: host.to_string(),
                status: match *state {
                    "running" => HostStatus::Running,
                    "stopped" => HostStatus::Stopped,
                    "killed" => HostStatus::Killed,
                    _ => HostStatus::Paused,
                },
            },
            ["znode", path, "exists"] => Check::ZnodeExists { path: path_arg(path)?, exists: true },
            ["znode", path, "is", "absent"] => Check::ZnodeExists { path: path_arg(path)?, exists: false },
            ["znode", path, "has", "data", ..] => {
                // The data is the rest of the line after "data", spaces kept.
                let data = line.split_once(" data ").map(|(_, d)| d.trim()).unwrap_or("");
                Check::ZnodeData { path: path_arg(path)?, data: data.to_string() }
            }
            ["znode", path, "has", n, "children" | "child"] => Check::ZnodeChildren {
                path: path_arg(path)?,
                count: n.parse().map_err(|_| format!("`{n}` is not a number of children"))?,
            },
            _ => {
                return Err(format!(
                    "unknown goal `{line}`; expected one of: `zookeeper has a leader`, `zookeeper has no leader`, \
                     `HOST is leader|follower|looking`, `HOST is running|stopped|killed|paused`, \
                     `znode PATH exists`, `znode PATH is absent`, `znode PATH has data TEXT`, `znode PATH has N children`"
                ))
            }
        };
        Ok(check)
    }

    /// Whether the goal holds on `cluster` now. Unknown hosts never satisfy a goal.
    pub fn holds(&self, cluster: &Cluster) -> bool {
        match self {
            Check::EnsembleHasLeader(want) => (cluster.zk_leaders().len() == 1) == *want,
            Check::ZkMode { host, mode } => cluster.zk_status(host).is_some_and(|s| {
                // A leader counts only once its epoch is established (it serves clients).
                s.mode == *mode && (*mode != ZkMode::Leading || s.serving)
            }),
            Check::HostStatus { host, status } => cluster.host_status(host) == Some(*status),
            Check::ZnodeExists { path, exists } => {
                leader_tree(cluster).is_some_and(|t| t.iter().any(|z| &z.path == path) == *exists)
            }
            Check::ZnodeData { path, data } => leader_tree(cluster).is_some_and(|t| {
                t.iter()
                    .any(|z| &z.path == path && z.data.as_deref() == Some(data))
            }),
            Check::ZnodeChildren { path, count } => leader_tree(cluster).is_some_and(|t| {
                t.iter()
                    .any(|z| &z.path == path && z.stat.num_children as usize == *count)
            }),
        }
    }

    /// The goal in words, for the page.
    pub fn describe(&self, lang: &str) -> String {
        let ko = lang == "ko";
        match self {
            Check::EnsembleHasLeader(true) if ko => "주키퍼 앙상블에 리더가 있다".into(),
            Check::EnsembleHasLeader(true) => "the ZooKeeper ensemble has a leader".into(),
            Check::EnsembleHasLeader(false) if ko => {
                "주키퍼 앙상블에 리더가 없다 (쿼럼 상실)".into()
            }
            Check::EnsembleHasLeader(false) => {
                "the ZooKeeper ensemble has no leader (quorum lost)".into()
            }
            Check::ZkMode { host, mode } => {
                let role = match (mode, ko) {
                    (ZkMode::Leading, true) => "리더",
                    (ZkMode::Following, true) => "팔로워",
                    (_, true) => "리더 선출 중(LOOKING)",
                    (ZkMode::Leading, false) => "the leader",
                    (ZkMode::Following, false) => "a follower",
                    (_, false) => "looking for a leader",
                };
                if ko {
                    format!("{host}가 {role}이다")
                } else {
                    format!("{host} is {role}")
                }
            }
            Check::HostStatus { host, status } => {
                let s = match (status, ko) {
                    (HostStatus::Running, true) => "실행 중",
                    (HostStatus::Stopped, true) => "중지됨",
                    (HostStatus::Killed, true) => "강제 종료됨",
                    (HostStatus::Paused, true) => "일시 정지됨",
                    (HostStatus::Running, false) => "running",
                    (HostStatus::Stopped, false) => "stopped",
                    (HostStatus::Killed, false) => "killed",
                    (HostStatus::Paused, false) => "paused",
                };
                if ko {
                    format!("{host}: {s}")
                } else {
                    format!("{host} is {s}")
                }
            }
            Check::ZnodeExists { path, exists: true } if ko => format!("znode {path}가 있다"),
            Check::ZnodeExists { path, exists: true } => format!("znode {path} exists"),
            Check::ZnodeExists {
                path,
                exists: false,
            } if ko => format!("znode {path}가 없다"),
            Check::ZnodeExists {
                path,
                exists: false,
            } => format!("znode {path} does not exist"),
            Check::ZnodeData { path, data } if ko => {
                format!("znode {path}의 데이터가 \"{data}\"이다")
            }
            Check::ZnodeData { path, data } => format!("znode {path} holds \"{data}\""),
            Check::ZnodeChildren { path, count } if ko => {
                format!("znode {path}의 자식이 {count}개다")
            }
            Check::ZnodeChildren { path, count } => format!("znode {path} has {count} children"),
        }
    }
}

fn path_arg(p: &str) -> Result<String, String> {
    if p.starts_with('/') {
        Ok(p.to_string())
    } else {
        Err(format!("`{p}` is not a znode path (it must start with /)"))
    }
}

/// The established leader's data tree, or `None` while there is no single leader.
fn leader_tree(cluster: &Cluster) -> Option<Vec<crate::cluster::ZnodeView>> {
    match cluster.zk_leaders().as_slice() {
        [leader] => Some(cluster.znodes(leader)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!(
            Check::parse("zookeeper has a leader"),
            Ok(Check::EnsembleHasLeader(true))
        );
        assert_eq!(
            Check::parse("zookeeper2 is follower"),
            Ok(Check::ZkMode {
                host: "zookeeper2".into(),
                mode: ZkMode::Following
            })
        );
        assert_eq!(
            Check::parse("kafka2 is killed"),
            Ok(Check::HostStatus {
                host: "kafka2".into(),
                status: HostStatus::Killed
            })
        );
        assert_eq!(
            Check::parse("znode /a/b has data hello world"),
            Ok(Check::ZnodeData {
                path: "/a/b".into(),
                data: "hello world".into()
            })
        );
        assert_eq!(
            Check::parse("znode /brokers/ids has 3 children"),
            Ok(Check::ZnodeChildren {
                path: "/brokers/ids".into(),
                count: 3
            })
        );
        assert!(Check::parse("znode x exists")
            .unwrap_err()
            .contains("not a znode path"));
        assert!(Check::parse("make it work")
            .unwrap_err()
            .contains("unknown goal"));
    }

    #[test]
    fn goals_follow_the_cluster() {
        let mut c = Cluster::seed_cluster(5);
        c.wait_until_ready(60_000);
        assert!(Check::EnsembleHasLeader(true).holds(&c));
        assert!(Check::parse("znode /zookeeper exists").unwrap().holds(&c));
        assert!(!Check::parse("znode /nope exists").unwrap().holds(&c));
        assert!(Check::parse("kafka1 is running").unwrap().holds(&c));
        assert!(!Check::parse("nosuchhost is running").unwrap().holds(&c));
        let out = c.run_command("zookeeper-shell zookeeper1:2181 create /g v1", None);
        assert!(out.ok(), "{out:?}");
        assert!(Check::parse("znode /g has data v1").unwrap().holds(&c));
        let leader = c.zk_leaders()[0].clone();
        assert!(Check::parse(&format!("{leader} is leader"))
            .unwrap()
            .holds(&c));
    }
}
