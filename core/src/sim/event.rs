//! The structured event stream: what happened, with enough data for the UI to animate it and
//! explain it in English or Korean. Events are data; [`Event::text`] renders a sentence.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the log (0-based), stable across identical runs.
    pub seq: u64,
    pub time_ms: u64,
    /// The host the event happened on (for cluster-wide events, the host acted upon).
    pub host: String,
    pub kind: EventKind,
}

/// A ZooKeeper server's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ZkMode {
    Looking,
    Following,
    Leading,
    /// The container runs but the server process is still starting (JVM boot): it answers
    /// nobody yet — only in snapshots.
    Starting,
    /// Not running (stopped, killed) — only in snapshots.
    Down,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    HostStarted,
    HostStopped {
        killed: bool,
    },
    HostPaused,
    HostUnpaused,
    LinkCut {
        to: String,
        oneway: bool,
    },
    LinkHealed {
        to: String,
    },
    LinkChanged {
        to: String,
        latency_ms: u64,
        jitter_ms: u64,
        loss_pct: u8,
    },
    NetworkDisconnected,
    NetworkConnected,
    /// FLE: a new round (logical clock) started with this server's initial vote.
    ElectionRoundStarted {
        round: u64,
        vote_leader: u64,
        vote_zxid: u64,
        vote_epoch: u32,
    },
    /// FLE: this server broadcast its (possibly changed) vote.
    VoteSent {
        round: u64,
        vote_leader: u64,
        vote_zxid: u64,
        vote_epoch: u32,
    },
    /// FLE ended: the server takes this role with this leader.
    ElectionDecided {
        mode: ZkMode,
        leader: u64,
        round: u64,
    },
    /// A follower synchronised its log from the leader (DIFF, TRUNC or SNAP).
    FollowerSynced {
        leader: u64,
        mode: String,
        last_zxid: u64,
    },
    /// The leader got a quorum of NEWLEADER acks: it leads epoch `epoch`.
    LeaderEstablished {
        myid: u64,
        epoch: u32,
        zxid: u64,
    },
    /// A server left its role (lost quorum, lost its leader, protocol error).
    LeftRole {
        mode: ZkMode,
        reason: String,
    },
    /// The leader committed a proposal (a quorum acked it).
    ProposalCommitted {
        zxid: u64,
        op: String,
    },
    SessionCreated {
        session: u64,
        timeout_ms: u32,
    },
    SessionExpired {
        session: u64,
    },
    SessionClosed {
        session: u64,
    },
    WatchFired {
        session: u64,
        path: String,
        event_type: String,
    },
    ClientConnected {
        server: String,
        session: u64,
    },
    ClientDisconnected {
        server: String,
        reason: String,
    },
    /// A broker created its `/brokers/ids/<id>` registration.
    BrokerRegistered {
        id: i32,
    },
    /// A broker could not start (e.g. its id is still registered by an older session).
    BrokerFailed {
        id: i32,
        reason: String,
    },
    /// A broker won the `/controller` election with this controller epoch.
    ControllerElected {
        id: i32,
        epoch: i32,
    },
    /// A controller lost its office (its `/controller` node went away or another took over).
    ControllerResigned {
        id: i32,
        epoch: i32,
    },
    /// The controller saw a new topic and brought its partitions online.
    TopicCreated {
        topic: String,
        partitions: usize,
        replication_factor: usize,
    },
    /// The controller finished deleting a topic (every replica's log is gone).
    TopicDeleted {
        topic: String,
    },
    /// The controller brought partitions added to a topic online.
    PartitionsAdded {
        topic: String,
        added: usize,
        total: usize,
    },
    /// The controller chose a (new) leader for a partition.
    LeaderChanged {
        topic: String,
        partition: i32,
        leader: i32,
        /// -1 when there was none (a new or offline partition).
        old_leader: i32,
        leader_epoch: i32,
    },
    /// A partition's in-sync replica set changed (shrunk or expanded).
    IsrChanged {
        topic: String,
        partition: i32,
        isr: Vec<i32>,
        old_isr: Vec<i32>,
    },
    /// A partition leader appended a producer's records.
    RecordsAppended {
        topic: String,
        partition: i32,
        base_offset: i64,
        count: usize,
        acks: i16,
    },
    /// A leader refused a produce before writing (e.g. NOT_ENOUGH_REPLICAS).
    ProduceRejected {
        topic: String,
        partition: i32,
        error: String,
        isr: usize,
        min_isr: usize,
    },
    /// A follower cut its log back to where it agrees with the new leader.
    LogTruncated {
        id: i32,
        topic: String,
        partition: i32,
        offset: i64,
        removed: usize,
    },
    /// No in-sync replica is alive: the partition has no leader (unclean election off).
    PartitionOffline {
        topic: String,
        partition: i32,
        isr: Vec<i32>,
    },
    /// A broker acted on LeaderAndIsr: it now leads or follows this partition.
    ReplicaRole {
        id: i32,
        topic: String,
        partition: i32,
        leader: i32,
        leader_epoch: i32,
    },
    /// A consumer joined a group on its coordinator (a new member id).
    GroupMemberJoined {
        group: String,
        member: String,
    },
    /// A member left with LeaveGroup, or the coordinator removed it when its session (or the
    /// rebalance it did not rejoin) timed out.
    GroupMemberLeft {
        group: String,
        member: String,
        timed_out: bool,
    },
    /// A group's state on its coordinator (Empty, PreparingRebalance, CompletingRebalance,
    /// Stable, Dead) or its generation changed.
    GroupStateChanged {
        group: String,
        state: String,
        generation: i32,
        members: usize,
    },
}

