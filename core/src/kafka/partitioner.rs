//! Kafka's key hashing: `Utils.murmur2`, `Utils.toPositive`, `Utils.abs`, and Java's
//! `String.hashCode`, bit for bit, so a key lands on the partition a real producer picks and a
//! group on the `__consumer_offsets` partition a real broker picks.

/// Kafka's `Utils.murmur2`: MurmurHash2, 32-bit, seed `0x9747b28c`, little-endian words.
///
/// Java works on signed ints with wrapping multiplication and `>>>`; on `u32` the same bits
/// come out of `wrapping_mul` and `>>`.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;

    let mut h = SEED ^ data.len() as u32;
    let mut words = data.chunks_exact(4);
    for w in &mut words {
        let mut k = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    // The tail: Java's switch falls through from 3 to 1 byte, then multiplies once.
    let tail = words.remainder();
    if !tail.is_empty() {
        for (i, b) in tail.iter().enumerate().rev() {
            h ^= u32::from(*b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Kafka's `Utils.toPositive`: clears the sign bit (not `abs`, which would fold -n onto n).
pub fn to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

/// The partition the Java producer's default partitioner (and kafka-python's) picks for a
/// non-null key: `toPositive(murmur2(key)) % numPartitions`.
///
/// # Panics
/// If `num_partitions` is 0 (a topic always has at least one partition).
pub fn partition_for_key(key: &[u8], num_partitions: u32) -> u32 {
    assert!(num_partitions > 0, "a topic has at least one partition");
    (to_positive(murmur2(key)) as u32) % num_partitions
}

/// Java's `String.hashCode`: `s[0]*31^(n-1) + … + s[n-1]` over UTF-16 code units, wrapping.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// Kafka's `Utils.abs`: `Math.abs` except that `Integer.MIN_VALUE` (whose `Math.abs` is itself,
/// still negative) maps to 0.
pub fn kafka_abs(n: i32) -> i32 {
    if n == i32::MIN {
        0
    } else {
        n.abs()
    }
}

/// Default `offsets.topic.num.partitions`.
pub const OFFSETS_TOPIC_PARTITIONS: u32 = 50;

/// The `__consumer_offsets` partition whose leader coordinates `group_id`:
/// `Utils.abs(groupId.hashCode) % offsets.topic.num.partitions`
/// (`GroupMetadataManager.partitionFor`).
pub fn coordinator_partition(group_id: &str, offsets_topic_partitions: u32) -> u32 {
    assert!(offsets_topic_partitions > 0, "offsets topic has partitions");
    (kafka_abs(java_string_hash(group_id)) as u32) % offsets_topic_partitions
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `UtilsTest.testMurmur2` in Kafka's clients module.
    #[test]
    fn murmur2_matches_kafkas_utils_test() {
        let cases: [(&[u8], i32); 6] = [
            (b"21", -973_932_308),
            (b"foobar", -790_332_482),
            (b"a-little-bit-long-string", -985_981_536),
            (b"a-little-bit-longer-string", -1_486_304_829),
            (
                b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
                -58_897_971,
            ),
            (b"abc", 479_470_107),
        ];
        for (input, expected) in cases {
            assert_eq!(
                murmur2(input),
                expected,
                "{}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn murmur2_of_empty_input_is_the_seed_finalised() {
        // Length 0 → h = seed; no words, no tail; only the finaliser runs.
        let mut h: u32 = 0x9747_b28c;
        h ^= h >> 13;
        h = h.wrapping_mul(0x5bd1_e995);
        h ^= h >> 15;
        assert_eq!(murmur2(b""), h as i32);
        assert_eq!(murmur2(b""), 275_646_681);
    }

    #[test]
    fn partition_uses_to_positive_not_abs() {
        // -790332482 & 0x7fffffff = 1357151166; abs() would give 790332482.
        assert_eq!(to_positive(-790_332_482), 1_357_151_166);
        assert_eq!(partition_for_key(b"foobar", 10), 6);
        assert_eq!(partition_for_key(b"foobar", 50), 16);
        assert_eq!(partition_for_key(b"anything", 1), 0);
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(-1), i32::MAX);
    }

    /// `UtilsTest.testAbs`.
    #[test]
    fn abs_matches_kafkas_utils_test() {
        assert_eq!(kafka_abs(i32::MIN), 0);
        assert_eq!(kafka_abs(-10), 10);
        assert_eq!(kafka_abs(10), 10);
        assert_eq!(kafka_abs(0), 0);
        assert_eq!(kafka_abs(-1), 1);
    }

    #[test]
    fn java_string_hash_matches_the_jdk() {
        // Values as `"…".hashCode()` returns them on any JVM.
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(java_string_hash("abc"), 96_354);
        assert_eq!(java_string_hash("hello"), 99_162_322);
        assert_eq!(java_string_hash("Hello, World!"), 1_498_789_909);
        // "polygenelubricants".hashCode() == Integer.MIN_VALUE, the famous abs() trap.
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
        // Non-ASCII hashes UTF-16 units: "é" is U+00E9 = 233; "😀" is a surrogate pair.
        assert_eq!(java_string_hash("é"), 233);
        assert_eq!(java_string_hash("😀"), 0xD83D * 31 + 0xDE00);
    }

    #[test]
    fn coordinator_partition_is_abs_hash_mod_50() {
        assert_eq!(coordinator_partition("polygenelubricants", 50), 0);
        // "hello": 99162322 % 50 = 22.
        assert_eq!(coordinator_partition("hello", OFFSETS_TOPIC_PARTITIONS), 22);
        // A negative hash goes through abs, not the sign-bit mask:
        // "my-group".hashCode() = -1906497762 → 12 (the mask would give 36).
        assert_eq!(java_string_hash("my-group"), -1_906_497_762);
        assert_eq!(coordinator_partition("my-group", 50), 12);
        assert_eq!(coordinator_partition("test-group", 50), 12);
    }
}
