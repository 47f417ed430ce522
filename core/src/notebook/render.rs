//! Markdown prose → HTML for the page. Raw HTML in the source is shown as text, never
//! interpreted, so a notebook (or anything pasted into one) cannot inject markup or script.

use pulldown_cmark::{html, Event, Options, Parser};

pub fn prose_html(markdown: &str) -> String {
    let events = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .map(|e| match e {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::prose_html;

    #[test]
    fn renders_markdown() {
        assert_eq!(
            prose_html("Some *words* and `code`."),
            "<p>Some <em>words</em> and <code>code</code>.</p>\n"
        );
        assert!(prose_html("| a | b |\n|---|---|\n| 1 | 2 |").contains("<table>"));
    }

    #[test]
    fn raw_html_is_escaped() {
        let html = prose_html("Hi <img src=x onerror=alert(1)>\n\n<script>alert(2)</script>\n");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
    }
}
