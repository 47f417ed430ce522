//! `kafka-consumer-groups --reset-offsets` (3.0, `ConsumerGroupService.resetOffsets`): for each
//! group, DescribeGroups; only an Empty (or unknown, Dead) group is reset. The scope
//! (`--topic T[:p,…]`, repeatable, or `--all-topics` = every committed partition) and the
//! specification (`--to-earliest`, `--to-latest`, `--to-current`, `--to-offset N`,
//! `--shift-by N`, `--to-datetime`, `--by-duration`) give the plan; `--to-offset` and
//! `--shift-by` are clamped into [log start, log end] with a log4j WARN. `--dry-run` (the
//! default) prints the plan; `--execute` commits it as the admin client does (OffsetCommit
//! with generation -1 and no member id, to the coordinator). Times are the virtual wall clock.
//!
//! The plan's row order is that of the Scala map the tool builds: insertion order up to four
//! partitions, the immutable HashMap's (CHAMP trie) order beyond.

use super::consumer_groups::{
    call_failed, exception, group_ids, print_error, CallError, Opts, Session, TopicPartition,
};
use crate::broker::messages::{GroupRequest, GroupResponse, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP};
use crate::cli::kafka_topics::log_time;
use crate::cli::CommandOutput;
use crate::cluster::Cluster;
use crate::kafka::assignor::{java_hash_order, topic_partition_hash};
use crate::kafka::describe::GroupState;
use crate::kafka::partitioner::java_string_hash;
use crate::ordered::OrdMap as BTreeMap;
use crate::zookeeper::wall_clock_ms;

/// The reset specifications (`allResetOffsetScenarioOpts`).
pub const SCENARIOS: [&str; 8] = [
    "to-offset",
    "shift-by",
    "to-datetime",
    "by-duration",
    "to-earliest",
    "to-latest",
    "to-current",
    "from-file",
];

/// The scenario an option flag names.
pub fn scenario_name(flag: &str) -> Option<&'static str> {
    let name = flag.strip_prefix("--")?;
    SCENARIOS.iter().copied().find(|s| *s == name)
}

/// `Hashing.improve` of Scala 2.13, which its immutable HashMap/HashSet apply to `hashCode`.
fn scala_improve(hcode: i32) -> u32 {
    let mut h = hcode.wrapping_add(!(hcode.wrapping_shl(9)));
    h ^= ((h as u32) >> 14) as i32;
    h = h.wrapping_add(h.wrapping_shl(4));
    (h ^ ((h as u32) >> 10) as i32) as u32
}

/// Iteration order of a Scala 2.13 immutable `HashMap`/`HashSet` (a CHAMP trie, five hash
/// bits a level): a node's own entries by their bits, then its sub-nodes by theirs.
pub fn champ_order<T>(items: Vec<T>, hash: impl Fn(&T) -> i32) -> Vec<T> {
    let keyed = items
        .into_iter()
        .map(|t| (scala_improve(hash(&t)), t))
        .collect();
    champ_level(keyed, 0)
}

fn champ_level<T>(items: Vec<(u32, T)>, shift: u32) -> Vec<T> {
    if shift >= 32 || items.len() <= 1 {
        return items.into_iter().map(|(_, t)| t).collect();
    }
    let mut buckets: BTreeMap<u32, Vec<(u32, T)>> = BTreeMap::new();
    for (h, t) in items {
        buckets.entry((h >> shift) & 31).or_default().push((h, t));
    }
    let mut out = Vec::new();
    let mut nodes = Vec::new();
    for (_, mut b) in buckets {
        if b.len() == 1 {
            out.push(b.pop().expect("one").1);
        } else {
            nodes.push(b);
        }
    }
    for b in nodes {
        out.extend(champ_level(b, shift + 5));
    }
    out
}

