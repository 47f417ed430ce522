//! The ZooKeeper ensemble of the seed (zookeeper:3.7, three voters): servers, clients, the
//! data tree, election, sessions and watches. See shared/KAFKA-MODEL.md §1.

pub mod client;
pub mod election;
pub mod messages;
pub mod server;
pub mod session;
pub mod tree;
pub mod watches;

/// Wall-clock time of virtual instant 0 (2026-01-01T00:00:00Z), for ctime/mtime and session
/// ids. Virtual time only; nothing reads the real clock.
pub const WALL_CLOCK_BASE_MS: u64 = 1_767_225_600_000;

pub fn wall_clock_ms(now_ms: u64) -> u64 {
    WALL_CLOCK_BASE_MS + now_ms
}

/// (year, month 1–12, day 1–31) of a day count since 1970-01-01, proleptic Gregorian
/// (Howard Hinnant's civil-from-days): for the dates the tools print.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(mo <= 2), mo, d)
}
