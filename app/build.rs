//! Parses the tutorial notebooks at build time and writes them as JSON with their prose already
//! rendered to (escaped-HTML-safe) HTML, so the page needs no Markdown parser of its own: that
//! keeps pulldown-cmark out of the wasm download. The page fetches that JSON (chapters.rs). A notebook that does not parse fails the build
//! with its file and line.

use kafka_playground_core::notebook::render::prose_html;
use kafka_playground_core::notebook::{parse_notebook, Block, Notebook};
use std::path::Path;

fn render(mut nb: Notebook) -> Notebook {
    nb.intro = prose_html(&nb.intro);
    for step in &mut nb.steps {
        for block in &mut step.blocks {
            match block {
                Block::Prose(md) | Block::Hint(md) => *md = prose_html(md),
                _ => {}
            }
        }
    }
    nb
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/notebooks");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut stems: Vec<String> = std::fs::read_dir(dir.join("en"))
        .expect("www/notebooks/en exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    stems.sort();
    let mut chapters = Vec::new();
    for name in &stems {
        let mut pair = Vec::new();
        for lang in ["ko", "en"] {
            let path = dir.join(lang).join(name);
            println!("cargo:rerun-if-changed={}", path.display());
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!(
                    "{}: {e} (every chapter needs a Korean and an English file)",
                    path.display()
                )
            });
            let nb = parse_notebook(&text)
                .unwrap_or_else(|e| panic!("{}:{}: {}", path.display(), e.line, e.message));
            pair.push(render(nb));
        }
        let stem = name.trim_end_matches(".md").to_string();
        chapters.push((stem, pair.remove(0), pair.remove(0)));
    }
    let json = serde_json::to_string(&chapters).expect("notebooks serialise");
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out_dir.join("chapters.json"), &json).expect("write chapters.json");
    // The page fetches the chapters as a file beside it: Trunk's post-build hook (Trunk.toml)
    // copies it from the profile's directory, <target>/<triple>/<profile>/, three levels up.
    if let Some(profile_dir) = out_dir.ancestors().nth(3) {
        std::fs::write(profile_dir.join("chapters.json"), &json).expect("write chapters.json");
    }
}
