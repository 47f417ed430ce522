//! The reference scenario's event-log hash, pinned in tests/golden/reference-run.txt. The wasm
//! build checks the same file in headless Chromium (app/tests/browser.rs), so native and browser
//! runs are proven identical, byte for byte. After an intended protocol change, regenerate with
//! `UPDATE_GOLDEN=1 cargo test --test determinism_golden`.

use kafka_playground_core::scenario::reference_fingerprint;

const GOLDEN: &str = "tests/golden/reference-run.txt";

#[test]
fn reference_run_matches_the_golden_hashes() {
    let now = reference_fingerprint();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &now).unwrap();
    }
    let golden = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        now, golden,
        "the reference run changed; if intended, run UPDATE_GOLDEN=1 cargo test --test determinism_golden"
    );
}