/// Iteration order of a Scala immutable `Map` built from these keys in this order (a repeated
/// key keeps its first place): `Map1`…`Map4` keep insertion order, larger maps are HashMaps.
pub fn scala_map_order(keys: Vec<TopicPartition>) -> Vec<TopicPartition> {
    let mut unique: Vec<TopicPartition> = Vec::new();
    for k in keys {
        if !unique.contains(&k) {
            unique.push(k);
        }
    }
    if unique.len() <= 4 {
        unique
    } else {
        champ_order(unique, topic_partition_hash)
    }
}

/// joptsimple's `OptionSpec.hashCode`: that of its one-name list.
fn option_hash(name: &&str) -> i32 {
    31i32.wrapping_add(java_string_hash(name))
}

/// `checkInvalidArgs` over the scenarios: two specifications together are a usage error
/// naming the first given and the other found first in the HashSet's order.
pub fn scenario_conflict(given: &[(&'static str, Option<String>)]) -> Option<String> {
    // `checkArgs` checks the scenarios in this order.
    const CHECKED: [&str; 8] = [
        "to-offset",
        "to-datetime",
        "by-duration",
        "to-earliest",
        "to-latest",
        "to-current",
        "shift-by",
        "from-file",
    ];
    let used = CHECKED
        .iter()
        .find(|s| given.iter().any(|(g, _)| g == *s))?;
    let others: Vec<&str> = SCENARIOS.iter().copied().filter(|s| s != used).collect();
    champ_order(others, option_hash)
        .into_iter()
        .find(|o| given.iter().any(|(g, _)| g == o))
        .map(|o| format!("Option \"[{used}]\" can't be used with option \"[{o}]\""))
}

/// The scenario set as the "requires one of the following scenarios" message prints it.
fn scenarios_set() -> String {
    let names: Vec<String> = champ_order(SCENARIOS.to_vec(), option_hash)
        .into_iter()
        .map(|s| format!("[{s}]"))
        .collect();
    format!("HashSet({})", names.join(", "))
}

/// `parseTopicsWithPartitions`: `topic:0,1,2`.
pub fn parse_topic_partitions(arg: &str) -> Result<Vec<TopicPartition>, String> {
    let parts: Vec<&str> = arg.split(':').collect();
    let [topic, partitions] = parts.as_slice() else {
        return Err(format!(
            "Invalid topic arg '{arg}', expected topic name and partitions"
        ));
    };
    partitions
        .split(',')
        .map(|p| {
            p.trim()
                .parse::<i32>()
                .map(|n| (topic.to_string(), n))
                .map_err(|_| format!("Invalid partition '{p}' specified in topic arg '{arg}''"))
        })
        .collect()
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// `Utils.getDateTime`: `yyyy-MM-dd'T'HH:mm:ss.SSS` with an optional zone (`Z`, `±hh:mm`,
/// `±hh`, `±hhmm`; none means UTC), strictly; epoch milliseconds or the ParseException text.
pub fn parse_datetime(input: &str) -> Result<i64, String> {
    let Some((_, after_t)) = input.split_once('T') else {
        return Err(format!("Error parsing timestamp. It does not contain a 'T' according to ISO8601 format ({input})."));
    };
    let text = if after_t.contains(['+', '-', 'Z']) {
        input.to_string()
    } else {
        format!("{input}Z")
    };
    let fail = || format!("Unparseable date: \"{text}\"");
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (date, rest) = text.split_once('T').ok_or_else(fail)?;
    let d: Vec<&str> = date.split('-').collect();
    let [y, mo, da] = d.as_slice() else {
        return Err(fail());
    };
    // The time, up to the zone.
    let zone_at = rest.find(['+', '-', 'Z']).ok_or_else(fail)?;
    let (time, zone) = rest.split_at(zone_at);
    let (hms, ms) = time.split_once('.').ok_or_else(fail)?;
    let t: Vec<&str> = hms.split(':').collect();
    let [h, mi, se] = t.as_slice() else {
        return Err(fail());
    };
    for f in [*y, *mo, *da, *h, *mi, *se, ms] {
        if !digits(f) {
            return Err(fail());
        }
    }
    let num = |s: &str| s.parse::<i64>().map_err(|_| fail());
    let (y, mo, da, h, mi, se, ms) = (
        num(y)?,
        num(mo)?,
        num(da)?,
        num(h)?,
        num(mi)?,
        num(se)?,
        num(ms)?,
    );
    if !(1..=12).contains(&mo)
        || !(1..=days_in_month(y, mo)).contains(&da)
        || h > 23
        || mi > 59
        || se > 59
        || ms > 999
    {
        return Err(fail());
    }
    let offset_min = match zone {
        "Z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let body = &z[1..];
            let (zh, zm) = match body.len() {
                2 => (body, "00"),
                4 => body.split_at(2),
                5 if body.as_bytes()[2] == b':' => (&body[..2], &body[3..]),
                _ => return Err(fail()),
            };
            if !digits(zh) || !digits(zm) {
                return Err(fail());
            }
            let (zh, zm) = (num(zh)?, num(zm)?);
            if zh > 23 || zm > 59 {
                return Err(fail());
            }
            sign * (zh * 60 + zm)
        }
    };
    let days = days_from_civil(y, mo, da);
    let local = ((days * 24 + h) * 60 + mi) * 60 + se;
    Ok((local - offset_min * 60) * 1000 + ms)
}

/// `java.time.Duration.parse` (`PnDTnHnMn.nS`, case-insensitive, signs allowed): the
/// duration in milliseconds (nanoseconds truncated), or the exception's message.
pub fn parse_duration(input: &str) -> Result<i64, String> {
    let fail = || "Text cannot be parsed to a Duration".to_string();
    let s = input.to_ascii_uppercase();
    let (negate, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s.as_str()),
    };
    let s = s.strip_prefix('P').ok_or_else(fail)?;
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    // A signed integer then the unit letter.
    fn take(s: &str, unit: char) -> (Option<&str>, &str) {
        match s.find(unit) {
            Some(i) => (Some(&s[..i]), &s[i + 1..]),
            None => (None, s),
        }
    }
    let int = |v: &str| -> Result<i64, String> {
        let body = v.strip_prefix(['+', '-']).unwrap_or(v);
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return Err(fail());
        }
        v.parse::<i64>().map_err(|_| fail())
    };
    let mut total_ms: i64 = 0;
    let mut any = false;
    let (days, rest) = take(date, 'D');
    if !rest.is_empty() {
        return Err(fail());
    }
    if let Some(d) = days {
        total_ms = total_ms.saturating_add(int(d)?.saturating_mul(86_400_000));
        any = true;
    }
    if let Some(t) = time {
        let mut time_any = false;
        let (hours, t) = take(t, 'H');
        let (minutes, t) = take(t, 'M');
        let (seconds, t) = take(t, 'S');
        if !t.is_empty() {
            return Err(fail());
        }
        if let Some(h) = hours {
            total_ms = total_ms.saturating_add(int(h)?.saturating_mul(3_600_000));
            time_any = true;
        }
        if let Some(m) = minutes {
            total_ms = total_ms.saturating_add(int(m)?.saturating_mul(60_000));
            time_any = true;
        }
        if let Some(sec) = seconds {
            let (whole, frac) = match sec.split_once(['.', ',']) {
                Some((w, f)) => (w, Some(f)),
                None => (sec, None),
            };
            let w = int(whole)?;
            let mut ms = w.saturating_mul(1000);
            if let Some(f) = frac {
                if f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(fail());
                }
                let padded = format!("{f:0<3}");
                let frac_ms = padded[..3].parse::<i64>().map_err(|_| fail())?;
                ms += if whole.starts_with('-') {
                    -frac_ms
                } else {
                    frac_ms
                };
            }
            total_ms = total_ms.saturating_add(ms);
            time_any = true;
        }
        if !time_any {
            return Err(fail());
        }
        any = true;
    }
    if !any {
        return Err(fail());
    }
    Ok(if negate { -total_ms } else { total_ms })
}

