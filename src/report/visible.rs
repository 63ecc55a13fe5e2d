//! Text as a reader should see it: control characters and the Unicode
//! bidirectional controls are shown escaped (`\u{202e}`), never obeyed.
//!
//! A comment holding U+202E (right-to-left override) would otherwise
//! display reversed in the HTML report and the terminal table ("honest
//! display"), and ESC sequences would drive the terminal.

use std::borrow::Cow;

/// Whether `c` must be shown escaped rather than printed.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every control and bidi character written as `\u{…}`.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_and_control_characters_are_shown_not_obeyed() {
        assert_eq!(visible("abc"), "abc");
        assert_eq!(visible("a\u{202E}b"), "a\\u{202e}b");
        assert_eq!(
            visible("x\u{2066}y\u{0}z\u{1b}[31m"),
            "x\\u{2066}y\\u{0}z\\u{1b}[31m"
        );
        assert_eq!(visible("line\nbreak"), "line\\u{a}break");
        assert_eq!(visible("Pakistán 🇵🇰"), "Pakistán 🇵🇰");
    }
}
