//! Component tests in real headless Chromium (wasm-bindgen-test-runner + chromedriver).
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use kafka_playground_app::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the page into a fresh element and lets Yew render.
async fn mount() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    TimeoutFuture::new(50).await;
    root
}

fn host_names(root: &Element) -> Vec<String> {
    let nodes = root.query_selector_all("g.host").unwrap();
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .filter_map(|e| e.get_attribute("data-host"))
        .collect()
}

#[wasm_bindgen_test]
async fn draws_the_six_hosts_of_the_seed_cluster() {
    let root = mount().await;
    assert_eq!(
        host_names(&root),
        [
            "zookeeper1",
            "zookeeper2",
            "zookeeper3",
            "kafka1",
            "kafka2",
            "kafka3"
        ]
    );
    let text = root.text_content().unwrap_or_default();
    for address in ["zookeeper2:2182", "kafka1:19091", "127.0.0.1:9093"] {
        assert!(text.contains(address), "{address} missing from the page");
    }
}

#[wasm_bindgen_test]
async fn language_switch_changes_the_labels_both_ways() {
    let root = mount().await;
    let button: HtmlElement = root
        .query_selector("#lang-switch")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let korean = |s: &str| s.contains("주키퍼 앙상블");
    let before = labels(&root);
    button.click();
    // On a loaded machine the re-render can take longer than one short timeout.
    let after = labels_once(&root, |l| korean(l) != korean(&before)).await;
    assert_ne!(before, after);
    // Exactly one of the two renderings is Korean.
    assert!(korean(&before) ^ korean(&after));
    button.click();
    assert_eq!(labels_once(&root, |l| l == before).await, before);
}

/// The labels once `ready` holds for them, or as they are after two seconds.
async fn labels_once(root: &Element, ready: impl Fn(&str) -> bool) -> String {
    for _ in 0..40 {
        TimeoutFuture::new(50).await;
        let now = labels(root);
        if ready(&now) {
            return now;
        }
    }
    labels(root)
}

/// The page's fixed words; the clock and the event log (its host names are buttons) change by
/// themselves as time runs.
fn labels(root: &Element) -> String {
    let nodes = root
        .query_selector_all("h1, h2, .row-label, button:not(.event-host), .legend-item")
        .unwrap();
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|n| n.text_content())
        .collect::<Vec<_>>()
        .join("|")
}

#[wasm_bindgen_test]
async fn terminal_output_is_text_never_html() {
    let root = mount().await;
    let input: web_sys::HtmlInputElement = root
        .query_selector("#terminal-input")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    input.set_value("echo-not-a-command <b>bold</b>");
    let form: web_sys::HtmlFormElement = root
        .query_selector(".prompt")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    form.request_submit().unwrap();
    TimeoutFuture::new(50).await;
    let screen = root.query_selector(".terminal .screen").unwrap().unwrap();
    assert!(screen
        .text_content()
        .unwrap_or_default()
        .contains("<b>bold</b>"));
    assert!(screen.query_selector("b").unwrap().is_none());
}

#[wasm_bindgen_test]
fn reference_run_is_byte_for_byte_the_native_run() {
    // tests/golden/reference-run.txt is checked natively by tests/determinism_golden.rs.
    let golden = include_str!("../../tests/golden/reference-run.txt");
    assert_eq!(
        kafka_playground_core::scenario::reference_fingerprint(),
        golden
    );
}

fn click(root: &Element, selector: &str) {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector} missing"))
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

#[wasm_bindgen_test]
async fn kafka_browser_tab_lists_the_brokers_with_their_listeners() {
    let root = mount().await;
    click(&root, "#tab-kafdrop");
    TimeoutFuture::new(50).await;
    let table = root.query_selector("#kd-brokers").unwrap().unwrap();
    let rows = table.query_selector_all("tbody tr").unwrap();
    assert_eq!(rows.length(), 3);
    let text = table.text_content().unwrap_or_default();
    for address in ["kafka1:19091", "127.0.0.1:9092", "kafka3:19093"] {
        assert!(text.contains(address), "{address} missing from {text}");
    }
    // No topic yet: the browser says how to make one.
    assert!(root.query_selector(".kd-empty").unwrap().is_some());
    assert!(root.query_selector(".isr-chart").unwrap().is_some());
}

#[wasm_bindgen_test]
async fn fast_forward_shows_progress_and_cancel_stops_it() {
    let root = mount().await;
    click(&root, "#ff-1min");
    // A fast-forward lasts at least 20 frames of this app's clock: poll for its bar (earlier
    // tests' pages still run on this thread, so timers are late).
    for _ in 0..100 {
        if root.query_selector("#ff-bar").unwrap().is_some() {
            break;
        }
        TimeoutFuture::new(5).await;
    }
    let ff = || {
        root.query_selector(".ff")
            .unwrap()
            .map(|e| e.outer_html())
            .unwrap_or_default()
    };
    let bar = root
        .query_selector("#ff-bar")
        .unwrap()
        .unwrap_or_else(|| panic!("no progress bar: {}", ff()));
    assert_eq!(bar.get_attribute("max").as_deref(), Some("60000"));
    click(&root, "#ff-cancel");
    for _ in 0..100 {
        if root.query_selector("#ff-bar").unwrap().is_none() {
            break;
        }
        TimeoutFuture::new(5).await;
    }
    assert!(root.query_selector("#ff-bar").unwrap().is_none());
    // Cancelled, not finished: the clock stopped short of the minute.
    let clock = root
        .query_selector(".clock")
        .unwrap()
        .and_then(|c| c.text_content())
        .unwrap_or_default();
    assert!(clock.contains(" 0:"), "{clock}");
    assert!(root.query_selector("#ff-1min").unwrap().is_some());
}
