//! A small YAML tree with line numbers, built from `saphyr-parser` events.
//!
//! Compose files need only maps, lists and strings, but every complaint about them must name a
//! line, so each node and each mapping key keeps the line it starts on. Anchors, aliases and
//! `<<` merge keys (common in compose files) are resolved here; duplicate keys are refused as
//! docker compose refuses them.

use crate::ordered::OrdMap as BTreeMap;
use saphyr_parser::{Event, Parser, ScalarStyle};

/// Caps that keep hostile input (deep nesting, alias bombs) from exhausting the page.
const MAX_DEPTH: usize = 64;
const MAX_NODES: usize = 100_000;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    /// 1-based line where the node starts.
    pub line: usize,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    Null,
    /// The text, and whether it was quoted (quoted `"no"` stays a string, as in compose).
    Scalar(String, bool),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    pub key: String,
    pub key_line: usize,
    pub value: Node,
}

impl Node {
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// A word for error messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Scalar(..) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }
}

/// A YAML syntax or structure error at a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub line: usize,
    pub message: String,
}

fn err<T>(line: usize, message: impl Into<String>) -> Result<T, YamlError> {
    Err(YamlError {
        line,
        message: message.into(),
    })
}

/// Parses the first (and only) document. `Ok(None)` for an empty stream.
pub(crate) fn parse(text: &str) -> Result<Option<Node>, YamlError> {
    let mut b = Builder {
        events: Parser::new_from_str(text),
        anchors: BTreeMap::new(),
        nodes: 0,
        last_line: 1,
    };
    let mut doc = None;
    loop {
        let (event, line) = b.next()?;
        match event {
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::StreamEnd => return Ok(doc),
            Event::DocumentStart(_) => {
                if doc.is_some() {
                    return err(
                        line,
                        "a compose file holds one YAML document, found a second",
                    );
                }
                let (first, first_line) = b.next()?;
                doc = Some(b.node(first, first_line, 0)?);
            }
            other => return err(line, format!("unexpected YAML event {other:?}")),
        }
    }
}

struct Builder<'a> {
    events: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: BTreeMap<usize, Node>,
    nodes: usize,
    last_line: usize,
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, usize), YamlError> {
        match self.events.next_event() {
            None => err(self.last_line, "unexpected end of YAML"),
            Some(Err(e)) => err(e.marker().line().max(1), e.info().to_string()),
            Some(Ok((event, span))) => {
                self.last_line = span.start.line().max(1);
                Ok((event, self.last_line))
            }
        }
    }

    fn count(&mut self, line: usize, add: usize) -> Result<(), YamlError> {
        self.nodes += add;
        if self.nodes > MAX_NODES {
            return err(line, "YAML too large (aliases expand to too many nodes)");
        }
        Ok(())
    }

    fn node(&mut self, event: Event<'a>, line: usize, depth: usize) -> Result<Node, YamlError> {
        if depth > MAX_DEPTH {
            return err(line, "YAML nested too deeply");
        }
        self.count(line, 1)?;
        let (node, anchor) = match event {
            Event::Scalar(text, style, anchor, _tag) => {
                let quoted = !matches!(style, ScalarStyle::Plain);
                let kind = if !quoted && matches!(&*text, "" | "~" | "null" | "Null" | "NULL") {
                    Kind::Null
                } else {
                    Kind::Scalar(text.into_owned(), quoted)
                };
                (Node { line, kind }, anchor)
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id).cloned() else {
                    return err(line, "alias to an unknown anchor");
                };
                self.count(line, size(&target))?;
                return Ok(Node { line, ..target });
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let (e, l) = self.next()?;
                    if e == Event::SequenceEnd {
                        break;
                    }
                    items.push(self.node(e, l, depth + 1)?);
                }
                (
                    Node {
                        line,
                        kind: Kind::Seq(items),
                    },
                    anchor,
                )
            }
            Event::MappingStart(anchor, _) => {
                let mut entries: Vec<Entry> = Vec::new();
                let mut merges: Vec<Node> = Vec::new();
                loop {
                    let (e, key_line) = self.next()?;
                    if e == Event::MappingEnd {
                        break;
                    }
                    let key_node = self.node(e, key_line, depth + 1)?;
                    let (ve, vl) = self.next()?;
                    let value = self.node(ve, vl, depth + 1)?;
                    let key = match key_node.kind {
                        Kind::Scalar(s, quoted) => {
                            if s == "<<" && !quoted {
                                merges.push(value);
                                continue;
                            }
                            s
                        }
                        Kind::Null => String::new(),
                        _ => return err(key_line, "mapping keys must be plain strings"),
                    };
                    if let Some(prev) = entries.iter().find(|en| en.key == key) {
                        return err(
                            key_line,
                            format!(
                                "mapping key \"{key}\" already defined at line {}",
                                prev.key_line
                            ),
                        );
                    }
                    entries.push(Entry {
                        key,
                        key_line,
                        value,
                    });
                }
                merge_into(&mut entries, merges)?;
                (
                    Node {
                        line,
                        kind: Kind::Map(entries),
                    },
                    anchor,
                )
            }
            other => return err(line, format!("unexpected YAML event {other:?}")),
        };
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }
}