/// `printOffsetsToReset`: the header once (when any group was looked at), then a row per
/// partition; `%-30s %-30s %-10s %-15s`.
pub fn reset_table(plans: &[(String, Vec<(TopicPartition, i64)>)]) -> String {
    if plans.is_empty() {
        return String::new();
    }
    let pad = |s: &str, w: usize| {
        let n = s.encode_utf16().count();
        format!("{s}{}", " ".repeat(w.saturating_sub(n)))
    };
    let line = |a: &str, b: &str, c: &str, d: &str| {
        format!(
            "{} {} {} {}\n",
            pad(a, 30),
            pad(b, 30),
            pad(c, 10),
            pad(d, 15)
        )
    };
    let mut out = format!("\n{}", line("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"));
    for (group, rows) in plans {
        for ((t, p), o) in rows {
            out.push_str(&line(group, t, &p.to_string(), &o.to_string()));
        }
    }
    out
}

/// `--export`: the plan as CSV (`topic,partition,offset`, with the group first when several
/// groups were asked), then the blank line `println` adds.
pub fn export_csv(plans: &[(String, Vec<(TopicPartition, i64)>)], single_group: bool) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    for (group, rows) in plans {
        for ((t, p), o) in rows {
            if single_group {
                out.push_str(&format!("{},{p},{o}\n", field(t)));
            } else {
                out.push_str(&format!("{},{},{p},{o}\n", field(group), field(t)));
            }
        }
    }
    out.push('\n');
    out
}

