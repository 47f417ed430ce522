//! The tutorial chapters. build.rs parses www/notebooks/{ko,en}/*.md (same file name in both
//! languages, chapter order = file order), renders their prose to HTML (so the page carries no
//! Markdown parser) and writes them as one JSON file that Trunk copies next to the page
//! (`chapters.json`, see Trunk.toml). The page fetches it relatively after its first paint (so it
//! works from any static path) and keeps it in memory: once loaded, chapters open offline too.
//! Keeping the text out of the wasm takes it off the critical path of the first load.

use crate::i18n::Lang;
use kafka_playground_core::notebook::Notebook;
use std::cell::RefCell;
use std::rc::Rc;

/// (file stem, Korean, English), in chapter order.
type Chapters = Vec<(String, Notebook, Notebook)>;

/// The file the page fetches, relative to the page.
pub const URL: &str = "chapters.json";

thread_local! {
    static CHAPTERS: RefCell<Rc<Chapters>> = RefCell::new(Rc::new(initial()));
    static FAILED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Why the chapters could not be fetched, if they could not (shown in the tutorial panel).
pub fn fetch_error() -> Option<String> {
    FAILED.with(|f| f.borrow().clone())
}

/// Unit tests read the build's JSON directly; the page starts empty until [`fetch`] ends.
fn initial() -> Chapters {
    #[cfg(test)]
    {
        parse(include_str!(concat!(env!("OUT_DIR"), "/chapters.json"))).unwrap_or_default()
    }
    #[cfg(not(test))]
    Vec::new()
}

fn parse(json: &str) -> Result<Chapters, String> {
    serde_json::from_str(json).map_err(|e| format!("{URL}: {e}"))
}

fn all() -> Rc<Chapters> {
    CHAPTERS.with(|c| c.borrow().clone())
}

/// Whether the chapters are in memory.
pub fn loaded() -> bool {
    count() > 0
}

/// Fetches the chapters (once; later calls return at once) and keeps them in memory.
pub async fn fetch() -> Result<(), String> {
    let result = fetch_once().await;
    FAILED.with(|f| *f.borrow_mut() = result.clone().err());
    result
}

async fn fetch_once() -> Result<(), String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    if loaded() {
        return Ok(());
    }
    let failed = |e: wasm_bindgen::JsValue| format!("{URL}: {}", e.as_string().unwrap_or_default());
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(URL))
        .await
        .map_err(failed)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("{URL}: HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(failed)?)
        .await
        .map_err(failed)?
        .as_string()
        .unwrap_or_default();
    let chapters = parse(&text)?;
    CHAPTERS.with(|c| *c.borrow_mut() = Rc::new(chapters));
    Ok(())
}

/// Number of chapters.
pub fn count() -> usize {
    all().len()
}

/// The chapter's stable id (its file stem), used for progress and share links.
pub fn id(index: usize) -> String {
    all().get(index).map(|c| c.0.clone()).unwrap_or_default()
}

/// The index of the chapter with this id, if it exists.
pub fn find(id: &str) -> Option<usize> {
    all().iter().position(|c| c.0 == id)
}

/// Chapter `index` in `lang`, prose already rendered to HTML.
pub fn load(index: usize, lang: Lang) -> Result<Notebook, String> {
    let all = all();
    let (_, ko, en) = all
        .get(index)
        .ok_or_else(|| format!("no chapter {index}"))?;
    Ok(match lang {
        Lang::Ko => ko.clone(),
        Lang::En => en.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chapter_exists_in_both_languages_with_the_same_steps() {
        assert!(count() >= 2);
        for i in 0..count() {
            let ko = load(i, Lang::Ko).unwrap();
            let en = load(i, Lang::En).unwrap();
            assert_eq!(ko.steps.len(), en.steps.len(), "{}", id(i));
            assert_eq!(ko.seed, en.seed, "{}", id(i));
            for (k, e) in ko.steps.iter().zip(&en.steps) {
                let goals = |s: &kafka_playground_core::notebook::Step| {
                    s.goals().map(|g| g.check.clone()).collect::<Vec<_>>()
                };
                assert_eq!(goals(k), goals(e), "{}: step {}", id(i), e.title);
                assert_eq!(
                    k.cells().count(),
                    e.cells().count(),
                    "{}: step {}",
                    id(i),
                    e.title
                );
            }
        }
    }

    #[test]
    fn prose_arrives_as_html() {
        let nb = load(0, Lang::En).unwrap();
        assert!(nb.intro.starts_with("<p>"), "{}", nb.intro);
    }
}