fn ids(v: &[i32]) -> String {
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn hex(z: u64) -> String {
    format!("0x{z:x}")
}

impl Event {
    /// One sentence about the event; `lang` is `"ko"` for Korean, anything else English.
    pub fn text(&self, lang: &str) -> String {
        let ko = lang == "ko";
        let h = &self.host;
        use EventKind::*;
        match &self.kind {
            HostStarted => {
                if ko {
                    format!("{h} 시작됨")
                } else {
                    format!("{h} started")
                }
            }
            HostStopped { killed: true } => {
                if ko {
                    format!("{h} 강제 종료됨(kill): 작별 인사 없이 사라짐")
                } else {
                    format!("{h} was killed: it vanished without a goodbye")
                }
            }
            HostStopped { killed: false } => {
                if ko {
                    format!("{h} 정상 종료됨")
                } else {
                    format!("{h} stopped cleanly")
                }
            }
            HostPaused => {
                if ko {
                    format!("{h} 일시 정지됨: 타이머가 멈추고 동료는 침묵만 봄")
                } else {
                    format!("{h} paused: its timers stall, peers hear silence")
                }
            }
            HostUnpaused => {
                if ko {
                    format!("{h} 재개됨")
                } else {
                    format!("{h} unpaused")
                }
            }
            LinkCut { to, oneway } => {
                let arrow = if *oneway { "→" } else { "↔" };
                if ko {
                    format!("링크 차단: {h} {arrow} {to}")
                } else {
                    format!("link cut: {h} {arrow} {to}")
                }
            }
            LinkHealed { to } => {
                if ko {
                    format!("링크 복구: {h} ↔ {to}")
                } else {
                    format!("link healed: {h} ↔ {to}")
                }
            }
            LinkChanged {
                to,
                latency_ms,
                jitter_ms,
                loss_pct,
            } => {
                if ko {
                    format!("링크 {h} ↔ {to}: 지연 {latency_ms}ms ±{jitter_ms}ms, 손실 {loss_pct}%")
                } else {
                    format!(
                        "link {h} ↔ {to}: delay {latency_ms}ms ±{jitter_ms}ms, loss {loss_pct}%"
                    )
                }
            }
            NetworkDisconnected => {
                if ko {
                    format!("{h} 네트워크에서 분리됨")
                } else {
                    format!("{h} disconnected from the network")
                }
            }
            NetworkConnected => {
                if ko {
                    format!("{h} 네트워크에 다시 연결됨")
                } else {
                    format!("{h} reconnected to the network")
                }
            }
            ElectionRoundStarted {
                round,
                vote_leader,
                vote_zxid,
                ..
            } => {
                if ko {
                    format!("{h}: 리더 선출 라운드 {round} 시작, 자기 자신(myid {vote_leader}, zxid {})에게 투표", hex(*vote_zxid))
                } else {
                    format!("{h}: election round {round} starts, votes for itself (myid {vote_leader}, zxid {})", hex(*vote_zxid))
                }
            }
            VoteSent {
                round,
                vote_leader,
                vote_zxid,
                vote_epoch,
            } => {
                if ko {
                    format!("{h}: 라운드 {round}에서 myid {vote_leader}에게 투표 (epoch {vote_epoch}, zxid {})", hex(*vote_zxid))
                } else {
                    format!("{h}: votes for myid {vote_leader} in round {round} (epoch {vote_epoch}, zxid {})", hex(*vote_zxid))
                }
            }
            ElectionDecided { mode, leader, .. } => match mode {
                ZkMode::Leading => {
                    if ko {
                        format!("{h}: 과반의 표를 얻어 리더가 되기로 함")
                    } else {
                        format!("{h}: a majority voted for it, it will lead")
                    }
                }
                _ => {
                    if ko {
                        format!("{h}: myid {leader}를 따르기로 함(FOLLOWING)")
                    } else {
                        format!("{h}: will follow myid {leader}")
                    }
                }
            },
            FollowerSynced {
                leader,
                mode,
                last_zxid,
            } => {
                if ko {
                    format!(
                        "{h}: 리더 myid {leader}로부터 {mode} 동기화 완료 (마지막 zxid {})",
                        hex(*last_zxid)
                    )
                } else {
                    format!(
                        "{h}: synced from leader myid {leader} by {mode} (last zxid {})",
                        hex(*last_zxid)
                    )
                }
            }
            LeaderEstablished { myid, epoch, .. } => {
                if ko {
                    format!(
                        "{h}(myid {myid})가 epoch {epoch}의 리더로 확정됨: 과반이 NEWLEADER를 확인"
                    )
                } else {
                    format!("{h} (myid {myid}) is leader of epoch {epoch}: a majority acknowledged NEWLEADER")
                }
            }
            LeftRole { mode, reason } => {
                if ko {
                    format!("{h}: {mode:?} 상태를 떠나 LOOKING으로 ({reason})")
                } else {
                    format!("{h}: leaves {mode:?} and goes LOOKING ({reason})")
                }
            }
            ProposalCommitted { zxid, op } => {
                if ko {
                    format!("{h}: 과반이 ACK하여 zxid {} 커밋: {op}", hex(*zxid))
                } else {
                    format!(
                        "{h}: zxid {} committed after a majority acked: {op}",
                        hex(*zxid)
                    )
                }
            }
            SessionCreated {
                session,
                timeout_ms,
            } => {
                if ko {
                    format!("세션 {} 생성됨 (타임아웃 {timeout_ms}ms)", hex(*session))
                } else {
                    format!("session {} created (timeout {timeout_ms}ms)", hex(*session))
                }
            }
            SessionExpired { session } => {
                if ko {
                    format!(
                        "리더가 세션 {}을 만료시킴: 임시(ephemeral) 노드 삭제",
                        hex(*session)
                    )
                } else {
                    format!(
                        "the leader expired session {}: its ephemeral nodes are removed",
                        hex(*session)
                    )
                }
            }
            SessionClosed { session } => {
                if ko {
                    format!("세션 {} 종료됨", hex(*session))
                } else {
                    format!("session {} closed", hex(*session))
                }
            }
            WatchFired {
                path, event_type, ..
            } => {
                if ko {
                    format!("{h}: {path}의 watch 발동 ({event_type})")
                } else {
                    format!("{h}: watch fired on {path} ({event_type})")
                }
            }
            ClientConnected { server, session } => {
                if ko {
                    format!("{h}: {server}에 연결됨 (세션 {})", hex(*session))
                } else {
                    format!("{h}: connected to {server} (session {})", hex(*session))
                }
            }
            ClientDisconnected { server, reason } => {
                if ko {
                    format!("{h}: {server}와의 연결 끊김 ({reason})")
                } else {
                    format!("{h}: disconnected from {server} ({reason})")
                }
            }
            BrokerRegistered { id } => {
                if ko {
                    format!("{h}: 브로커 {id}가 /brokers/ids/{id}에 등록됨 (임시 노드)")
                } else {
                    format!("{h}: broker {id} registered at /brokers/ids/{id} (ephemeral)")
                }
            }
            BrokerFailed { id, reason } => {
                if ko {
                    format!("{h}: 브로커 {id} 시작 실패: {reason}")
                } else {
                    format!("{h}: broker {id} failed to start: {reason}")
                }
            }
            ControllerElected { id, epoch } => {
                if ko {
                    format!("{h}: 브로커 {id}가 컨트롤러로 선출됨 (컨트롤러 epoch {epoch})")
                } else {
                    format!("{h}: broker {id} became the controller (controller epoch {epoch})")
                }
            }
            ControllerResigned { id, epoch } => {
                if ko {
                    format!("{h}: 브로커 {id}가 컨트롤러 자리에서 물러남 (epoch {epoch})")
                } else {
                    format!("{h}: broker {id} is no longer the controller (epoch {epoch})")
                }
            }
            TopicCreated {
                topic,
                partitions,
                replication_factor,
            } => {
                if ko {
                    format!("{h}: 컨트롤러가 새 토픽 {topic}을 발견 (파티션 {partitions}개, 복제 계수 {replication_factor})")
                } else {
                    format!("{h}: the controller saw new topic {topic} ({partitions} partitions, replication factor {replication_factor})")
                }
            }
            TopicDeleted { topic } => {
                if ko {
                    format!("{h}: 컨트롤러가 토픽 {topic} 삭제를 마침 (모든 레플리카의 로그 삭제)")
                } else {
                    format!("{h}: the controller finished deleting topic {topic} (every replica's log is gone)")
                }
            }
            PartitionsAdded {
                topic,
                added,
                total,
            } => {
                if ko {
                    format!("{h}: 토픽 {topic}에 파티션 {added}개 추가됨 (모두 {total}개)")
                } else {
                    format!("{h}: topic {topic} got {added} new partitions ({total} in all)")
                }
            }
            LeaderChanged {
                topic,
                partition,
                leader,
                old_leader,
                leader_epoch,
            } => {
                if *old_leader < 0 {
                    if ko {
                        format!("{h}: {topic}-{partition}의 리더는 브로커 {leader} (leader epoch {leader_epoch})")
                    } else {
                        format!("{h}: {topic}-{partition} is led by broker {leader} (leader epoch {leader_epoch})")
                    }
                } else if ko {
                    format!("{h}: {topic}-{partition}의 리더가 브로커 {old_leader}에서 {leader}로 바뀜 (leader epoch {leader_epoch})")
                } else {
                    format!("{h}: {topic}-{partition} leadership moves from broker {old_leader} to {leader} (leader epoch {leader_epoch})")
                }
            }
            IsrChanged {
                topic,
                partition,
                isr,
                old_isr,
            } => {
                let (new, old) = (ids(isr), ids(old_isr));
                let shrunk = isr.len() < old_isr.len();
                match (ko, shrunk) {
                    (true, true) => {
                        format!("{h}: {topic}-{partition}의 ISR 축소: [{old}] → [{new}]")
                    }
                    (true, false) => {
                        format!("{h}: {topic}-{partition}의 ISR 확장: [{old}] → [{new}]")
                    }
                    (false, true) => {
                        format!("{h}: {topic}-{partition} ISR shrinks: [{old}] → [{new}]")
                    }
                    (false, false) => {
                        format!("{h}: {topic}-{partition} ISR expands: [{old}] → [{new}]")
                    }
                }
            }
            RecordsAppended {
                topic,
                partition,
                base_offset,
                count,
                acks,
            } => {
                let last = base_offset + *count as i64 - 1;
                let range = if *count == 1 {
                    format!("{base_offset}")
                } else {
                    format!("{base_offset}–{last}")
                };
                if ko {
                    format!("{h}: {topic}-{partition}에 레코드 {count}개 기록 (오프셋 {range}, acks={acks})")
                } else {
                    format!("{h}: {topic}-{partition} appended {count} record(s) at offset {range} (acks={acks})")
                }
            }
            ProduceRejected {
                topic,
                partition,
                error,
                isr,
                min_isr,
            } => {
                if ko {
                    format!("{h}: {topic}-{partition} 쓰기 거절 {error}: ISR {isr}개 < min.insync.replicas {min_isr}")
                } else {
                    format!("{h}: {topic}-{partition} refused a write with {error}: ISR has {isr} < min.insync.replicas {min_isr}")
                }
            }
            LogTruncated {
                id,
                topic,
                partition,
                offset,
                removed,
            } => {
                if ko {
                    format!("{h}: 브로커 {id}가 {topic}-{partition} 로그를 오프셋 {offset}까지 잘라냄 (새 리더에 없는 레코드 {removed}개 삭제)")
                } else {
                    format!("{h}: broker {id} truncated {topic}-{partition} to offset {offset} ({removed} record(s) the new leader never had are gone)")
                }
            }
            PartitionOffline {
                topic,
                partition,
                isr,
            } => {
                if ko {
                    format!("{h}: {topic}-{partition} 오프라인: 살아 있는 ISR 복제본이 없음 (마지막 ISR [{}])", ids(isr))
                } else {
                    format!("{h}: {topic}-{partition} is offline: no in-sync replica is alive (last ISR [{}])", ids(isr))
                }
            }
            GroupMemberJoined { group, member } => {
                if ko {
                    format!("{h}: 컨슈머 그룹 {group}에 멤버 {member} 참여")
                } else {
                    format!("{h}: member {member} joins consumer group {group}")
                }
            }
            GroupMemberLeft {
                group,
                member,
                timed_out: true,
            } => {
                if ko {
                    format!("{h}: 컨슈머 그룹 {group}에서 멤버 {member} 제거 (제한 시간 안에 하트비트나 재참여가 없음)")
                } else {
                    format!("{h}: member {member} removed from consumer group {group} (no heartbeat or rejoin in time)")
                }
            }
            GroupMemberLeft { group, member, .. } => {
                if ko {
                    format!("{h}: 멤버 {member}가 컨슈머 그룹 {group}을 떠남")
                } else {
                    format!("{h}: member {member} leaves consumer group {group}")
                }
            }
            GroupStateChanged {
                group,
                state,
                generation,
                members,
            } => match (state.as_str(), ko) {
                ("PreparingRebalance", true) => format!("{h}: 컨슈머 그룹 {group} 리밸런스 시작: 멤버들의 재참여(JoinGroup)를 기다림"),
                ("PreparingRebalance", false) => format!("{h}: consumer group {group} starts a rebalance: waiting for its members to (re)join"),
                ("CompletingRebalance", true) => format!("{h}: 컨슈머 그룹 {group}의 세대 {generation}에 멤버 {members}명이 모임: 리더의 파티션 할당(SyncGroup)을 기다림"),
                ("CompletingRebalance", false) => format!("{h}: consumer group {group} generation {generation} has {members} member(s): waiting for the leader's assignment (SyncGroup)"),
                ("Stable", true) => format!("{h}: 컨슈머 그룹 {group} 안정(Stable): 세대 {generation}, 멤버 {members}명이 할당받은 파티션을 읽음"),
                ("Stable", false) => format!("{h}: consumer group {group} is Stable: generation {generation}, {members} member(s) read their assigned partitions"),
                ("Empty", true) => format!("{h}: 컨슈머 그룹 {group}에 멤버가 없음(Empty): 커밋된 오프셋은 남음"),
                ("Empty", false) => format!("{h}: consumer group {group} is Empty: no members, its committed offsets stay"),
                (_, true) => format!("{h}: 컨슈머 그룹 {group} 상태 {state} (세대 {generation})"),
                (_, false) => format!("{h}: consumer group {group} is {state} (generation {generation})"),
            },
            ReplicaRole {
                id,
                topic,
                partition,
                leader,
                leader_epoch,
            } => {
                if id == leader {
                    if ko {
                        format!("{h}: 브로커 {id}가 {topic}-{partition}의 리더가 됨 (epoch {leader_epoch})")
                    } else {
                        format!(
                            "{h}: broker {id} now leads {topic}-{partition} (epoch {leader_epoch})"
                        )
                    }
                } else if ko {
                    format!("{h}: 브로커 {id}가 {topic}-{partition}의 팔로워가 되어 브로커 {leader}에서 복제")
                } else {
                    format!("{h}: broker {id} follows {topic}-{partition}, fetching from broker {leader}")
                }
            }
        }
    }
}