/// `--delete-offsets`' result table: `%-30s %-15s %-15s`, sorted by topic + partition as text.
pub fn delete_offsets_table(rows: &[(TopicPartition, Option<String>)]) -> String {
    let pad = |s: &str, w: usize| {
        let n = s.encode_utf16().count();
        format!("{s}{}", " ".repeat(w.saturating_sub(n)))
    };
    let line =
        |a: &str, b: &str, c: &str| format!("{} {} {}\n", pad(a, 30), pad(b, 15), pad(c, 15));
    let mut sorted: Vec<&(TopicPartition, Option<String>)> = rows.iter().collect();
    crate::sort::sort_by_key(&mut sorted, |((t, p), _)| {
        format!("{t}{p}").encode_utf16().collect::<Vec<u16>>()
    });
    let mut out = format!("\n{}", line("TOPIC", "PARTITION", "STATUS"));
    for ((t, p), e) in sorted {
        let partition = if *p >= 0 {
            p.to_string()
        } else {
            "Not Provided".to_string()
        };
        let status = match e {
            Some(e) => format!("Error: {e}"),
            None => "Successful".to_string(),
        };
        out.push_str(&line(t, &partition, &status));
    }
    out
}

/// `checkOffsetsRange`: each requested offset clamped into [log start, log end], with the
/// WARN lines the tool logs (log4j to standard error).
pub fn clamp_offsets(
    requested: &[(TopicPartition, i64)],
    starts: &BTreeMap<TopicPartition, i64>,
    ends: &BTreeMap<TopicPartition, i64>,
    now_ms: u64,
) -> (Vec<(TopicPartition, i64)>, String) {
    let mut warnings = String::new();
    let out = requested
        .iter()
        .map(|(tp, offset)| {
            let (t, p) = tp;
            let end = ends.get(tp).copied().unwrap_or(0);
            let start = starts.get(tp).copied().unwrap_or(0);
            let o = if *offset > end {
                warnings.push_str(&format!("[{}] WARN New offset ({offset}) is higher than latest offset for topic partition {t}-{p}. Value will be set to {end} (kafka.admin.ConsumerGroupCommand$)\n", log_time(now_ms)));
                end
            } else if *offset < start {
                warnings.push_str(&format!("[{}] WARN New offset ({offset}) is lower than earliest offset for topic partition {t}-{p}. Value will be set to {start} (kafka.admin.ConsumerGroupCommand$)\n", log_time(now_ms)));
                start
            } else {
                *offset
            };
            (tp.clone(), o)
        })
        .collect();
    (out, warnings)
}

