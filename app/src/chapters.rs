//! The tutorial chapters, embedded in the page so they work offline and from any static path.
//! Each chapter exists in Korean and English under www/notebooks/{ko,en}/ with the same file name.

use crate::i18n::Lang;
use kafka_playground_core::notebook::{parse_notebook, Notebook};

/// (file stem, Korean source, English source), in chapter order.
const SOURCES: &[(&str, &str, &str)] = &[
    (
        "01-what-is-kafka",
        include_str!("../../www/notebooks/ko/01-what-is-kafka.md"),
        include_str!("../../www/notebooks/en/01-what-is-kafka.md"),
    ),
    (
        "03-zookeeper-ensemble",
        include_str!("../../www/notebooks/ko/03-zookeeper-ensemble.md"),
        include_str!("../../www/notebooks/en/03-zookeeper-ensemble.md"),
    ),
];

/// Number of chapters.
pub fn count() -> usize {
    SOURCES.len()
}

/// The chapter's stable id (its file stem), used for progress and share links.
pub fn id(index: usize) -> &'static str {
    SOURCES.get(index).map(|s| s.0).unwrap_or("")
}

/// Parses chapter `index` in `lang`. The headless runner checks every chapter in the test
/// suite, so a parse error here means a broken build, shown as a message rather than a panic.
pub fn load(index: usize, lang: Lang) -> Result<Notebook, String> {
    let (_, ko, en) = SOURCES
        .get(index)
        .ok_or_else(|| format!("no chapter {index}"))?;
    let text = match lang {
        Lang::Ko => ko,
        Lang::En => en,
    };
    parse_notebook(text).map_err(|e| format!("{}: {e}", id(index)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chapter_parses_in_both_languages_with_the_same_steps() {
        for i in 0..count() {
            let ko = load(i, Lang::Ko).unwrap();
            let en = load(i, Lang::En).unwrap();
            assert_eq!(ko.steps.len(), en.steps.len(), "{}", id(i));
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
}
