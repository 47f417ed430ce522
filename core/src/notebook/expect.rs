//! Comparing a cell's output with its ```` ```expect ```` block.

/// Checks `actual` against `expected`, line by line (trailing spaces ignored); an expected line
/// `...` matches any number of lines. Returns the first mismatch as a readable message.
pub fn matches(expected: &str, actual: &str) -> Result<(), String> {
    let want: Vec<&str> = expected.lines().map(str::trim_end).collect();
    let got: Vec<&str> = actual.lines().map(str::trim_end).collect();
    if match_from(&want, &got) {
        return Ok(());
    }
    // Point at the first line that differs, ignoring wildcards, for the error message.
    let first_bad = want
        .iter()
        .zip(got.iter().chain(std::iter::repeat(&"<end of output>")))
        .position(|(w, g)| *w != "..." && w != g)
        .unwrap_or(0);
    Err(format!(
        "output differs from the expected block (expected line {}: {:?})\n--- expected\n{}\n--- actual\n{}",
        first_bad + 1,
        want.get(first_bad).copied().unwrap_or(""),
        expected.trim_end(),
        actual.trim_end()
    ))
}

fn match_from(want: &[&str], got: &[&str]) -> bool {
    match want.split_first() {
        None => got.is_empty(),
        Some((&"...", rest)) => (0..=got.len()).any(|skip| match_from(rest, &got[skip..])),
        Some((w, rest)) => got
            .split_first()
            .is_some_and(|(g, more)| w == g && match_from(rest, more)),
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn exact_lines_match_ignoring_trailing_spaces() {
        assert!(matches("a\nb\n", "a  \nb").is_ok());
        assert!(matches("a\nb", "a\nc").is_err());
        assert!(matches("a", "a\nb").is_err());
    }

    #[test]
    fn ellipsis_skips_any_number_of_lines() {
        assert!(matches(
            "Connecting to x\n...\n[1, 2, 3]",
            "Connecting to x\nW\n\nE\n[1, 2, 3]"
        )
        .is_ok());
        assert!(matches("...\n[1]", "[1]").is_ok());
        assert!(matches("...", "").is_ok());
        assert!(matches("a\n...", "b").is_err());
    }

    #[test]
    fn mismatch_message_names_the_line() {
        let e = matches("x\ny", "x\nz").unwrap_err();
        assert!(e.contains("expected line 2"), "{e}");
    }
}