/// What stops the command midway: a usage error (exit 2) or what `run`'s catch-all prints.
enum Stop {
    Usage(String),
    Call(CallError),
}

impl From<CallError> for Stop {
    fn from(e: CallError) -> Self {
        Stop::Call(e)
    }
}

/// Where the command is: what it printed so far.
struct Printed {
    stdout: String,
    stderr: String,
}

/// `--reset-offsets`.
pub(crate) fn run(c: &mut Cluster, s: &mut Session, o: &Opts) -> CommandOutput {
    let mut p = Printed {
        stdout: String::new(),
        stderr: String::new(),
    };
    match reset_groups(c, s, o, &mut p) {
        Ok(plans) => {
            if o.export {
                p.stdout
                    .push_str(&export_csv(&plans, o.groups.len() == 1 && !o.all_groups));
            } else {
                p.stdout.push_str(&reset_table(&plans));
            }
            CommandOutput {
                stdout: p.stdout,
                stderr: p.stderr,
                exit_code: 0,
            }
        }
        Err(Stop::Usage(e)) => CommandOutput {
            stdout: p.stdout,
            stderr: format!("{}{e}\n", p.stderr),
            exit_code: 2,
        },
        Err(Stop::Call(e)) => {
            let mut out = call_failed(e, &p.stdout);
            out.stderr.insert_str(0, &p.stderr);
            out
        }
    }
}

type Plan = Vec<(TopicPartition, i64)>;

fn reset_groups(
    c: &mut Cluster,
    s: &mut Session,
    o: &Opts,
    p: &mut Printed,
) -> Result<Vec<(String, Plan)>, Stop> {
    let ids = group_ids(c, s, o);
    let deadline = c.now_ms() + o.timeout();
    // describeConsumerGroups answers in a HashMap keyed by group id.
    let mut described = Vec::new();
    for g in &ids {
        described.push((g.clone(), s.describe_group(c, g, deadline)?));
    }
    let described = java_hash_order(described, |(g, _)| java_string_hash(g));
    let mut plans = Vec::new();
    for (group, d) in described {
        match d.state {
            GroupState::Empty | GroupState::Dead => {
                let partitions = partitions_to_reset(c, s, o, &group)?;
                let plan = prepare(c, s, o, &group, &partitions, p)?;
                if o.execute {
                    commit(c, s, o, &group, &plan)?;
                }
                plans.push((group, plan));
            }
            state => {
                p.stdout.push_str(&print_error(&format!(
                    "Assignments can only be reset if the group '{group}' is inactive, but the current state is {}.",
                    state.as_str()
                )));
                plans.push((group, Vec::new()));
            }
        }
    }
    Ok(plans)
}

/// `getPartitionsToReset`: the committed partitions for `--all-topics`, else the `--topic`
/// arguments (explicit partitions first, then every partition of the plain topics).
fn partitions_to_reset(
    c: &mut Cluster,
    s: &mut Session,
    o: &Opts,
    group: &str,
) -> Result<Vec<TopicPartition>, Stop> {
    if o.all_topics {
        let deadline = c.now_ms() + o.timeout();
        let committed = s.committed_offsets(c, group, deadline)?;
        // The admin client's HashMap of partitions.
        return Ok(java_hash_order(
            committed.keys().cloned().collect(),
            topic_partition_hash,
        ));
    }
    if o.topics.is_empty() {
        return Err(Stop::Usage(
            "One of the reset scopes should be defined: --all-topics, --topic.".into(),
        ));
    }
    let mut specified = Vec::new();
    let mut whole: Vec<String> = Vec::new();
    for t in &o.topics {
        if t.contains(':') {
            specified.extend(parse_topic_partitions(t).map_err(Stop::Usage)?);
        } else if !whole.contains(t) {
            whole.push(t.clone());
        }
    }
    if !whole.is_empty() {
        s.refresh(c, "describeTopics")?;
        for t in java_hash_order(whole, |t| java_string_hash(t)) {
            specified.extend(s.partitions_of(&t).map_err(CallError::Failed)?);
        }
    }
    Ok(specified)
}

