//! The tutorial chapters, embedded in the page so they work offline and from any static path.
//! build.rs parses www/notebooks/{ko,en}/*.md (same file name in both languages, chapter order =
//! file order) and renders their prose to HTML, so the page carries no Markdown parser.

use crate::i18n::Lang;
use kafka_playground_core::notebook::Notebook;
use std::sync::OnceLock;

/// (file stem, Korean, English), in chapter order.
type Chapters = Vec<(String, Notebook, Notebook)>;

fn all() -> &'static Chapters {
    static CHAPTERS: OnceLock<Chapters> = OnceLock::new();
    CHAPTERS.get_or_init(|| {
        // Written by build.rs from notebooks that parsed; an error here would be a build bug.
        serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/chapters.json")))
            .unwrap_or_default()
    })
}

/// Number of chapters.
pub fn count() -> usize {
    all().len()
}

/// The chapter's stable id (its file stem), used for progress and share links.
pub fn id(index: usize) -> &'static str {
    all().get(index).map(|c| c.0.as_str()).unwrap_or("")
}

/// Chapter `index` in `lang`, prose already rendered to HTML.
pub fn load(index: usize, lang: Lang) -> Result<Notebook, String> {
    let (_, ko, en) = all()
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
