//! Shell-like word splitting and here-documents, enough for the tutorials' command lines.

/// Splits a command line into words: whitespace separates, `'…'` is literal, `"…"` allows
/// `\"` and `\\`, a backslash escapes the next character, an unquoted `#` starts a comment.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err("unexpected EOF while looking for matching `''".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => cur.push(c),
                            Some(c) => {
                                cur.push('\\');
                                cur.push(c);
                            }
                            None => {
                                return Err("unexpected EOF while looking for matching `\"'".into())
                            }
                        },
                        Some(c) => cur.push(c),
                        None => return Err("unexpected EOF while looking for matching `\"'".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    cur.push(c);
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// If the line ends with a here-document operator (`<<EOF`, `<< 'EOF'`, `<<-EOF`), returns
/// the line without it and the delimiter.
pub fn heredoc(line: &str) -> Option<(String, String)> {
    let idx = find_unquoted(line, "<<")?;
    let rest = line[idx + 2..].trim_start_matches('-').trim();
    let delim = rest.trim_matches(|c| c == '\'' || c == '"');
    if delim.is_empty() || delim.contains(char::is_whitespace) {
        return None;
    }
    Some((line[..idx].trim_end().to_string(), delim.to_string()))
}

fn find_unquoted(line: &str, pat: &str) -> Option<usize> {
    let (mut single, mut double) = (false, false);
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'\\' if !single => i += 1,
            _ if !single && !double && bytes[i..].starts_with(pat.as_bytes()) => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// One command of a script: its 1-based line number, text and here-document input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptCommand {
    pub line_no: usize,
    pub text: String,
    pub stdin: Option<String>,
}

/// Splits a script into commands: blank lines and `#` comments skipped, `\` continues a line,
/// here-documents become the command's standard input. Errors carry the line number.
pub fn parse_script(text: &str) -> Result<Vec<ScriptCommand>, (usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line_no = i + 1;
        let mut cmd = lines[i].trim().to_string();
        i += 1;
        while cmd.ends_with('\\') && i < lines.len() {
            cmd.pop();
            cmd.push(' ');
            cmd.push_str(lines[i].trim());
            i += 1;
        }
        if cmd.is_empty() || cmd.starts_with('#') {
            continue;
        }
        let mut stdin = None;
        if let Some((head, delim)) = heredoc(&cmd) {
            let mut body = String::new();
            let mut closed = false;
            while i < lines.len() {
                let l = lines[i];
                i += 1;
                if l.trim() == delim {
                    closed = true;
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            if !closed {
                return Err((
                    line_no,
                    format!("here-document delimited by end-of-file (wanted `{delim}')"),
                ));
            }
            cmd = head;
            stdin = Some(body);
        }
        out.push(ScriptCommand {
            line_no,
            text: cmd,
            stdin,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_quotes_and_comments() {
        assert_eq!(
            split_words(r#"create /a '{"x": 1}' "b c" d\ e # note"#).unwrap(),
            ["create", "/a", r#"{"x": 1}"#, "b c", "d e"]
        );
        assert!(split_words("echo 'open").is_err());
        assert_eq!(split_words("  ").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn scripts_with_heredocs() {
        let s = "# hi\nsleep 1\nzookeeper-shell zookeeper1:2181 <<EOF\nls /\nEOF\n\nhelp\n";
        let cmds = parse_script(s).unwrap();
        assert_eq!(cmds.len(), 3);
        assert_eq!(cmds[1].text, "zookeeper-shell zookeeper1:2181");
        assert_eq!(cmds[1].stdin.as_deref(), Some("ls /\n"));
        assert_eq!(cmds[2].line_no, 7);
        assert_eq!(parse_script("cat <<END\nx\n").unwrap_err().0, 1);
    }
}