fn offsets_at(
    c: &mut Cluster,
    s: &mut Session,
    partitions: &[TopicPartition],
    timestamp: i64,
) -> Result<BTreeMap<TopicPartition, i64>, Stop> {
    s.refresh(c, "listOffsets")?;
    Ok(s.list_offsets(c, partitions, timestamp)?)
}

/// `prepareOffsetsToReset`: the new offset of each partition, in the tool's map order.
fn prepare(
    c: &mut Cluster,
    s: &mut Session,
    o: &Opts,
    group: &str,
    partitions: &[TopicPartition],
    p: &mut Printed,
) -> Result<Plan, Stop> {
    let keys = scala_map_order(partitions.to_vec());
    let value = |name: &str| o.scenario(name).cloned().flatten().unwrap_or_default();
    let number = |name: &str| value(name).parse::<i64>().unwrap_or(0);
    let plan: Plan = if o.scenario("to-offset").is_some() {
        let n = number("to-offset");
        let requested: Plan = keys.iter().map(|tp| (tp.clone(), n)).collect();
        clamp(c, s, &requested, p)?
    } else if o.scenario("to-earliest").is_some() {
        let starts = offsets_at(c, s, &keys, EARLIEST_TIMESTAMP)?;
        keys.iter().map(|tp| (tp.clone(), starts[tp])).collect()
    } else if o.scenario("to-latest").is_some() {
        let ends = offsets_at(c, s, &keys, LATEST_TIMESTAMP)?;
        keys.iter().map(|tp| (tp.clone(), ends[tp])).collect()
    } else if o.scenario("shift-by").is_some() {
        let by = number("shift-by");
        let committed = s.committed_offsets(c, group, c.now_ms() + o.timeout())?;
        if let Some(tp) = partitions.iter().find(|tp| !committed.contains_key(*tp)) {
            return Err(Stop::Usage(format!(
                "Cannot shift offset for partition {}-{} since there is no current committed offset",
                tp.0, tp.1
            )));
        }
        let requested: Plan = keys
            .iter()
            .map(|tp| (tp.clone(), committed[tp].saturating_add(by)))
            .collect();
        clamp(c, s, &requested, p)?
    } else if o.scenario("to-datetime").is_some() {
        let ts = parse_datetime(&value("to-datetime")).map_err(CallError::Failed)?;
        by_timestamp(c, s, &keys, ts, p)?
    } else if o.scenario("by-duration").is_some() {
        let d = parse_duration(&value("by-duration")).map_err(CallError::Failed)?;
        let now = wall_clock_ms(c.now_ms()) as i64;
        by_timestamp(c, s, &keys, now.saturating_sub(d), p)?
    } else if o.scenario("to-current").is_some() {
        let committed = s.committed_offsets(c, group, c.now_ms() + o.timeout())?;
        let (with, without): (Vec<TopicPartition>, Vec<TopicPartition>) = keys
            .iter()
            .cloned()
            .partition(|tp| committed.contains_key(tp));
        let mut plan: Plan = with.iter().map(|tp| (tp.clone(), committed[tp])).collect();
        if !without.is_empty() {
            let ends = offsets_at(c, s, &without, LATEST_TIMESTAMP)?;
            plan.extend(scala_map_order(without).into_iter().map(|tp| {
                let o = ends[&tp];
                (tp, o)
            }));
        }
        let order = scala_map_order(plan.iter().map(|(tp, _)| tp.clone()).collect());
        order
            .into_iter()
            .map(|tp| {
                let o = plan.iter().find(|(x, _)| *x == tp).map_or(0, |(_, o)| *o);
                (tp, o)
            })
            .collect()
    } else {
        return Err(Stop::Usage(format!(
            "Option '[reset-offsets]' requires one of the following scenarios: {}",
            scenarios_set()
        )));
    };
    Ok(plan)
}

