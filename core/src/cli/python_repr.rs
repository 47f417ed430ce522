//! Python's text forms that the seed's scripts print or send: `json.dumps` (ASCII-escaped,
//! `", "` and `": "` separators) and `repr()` of what `json.loads` returns.

use serde_json::Value;

/// Python `repr()` of a `str`: single quotes unless the text has `'` and no `"`.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python `repr()` of a JSON value as `json.loads` returns it (dict, list, str, int,
/// float, True/False/None).
pub fn value_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => {
            if n.is_f64() {
                let f = n.as_f64().unwrap_or(0.0);
                if f.fract() == 0.0 && f.abs() < 1e16 {
                    format!("{f:.1}")
                } else {
                    format!("{f}")
                }
            } else {
                n.to_string()
            }
        }
        Value::String(s) => str_repr(s),
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(value_repr).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", str_repr(k), value_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `json.dumps(s)` for a string: ASCII only, non-ASCII as `\uXXXX` (surrogate pairs).
fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `json.dumps({key: value})` for the producer script's one-entry dict.
pub fn dumps_pair(key: &str, value: &str) -> String {
    format!("{{{}: {}}}", json_str(key), json_str(value))
}

/// `repr({key: value})`, what producer.py prints after sending.
pub fn repr_pair(key: &str, value: &str) -> String {
    format!("{{{}: {}}}", str_repr(key), str_repr(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_forms_match_cpython() {
        assert_eq!(repr_pair("k", "v"), "{'k': 'v'}");
        assert_eq!(repr_pair("it's", "안녕"), "{\"it's\": '안녕'}");
        assert_eq!(dumps_pair("k", "안녕"), r#"{"k": "\uc548\ub155"}"#);
        assert_eq!(dumps_pair("a\"b", "😀"), r#"{"a\"b": "\ud83d\ude00"}"#);
        let v: Value =
            serde_json::from_str(r#"{"k": "\uc548\ub155", "n": [1, 2.0, true, null]}"#).unwrap();
        assert_eq!(value_repr(&v), "{'k': '안녕', 'n': [1, 2.0, True, None]}");
        assert_eq!(str_repr("a\nb\\"), "'a\\nb\\\\'");
    }
}
