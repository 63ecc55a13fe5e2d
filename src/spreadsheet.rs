//! CSV cells for the people who open our files in a spreadsheet.
//!
//! A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
//! read as a formula by Excel, LibreOffice and Google Sheets; a reader
//! comment `=HYPERLINK("http://evil", "click")` in a suggest sheet would
//! run in the annotator's spreadsheet. OWASP's CSV-injection guidance:
//! prefix such a cell with a single quote, which the spreadsheet shows as
//! text and does not display. Only text cells go through here (ids, texts,
//! excerpts); numbers we write ourselves (`-0.25`) stay numbers.

use std::borrow::Cow;

/// `s` made safe to open in a spreadsheet (see the module docs).
pub fn defuse(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// `s` as one CSV cell: defused, and quoted (with doubled quotes) when it
/// holds a comma, a quote or a line break.
pub fn cell(s: &str) -> Cow<'_, str> {
    let d = defuse(s);
    if d.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", d.replace('"', "\"\"")))
    } else {
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused_and_plain_ones_kept() {
        for bad in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(defuse(bad).starts_with('\''), "{bad:?}");
        }
        for ok in ["Pakistan", "", "a=b", "1-2", "'quoted"] {
            assert_eq!(defuse(ok), ok);
        }
        assert_eq!(cell("=1,2"), "\"'=1,2\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("plain"), "plain");
    }
}