/// `<<: *base` / `<<: [*a, *b]`: keys not set locally come from the merged maps, earlier
/// maps winning over later ones (YAML merge-key rules).
fn merge_into(entries: &mut Vec<Entry>, merges: Vec<Node>) -> Result<(), YamlError> {
    for m in merges {
        let line = m.line;
        let sources: Vec<Node> = match m.kind {
            Kind::Map(_) => vec![m],
            Kind::Seq(items) => items,
            _ => {
                return err(
                    line,
                    "a `<<` merge key needs a mapping or a list of mappings",
                )
            }
        };
        for src in sources {
            let Kind::Map(src_entries) = src.kind else {
                return err(
                    src.line,
                    "a `<<` merge key needs a mapping or a list of mappings",
                );
            };
            for e in src_entries {
                if !entries.iter().any(|x| x.key == e.key) {
                    entries.push(e);
                }
            }
        }
    }
    Ok(())
}

fn size(n: &Node) -> usize {
    1 + match &n.kind {
        Kind::Seq(items) => items.iter().map(size).sum(),
        Kind::Map(entries) => entries.iter().map(|e| 1 + size(&e.value)).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_keys_and_values() {
        let doc = parse("a: 1\nb:\n  - x\n  - \"y\"\nc:\n  d: ~\n")
            .unwrap()
            .unwrap();
        let m = doc.as_map().unwrap();
        assert_eq!(
            m.iter()
                .map(|e| (e.key.as_str(), e.key_line))
                .collect::<Vec<_>>(),
            [("a", 1), ("b", 2), ("c", 5)]
        );
        let Kind::Seq(items) = &m[1].value.kind else {
            panic!()
        };
        assert_eq!(items[0].line, 3);
        assert_eq!(items[1].kind, Kind::Scalar("y".into(), true));
        let d = &m[2].value.as_map().unwrap()[0];
        assert_eq!((d.key_line, &d.value.kind), (6, &Kind::Null));
    }

    #[test]
    fn duplicate_keys_and_syntax_errors_name_lines() {
        let e = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert_eq!(e.message, "mapping key \"a\" already defined at line 1");
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.line >= 1, "{e:?}");
        let e = parse("a:\n  b: 1\n c: 2\n").unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let text = "base: &b\n  x: 1\n  y: 2\nuse:\n  <<: *b\n  y: 3\nlist: *b\n";
        let doc = parse(text).unwrap().unwrap();
        let m = doc.as_map().unwrap();
        let used = m[1].value.as_map().unwrap();
        let kv: Vec<_> = used
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_scalar().unwrap()))
            .collect();
        assert_eq!(kv, [("y", "3"), ("x", "1")]);
        assert!(m[2].value.as_map().is_some());
    }

    #[test]
    fn empty_and_hostile_inputs() {
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse("# only a comment\n").unwrap(), None);
        assert!(parse(&"[".repeat(500)).is_err());
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        assert!(parse(bomb).unwrap_err().message.contains("too large"));
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
    }
}
