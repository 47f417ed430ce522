//! The data tree: znodes with data and stat, ephemeral owners, sessions. A pure state machine:
//! the same transactions applied in zxid order give the same tree on every server.

use crate::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};
use crate::zookeeper::messages::{KeeperError, Op, OpError, OpOutcome, OpResult, Txn, WatchType};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: a fixed (unseeded) hasher, so lookups are fast and nothing depends on a random
/// state. The node map is never iterated in an order that matters (listings sort).
#[derive(Clone, Copy, Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// ZooKeeper's `Stat`, as `stat` prints it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    pub czxid: u64,
    pub mzxid: u64,
    pub ctime: u64,
    pub mtime: u64,
    pub version: i32,
    pub cversion: i32,
    pub aversion: i32,
    pub ephemeral_owner: u64,
    pub data_length: i32,
    pub num_children: i32,
    pub pzxid: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Znode {
    pub data: Option<String>,
    pub stat: Stat,
    pub children: BTreeSet<String>,
}

/// A change a watch may be waiting for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    pub path: String,
    pub kind: WatchType,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataTree {
    nodes: FnvMap<String, Znode>,
    ephemerals: BTreeMap<u64, BTreeSet<String>>,
    /// Live sessions and their negotiated timeouts (createSession/closeSession are txns).
    sessions: BTreeMap<u64, u32>,
    last_zxid: u64,
}

impl Default for DataTree {
    fn default() -> Self {
        Self::new()
    }
}

/// Parent of an absolute path (`/a/b` → `/a`, `/a` → `/`).
pub fn parent_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

pub fn child_path(parent: &str, name: &str) -> String {
    if parent == "/" {
        format!("/{name}")
    } else {
        format!("{parent}/{name}")
    }
}

/// `PathUtils.validatePath`: the message the CLI prints for a bad path, if any.
pub fn validate_path(path: &str, sequential: bool) -> Result<(), String> {
    if path.is_empty() {
        return Err("Path length must be > 0".into());
    }
    if !path.starts_with('/') {
        return Err("Path must start with / character".into());
    }
    if path.len() == 1 {
        return Ok(());
    }
    if path.ends_with('/') && !sequential {
        return Err("Path must not end with / character".into());
    }
    let body = &path[1..];
    let segments: Vec<&str> = body.split('/').collect();
    for (k, seg) in segments.iter().enumerate() {
        let last = k + 1 == segments.len();
        let reason = if seg.is_empty() && !(last && sequential) {
            Some("empty node name specified")
        } else if *seg == "." || *seg == ".." {
            Some("relative paths not allowed")
        } else if seg
            .chars()
            .any(|c| c == '\0' || (c as u32) < 0x20 || ('\u{7f}'..='\u{9f}').contains(&c))
        {
            Some("invalid character")
        } else {
            None
        };
        if let Some(r) = reason {
            return Err(format!("Invalid path string \"{path}\" caused by {r}"));
        }
    }
    Ok(())
}

fn err(code: KeeperError, path: &str) -> OpError {
    OpError {
        code,
        path: path.to_string(),
    }
}

impl DataTree {
    /// A fresh tree: `/` and `/zookeeper` (with `config` and `quota`), all at zxid 0.
    pub fn new() -> Self {
        let mut nodes = FnvMap::default();
        // As DataTree's constructor: empty data, a default StatPersisted (all zero).
        let blank = |children: &[&str]| Znode {
            data: Some(String::new()),
            stat: Stat::default(),
            children: children.iter().map(|s| s.to_string()).collect(),
        };
        nodes.insert("/".to_string(), blank(&["zookeeper"]));
        nodes.insert("/zookeeper".to_string(), blank(&["config", "quota"]));
        nodes.insert("/zookeeper/config".to_string(), blank(&[]));
        nodes.insert("/zookeeper/quota".to_string(), blank(&[]));
        DataTree {
            nodes,
            ephemerals: BTreeMap::new(),
            sessions: BTreeMap::new(),
            last_zxid: 0,
        }
    }

