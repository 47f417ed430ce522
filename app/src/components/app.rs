//! The page shell: header with language switch, then the cluster view.

use crate::components::cluster_view::ClusterView;
use crate::i18n::{text, Label, Lang};
use kafka_playground_core::Cluster;
use yew::prelude::*;

/// The browser's preferred language tag, or "" where there is none.
fn browser_language() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default()
}

#[function_component(App)]
pub fn app() -> Html {
    let lang = use_state(|| Lang::from_browser_tag(&browser_language()));
    let cluster = use_state(|| Cluster::seed_cluster(1));
    let snapshot = cluster.snapshot();

    // Keep <html lang> in step so screen readers and fonts pick the right language.
    use_effect_with(*lang, |lang| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang.tag());
        }
    });

    let toggle = {
        let lang = lang.clone();
        Callback::from(move |_| lang.set(lang.other()))
    };
    let l = *lang;
    html! {
        <div class="page">
            <header class="topbar">
                <div class="brand">
                    <h1>{ text(l, Label::Title) }</h1>
                    <p class="subtitle">{ text(l, Label::Subtitle) }</p>
                </div>
                <div class="status-line">
                    <span>{ format!("{} {} ms", text(l, Label::VirtualTime), snapshot.now_ms) }</span>
                    <span>{ format!("{} {}", text(l, Label::Seed), snapshot.seed) }</span>
                </div>
                <button id="lang-switch" class="lang-switch" onclick={toggle}
                    aria-label={ text(l, Label::SwitchLanguage) }>
                    { text(l, Label::SwitchLanguage) }
                </button>
            </header>
            <main>
                <section class="panel" aria-label={ text(l, Label::ClusterView) }>
                    <ClusterView snapshot={snapshot} lang={l} />
                </section>
            </main>
        </div>
    }
}
