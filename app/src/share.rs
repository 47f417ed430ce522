//! Share links: the whole situation (seed, language, open chapter and step, and every command
//! with the virtual time it ran at) in the URL's fragment, deflate-compressed and base64url-coded.
//! Replaying the commands at their times on the same seed rebuilds the same cluster, byte for byte.
//!
//! A link is untrusted input: its size is bounded before and after decompression, its JSON must
//! match the schema exactly, and any problem gives a clear message and the default cluster.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// The fragment prefix: `https://host/path/#s=<data>`.
pub const PREFIX: &str = "#s=";
/// Longest encoded link accepted (characters after the prefix).
pub const MAX_ENCODED: usize = 64 * 1024;
/// Largest decompressed state accepted.
pub const MAX_JSON: usize = 512 * 1024;
/// Most commands a link may carry.
pub const MAX_COMMANDS: usize = 2_000;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareState {
    /// Format version, for links made by later versions.
    pub v: u32,
    pub seed: u64,
    /// Whether the cluster booted before the first command (as a chapter's does).
    pub booted: bool,
    /// "ko" or "en".
    pub lang: String,
    /// Open chapter's id (file stem) and step, if any.
    pub chapter: Option<String>,
    pub step: usize,
    /// Every command in the order it ran, with the virtual time (ms) it ran at.
    pub journal: Vec<(u64, String)>,
    /// Virtual time the sharer had reached.
    pub now_ms: u64,
    /// The compose file, when the cluster was not the tutorial's.
    #[serde(default)]
    pub compose: Option<String>,
}

pub fn encode(state: &ShareState) -> String {
    let json = serde_json::to_vec(state).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Decodes a URL fragment. `Ok(None)` when the fragment is not a share link at all.
pub fn decode(fragment: &str) -> Result<Option<ShareState>, String> {
    let Some(data) = fragment.strip_prefix(PREFIX) else {
        return Ok(None);
    };
    if data.len() > MAX_ENCODED {
        return Err(format!(
            "the link is too long ({} characters; at most {MAX_ENCODED})",
            data.len()
        ));
    }
    let packed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|e| format!("the link is damaged ({e})"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_JSON)
        .map_err(|_| "the link is damaged or too large once unpacked".to_string())?;
    // From text, as every other JSON the page reads: one JSON reader in the wasm, not two.
    let json =
        String::from_utf8(json).map_err(|_| "the link is damaged (not UTF-8)".to_string())?;
    let state: ShareState = serde_json::from_str(&json)
        .map_err(|e| format!("the link does not describe a playground ({e})"))?;
    if state.v != 1 {
        return Err(format!(
            "the link was made by another version of the playground (format {})",
            state.v
        ));
    }
    if state.journal.len() > MAX_COMMANDS {
        return Err(format!(
            "the link carries {} commands; at most {MAX_COMMANDS}",
            state.journal.len()
        ));
    }
    if state.journal.windows(2).any(|w| w[1].0 < w[0].0)
        || state.journal.last().is_some_and(|l| l.0 > state.now_ms)
    {
        return Err("the link's commands are not in time order".into());
    }
    Ok(Some(state))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ShareState {
        ShareState {
            v: 1,
            seed: 7,
            booted: true,
            lang: "ko".into(),
            chapter: Some("03-zookeeper-ensemble".into()),
            step: 2,
            journal: vec![
                (3_000, "docker compose stop zookeeper3".into()),
                (
                    5_000,
                    "zookeeper-shell zookeeper1:2181 create /x '<b>'".into(),
                ),
            ],
            now_ms: 9_000,
            compose: None,
        }
    }

    #[test]
    fn round_trips_and_stays_compact() {
        let link = encode(&sample());
        assert!(link.starts_with(PREFIX));
        assert!(link.len() < 300, "{} chars", link.len());
        assert_eq!(decode(&link), Ok(Some(sample())));
        assert_eq!(decode("#section-2"), Ok(None));
        assert_eq!(decode(""), Ok(None));
    }

    #[test]
    fn hostile_links_are_refused_with_a_message() {
        assert!(decode("#s=!!!").unwrap_err().contains("damaged"));
        assert!(decode(&format!("#s={}", "A".repeat(MAX_ENCODED + 1)))
            .unwrap_err()
            .contains("too long"));
        // A deflate bomb: 10 MB of zeros packs small but unpacks past the limit.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 10 << 20], 9);
        assert!(decode(&format!("#s={}", URL_SAFE_NO_PAD.encode(bomb)))
            .unwrap_err()
            .contains("too large"));
        let not_ours = miniz_oxide::deflate::compress_to_vec(br#"{"v":1,"evil":"<script>"}"#, 9);
        assert!(decode(&format!("#s={}", URL_SAFE_NO_PAD.encode(not_ours)))
            .unwrap_err()
            .contains("does not describe"));
        let mut s = sample();
        s.v = 9;
        assert!(decode(&encode(&s)).unwrap_err().contains("another version"));
        let mut s = sample();
        s.journal.reverse();
        assert!(decode(&encode(&s)).unwrap_err().contains("time order"));
    }
}