/// `checkOffsetsRange` against the log start and end offsets.
fn clamp(
    c: &mut Cluster,
    s: &mut Session,
    requested: &Plan,
    p: &mut Printed,
) -> Result<Plan, Stop> {
    let keys: Vec<TopicPartition> = requested.iter().map(|(tp, _)| tp.clone()).collect();
    let starts = offsets_at(c, s, &keys, EARLIEST_TIMESTAMP)?;
    let ends = s.list_offsets(c, &keys, LATEST_TIMESTAMP)?;
    let (plan, warnings) = clamp_offsets(requested, &starts, &ends, c.now_ms());
    p.stderr.push_str(&warnings);
    Ok(plan)
}

/// `getLogTimestampOffsets`: the first offset at or after `ts`; a partition without one falls
/// back to its log end, with a warning.
fn by_timestamp(
    c: &mut Cluster,
    s: &mut Session,
    keys: &[TopicPartition],
    ts: i64,
    p: &mut Printed,
) -> Result<Plan, Stop> {
    let found = offsets_at(c, s, keys, ts)?;
    // The admin client's answer is a HashMap: the warnings come in its order.
    let missing: Vec<TopicPartition> = java_hash_order(keys.to_vec(), topic_partition_hash)
        .into_iter()
        .filter(|tp| found[tp] < 0)
        .collect();
    for (t, q) in &missing {
        p.stdout.push_str(&format!(
            "\nWarn: Partition {q} from topic {t} is empty. Falling back to latest known offset.\n"
        ));
    }
    let ends = if missing.is_empty() {
        BTreeMap::new()
    } else {
        s.list_offsets(c, &missing, LATEST_TIMESTAMP)?
    };
    Ok(keys
        .iter()
        .map(|tp| {
            let o = if found[tp] >= 0 { found[tp] } else { ends[tp] };
            (tp.clone(), o)
        })
        .collect())
}

/// `alterConsumerGroupOffsets`: OffsetCommit as a non-member (generation -1), retried through
/// a new FindCoordinator while the coordinator is unavailable, until `--timeout`.
fn commit(c: &mut Cluster, s: &Session, o: &Opts, group: &str, plan: &Plan) -> Result<(), Stop> {
    if plan.is_empty() {
        return Ok(());
    }
    let deadline = c.now_ms() + o.timeout();
    let request = GroupRequest::OffsetCommit {
        member_id: String::new(),
        generation: -1,
        offsets: plan.clone(),
    };
    let coordinator_error = |e: &str| {
        matches!(
            e,
            "NOT_COORDINATOR" | "COORDINATOR_NOT_AVAILABLE" | "COORDINATOR_LOAD_IN_PROGRESS"
        )
    };
    let answer = s.group_call(c, group, request, deadline, "commitOffsets", |r| match r {
        GroupResponse::OffsetCommit(l) => l.iter().any(|(_, e)| coordinator_error(e)),
        GroupResponse::Error(e) => coordinator_error(e),
        _ => false,
    })?;
    match answer {
        GroupResponse::OffsetCommit(l) => match l.iter().find(|(_, e)| e != "NONE") {
            Some((_, e)) => Err(Stop::Call(CallError::Failed(exception(e)))),
            None => Ok(()),
        },
        GroupResponse::Error(e) => Err(Stop::Call(CallError::Failed(exception(&e)))),
        _ => Err(Stop::Call(CallError::Timeout("commitOffsets"))),
    }
}

#[cfg(test)]
mod tests;