    pub fn last_zxid(&self) -> u64 {
        self.last_zxid
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn sessions(&self) -> &BTreeMap<u64, u32> {
        &self.sessions
    }

    pub fn get(&self, path: &str) -> Option<&Znode> {
        self.nodes.get(path)
    }

    /// Every path in the tree, sorted.
    pub fn paths(&self) -> Vec<&String> {
        let mut v: Vec<&String> = self.nodes.keys().collect();
        crate::sort::sort(&mut v);
        v
    }

    fn stat_of(&self, n: &Znode) -> Stat {
        Self::stat_of_node(n)
    }

    fn stat_of_node(n: &Znode) -> Stat {
        let mut s = n.stat;
        s.num_children = n.children.len() as i32;
        s.data_length = n.data.as_ref().map_or(0, |d| d.len() as i32);
        s
    }

    pub fn stat(&self, path: &str) -> Option<Stat> {
        self.nodes.get(path).map(|n| self.stat_of(n))
    }

    /// Serves a read locally.
    pub fn read(&self, op: &Op) -> OpOutcome {
        match op {
            Op::GetData { path, .. } => {
                let n = self
                    .nodes
                    .get(path)
                    .ok_or_else(|| err(KeeperError::NoNode, path))?;
                Ok(OpResult::Data(n.data.clone(), self.stat_of(n)))
            }
            Op::Exists { path, .. } => Ok(match self.stat(path) {
                Some(s) => OpResult::Stat(s),
                None => OpResult::NoStat,
            }),
            Op::GetChildren { path, .. } => {
                let n = self
                    .nodes
                    .get(path)
                    .ok_or_else(|| err(KeeperError::NoNode, path))?;
                Ok(OpResult::Children(
                    n.children.iter().cloned().collect(),
                    self.stat_of(n),
                ))
            }
            _ => Err(err(KeeperError::BadArguments, "")),
        }
    }

    /// Applies a committed transaction; returns its result and the changes watches care about.
    pub fn apply(&mut self, txn: &Txn, triggers: &mut Vec<Trigger>) -> OpOutcome {
        self.apply_with(txn, &mut Some(triggers))
    }

    /// Applies without collecting watch triggers (a server without watches, replays).
    pub fn apply_quiet(&mut self, txn: &Txn) -> OpOutcome {
        self.apply_with(txn, &mut None)
    }

    fn apply_with(&mut self, txn: &Txn, triggers: &mut Option<&mut Vec<Trigger>>) -> OpOutcome {
        self.last_zxid = self.last_zxid.max(txn.zxid);
        match &txn.op {
            Op::Multi(ops) => {
                // Atomic: on the first failure, put the whole tree back as it was.
                let saved = (self.nodes.clone(), self.ephemerals.clone());
                let mut results = Vec::new();
                let mut local = Vec::new();
                for op in ops {
                    match self.apply_op(txn, op, &mut Some(&mut local)) {
                        Ok(r) => results.push(r),
                        Err(e) => {
                            (self.nodes, self.ephemerals) = saved;
                            return Err(e);
                        }
                    }
                }
                if let Some(t) = triggers.as_mut() {
                    t.extend(local);
                }
                Ok(OpResult::Multi(results))
            }
            op => self.apply_op(txn, op, triggers),
        }
    }

    fn apply_op(
        &mut self,
        txn: &Txn,
        op: &Op,
        triggers: &mut Option<&mut Vec<Trigger>>,
    ) -> OpOutcome {
        match op {
            Op::Create {
                path,
                data,
                ephemeral,
                sequential,
            } => {
                let parent_path = parent_of(path).to_string();
                let parent = self
                    .nodes
                    .get(&parent_path)
                    .ok_or_else(|| err(KeeperError::NoNode, path))?;
                if parent.stat.ephemeral_owner != 0 {
                    return Err(err(KeeperError::NoChildrenForEphemerals, path));
                }
                let full = if *sequential {
                    format!("{path}{:010}", parent.stat.cversion)
                } else {
                    path.clone()
                };
                if self.nodes.contains_key(&full) {
                    return Err(err(KeeperError::NodeExists, &full));
                }
                let owner = if *ephemeral { txn.session } else { 0 };
                let name = full[parent_path.len()..]
                    .trim_start_matches('/')
                    .to_string();
                let parent = self.nodes.get_mut(&parent_path).expect("checked");
                parent.children.insert(name);
                parent.stat.cversion += 1;
                parent.stat.pzxid = txn.zxid;
                self.nodes.insert(
                    full.clone(),
                    Znode {
                        data: data.clone(),
                        stat: Stat {
                            czxid: txn.zxid,
                            mzxid: txn.zxid,
                            pzxid: txn.zxid,
                            ctime: txn.time_ms,
                            mtime: txn.time_ms,
                            ephemeral_owner: owner,
                            ..Stat::default()
                        },
                        children: BTreeSet::new(),
                    },
                );
                if owner != 0 {
                    self.ephemerals
                        .entry(owner)
                        .or_default()
                        .insert(full.clone());
                }
                if let Some(t) = triggers.as_mut() {
                    t.push(Trigger {
                        path: full.clone(),
                        kind: WatchType::NodeCreated,
                    });
                }
                if let Some(t) = triggers.as_mut() {
                    t.push(Trigger {
                        path: parent_path,
                        kind: WatchType::NodeChildrenChanged,
                    });
                }
                Ok(OpResult::Created(full))
            }
            Op::Delete { path, version } => {
                let n = self
                    .nodes
                    .get(path)
                    .ok_or_else(|| err(KeeperError::NoNode, path))?;
                if path == "/" {
                    return Err(err(KeeperError::BadArguments, path));
                }
                if *version != -1 && *version != n.stat.version {
                    return Err(err(KeeperError::BadVersion, path));
                }
                if !n.children.is_empty() {
                    return Err(err(KeeperError::NotEmpty, path));
                }
                self.remove_node(path, txn.zxid, triggers);
                Ok(OpResult::Deleted)
            }
            Op::SetData {
                path,
                data,
                version,
            } => {
                let n = self
                    .nodes
                    .get_mut(path)
                    .ok_or_else(|| err(KeeperError::NoNode, path))?;
                if *version != -1 && *version != n.stat.version {
                    return Err(err(KeeperError::BadVersion, path));
                }
                n.data = data.clone();
                n.stat.version += 1;
                n.stat.mzxid = txn.zxid;
                n.stat.mtime = txn.time_ms;
                let s = Self::stat_of_node(n);
                if let Some(t) = triggers.as_mut() {
                    t.push(Trigger {
                        path: path.clone(),
                        kind: WatchType::NodeDataChanged,
                    });
                }
                Ok(OpResult::Stat(s))
            }
            Op::Check { path, version } => {
                let n = self
                    .nodes
                    .get(path)
                    .ok_or_else(|| err(KeeperError::NoNode, path))?;
                if *version != -1 && *version != n.stat.version {
                    return Err(err(KeeperError::BadVersion, path));
                }
                Ok(OpResult::Checked)
            }
            Op::CreateSession { timeout_ms } => {
                self.sessions.insert(txn.session, *timeout_ms);
                Ok(OpResult::SessionCreated)
            }
            Op::CloseSession { .. } => {
                self.sessions.remove(&txn.session);
                if let Some(paths) = self.ephemerals.remove(&txn.session) {
                    for p in paths.iter().rev() {
                        if self.nodes.contains_key(p) {
                            self.remove_node(p, txn.zxid, triggers);
                        }
                    }
                }
                Ok(OpResult::SessionClosed)
            }
            Op::Multi(_) | Op::GetData { .. } | Op::Exists { .. } | Op::GetChildren { .. } => {
                Err(err(KeeperError::BadArguments, ""))
            }
        }
    }

    fn remove_node(&mut self, path: &str, zxid: u64, triggers: &mut Option<&mut Vec<Trigger>>) {
        if let Some(n) = self.nodes.remove(path) {
            if n.stat.ephemeral_owner != 0 {
                if let Some(set) = self.ephemerals.get_mut(&n.stat.ephemeral_owner) {
                    set.remove(path);
                }
            }
        }
        let parent_path = parent_of(path).to_string();
        if let Some(parent) = self.nodes.get_mut(&parent_path) {
            parent
                .children
                .remove(path[parent_path.len()..].trim_start_matches('/'));
            parent.stat.cversion += 1;
            parent.stat.pzxid = zxid;
        }
        if let Some(t) = triggers.as_mut() {
            t.push(Trigger {
                path: path.to_string(),
                kind: WatchType::NodeDeleted,
            });
        }
        if let Some(t) = triggers.as_mut() {
            t.push(Trigger {
                path: parent_path,
                kind: WatchType::NodeChildrenChanged,
            });
        }
    }

    /// A fresh tree with `txns` applied in order (restart, sync).
    pub fn replay<'a>(txns: impl IntoIterator<Item = &'a Txn>) -> Self {
        let mut t = DataTree::new();
        for txn in txns {
            let _ = t.apply_quiet(txn);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txn(zxid: u64, op: Op) -> Txn {
        Txn {
            zxid,
            time_ms: 1000 + zxid,
            session: 7,
            cxid: 0,
            origin: 1,
            op,
        }
    }

    fn create(path: &str, eph: bool, seq: bool) -> Op {
        Op::Create {
            path: path.into(),
            data: Some("d".into()),
            ephemeral: eph,
            sequential: seq,
        }
    }

    #[test]
    fn create_set_delete_and_stat() {
        let mut t = DataTree::new();
        let mut tr = Vec::new();
        assert_eq!(t.stat("/").unwrap().num_children, 1);
        assert_eq!(t.stat("/").unwrap().cversion, 0);
        assert_eq!(
            t.apply(&txn(1, create("/a", false, false)), &mut tr),
            Ok(OpResult::Created("/a".into()))
        );
        assert_eq!(
            t.apply(&txn(2, create("/a", false, false)), &mut tr)
                .unwrap_err()
                .code,
            KeeperError::NodeExists
        );
        assert_eq!(
            t.apply(&txn(3, create("/x/y", false, false)), &mut tr)
                .unwrap_err()
                .code,
            KeeperError::NoNode
        );
        let s = t.stat("/a").unwrap();
        assert_eq!((s.czxid, s.version, s.data_length), (1, 0, 1));
        let set = Op::SetData {
            path: "/a".into(),
            data: Some("hello".into()),
            version: 0,
        };
        t.apply(&txn(4, set.clone()), &mut tr).unwrap();
        assert_eq!(
            t.apply(&txn(5, set), &mut tr).unwrap_err().code,
            KeeperError::BadVersion
        );
        let s = t.stat("/a").unwrap();
        assert_eq!((s.mzxid, s.version, s.data_length), (4, 1, 5));
        t.apply(&txn(6, create("/a/b", false, false)), &mut tr)
            .unwrap();
        let del = Op::Delete {
            path: "/a".into(),
            version: -1,
        };
        assert_eq!(
            t.apply(&txn(7, del), &mut tr).unwrap_err().code,
            KeeperError::NotEmpty
        );
        assert_eq!(t.stat("/a").unwrap().pzxid, 6);
    }

    #[test]
    fn sequential_and_ephemeral_and_session_close() {
        let mut t = DataTree::new();
        let mut tr = Vec::new();
        t.apply(&txn(1, create("/q", false, false)), &mut tr)
            .unwrap();
        let r1 = t
            .apply(&txn(2, create("/q/n-", true, true)), &mut tr)
            .unwrap();
        let r2 = t
            .apply(&txn(3, create("/q/n-", false, true)), &mut tr)
            .unwrap();
        assert_eq!(r1, OpResult::Created("/q/n-0000000000".into()));
        assert_eq!(r2, OpResult::Created("/q/n-0000000001".into()));
        assert_eq!(t.stat("/q/n-0000000000").unwrap().ephemeral_owner, 7);
        assert_eq!(
            t.apply(&txn(4, create("/q/n-0000000000/c", false, false)), &mut tr)
                .unwrap_err()
                .code,
            KeeperError::NoChildrenForEphemerals
        );
        t.apply(&txn(5, Op::CloseSession { expired: true }), &mut tr)
            .unwrap();
        assert!(t.get("/q/n-0000000000").is_none());
        assert!(t.get("/q/n-0000000001").is_some());
    }

    #[test]
    fn multi_is_atomic() {
        let mut t = DataTree::new();
        let mut tr = Vec::new();
        let m = Op::Multi(vec![
            create("/m", false, false),
            create("/nope/x", false, false),
        ]);
        assert!(t.apply(&txn(1, m), &mut tr).is_err());
        assert!(t.get("/m").is_none());
        assert_eq!(t.stat("/").unwrap().cversion, 0);
        let ok = Op::Multi(vec![
            create("/m", false, false),
            Op::Check {
                path: "/m".into(),
                version: 0,
            },
            Op::SetData {
                path: "/m".into(),
                data: None,
                version: 0,
            },
        ]);
        assert!(matches!(t.apply(&txn(2, ok), &mut tr), Ok(OpResult::Multi(v)) if v.len() == 3));
    }

    #[test]
    fn paths_are_validated_like_zookeeper() {
        assert!(validate_path("/a/b", false).is_ok());
        assert_eq!(
            validate_path("a", false).unwrap_err(),
            "Path must start with / character"
        );
        assert!(validate_path("/a/", false).is_err());
        assert!(validate_path("/a//b", false).is_err());
        assert!(validate_path("/a/./b", false).is_err());
        assert!(validate_path("/a/../b", false).is_err());
    }
}
