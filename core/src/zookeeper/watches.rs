//! Server-local one-shot watches: registered by reads, fired (and forgotten) after a commit.

use crate::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};
use crate::sim::node::HostId;
use crate::zookeeper::messages::WatchType;
use crate::zookeeper::tree::Trigger;

#[derive(Clone, Debug, Default)]
pub struct Watches {
    data: BTreeMap<String, BTreeSet<HostId>>,
    child: BTreeMap<String, BTreeSet<HostId>>,
}

impl Watches {
    pub fn add_data(&mut self, path: &str, client: HostId) {
        self.data
            .entry(path.to_string())
            .or_default()
            .insert(client);
    }

    pub fn add_child(&mut self, path: &str, client: HostId) {
        self.child
            .entry(path.to_string())
            .or_default()
            .insert(client);
    }

    /// Clients whose watch this change fires; their watches are consumed.
    pub fn fire(&mut self, t: &Trigger) -> BTreeSet<HostId> {
        let mut out = BTreeSet::new();
        let take_data = matches!(
            t.kind,
            WatchType::NodeCreated | WatchType::NodeDataChanged | WatchType::NodeDeleted
        );
        let take_child = matches!(
            t.kind,
            WatchType::NodeChildrenChanged | WatchType::NodeDeleted
        );
        if take_data {
            if let Some(s) = self.data.remove(&t.path) {
                out.extend(s);
            }
        }
        if take_child {
            if let Some(s) = self.child.remove(&t.path) {
                out.extend(s);
            }
        }
        out
    }

    pub fn remove_client(&mut self, client: HostId) {
        for set in self.data.values_mut().chain(self.child.values_mut()) {
            set.remove(&client);
        }
        self.data.retain(|_, s| !s.is_empty());
        self.child.retain(|_, s| !s.is_empty());
    }

    pub fn clear(&mut self) {
        self.data.clear();
        self.child.clear();
    }

    pub fn count(&self) -> usize {
        self.data
            .values()
            .chain(self.child.values())
            .map(|s| s.len())
            .sum()
    }
}
