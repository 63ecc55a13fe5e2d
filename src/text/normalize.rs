//! Normalisation stage.
//!
//! Comments arrive typed on phones, pasted from Word and scraped from HTML, so
//! the same apostrophe or space shows up as half a dozen code points. Folding
//! them here keeps the later stages down to one spelling of each.
//!
//! The fold is deliberately a one-char-to-one-char map. That is what lets the
//! pre-tokenizer apply it on the fly while walking the *original* text, so
//! every token span points into the caller's string with no offset remapping,
//! and it is what makes the fold idempotent: every target is a fixed point.

use std::borrow::Cow;

/// Folds one character; characters outside the table map to themselves.
///
/// Every output is ASCII or the input unchanged, and no ASCII input changes,
/// which is why applying it twice is the same as applying it once.
#[inline]
pub fn normalize_char(c: char) -> char {
    if c.is_ascii() {
        // Backtick is the one ASCII character people type for an apostrophe.
        return if c == '`' { '\'' } else { c };
    }
    fold_non_ascii(c)
}

/// Kept out of line so the ASCII path above inlines into the scanner loops.
fn fold_non_ascii(c: char) -> char {
    match c {
        // Apostrophes and single quotes, including primes and acute accents
        // that keyboards and OCR substitute for them.
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' | '\u{02BC}' => '\'',
        // Double quotes.
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        // Hyphen and dash variants: treat them all as the ASCII hyphen so that
        // compounds split the same way whichever dash was typed.
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => '-',
        // Line and paragraph separators end a clause just like a newline does.
        '\u{0085}' | '\u{2028}' | '\u{2029}' => '\n',
        // Zero-width space and BOM separate words without showing it.
        '\u{200B}' | '\u{FEFF}' => ' ',
        // NBSP, thin spaces, ideographic space, ...
        c if c.is_whitespace() => ' ',
        c => c,
    }
}

/// Returns the text with [`normalize_char`] applied to every character,
/// borrowing when nothing changes (the common case for plain ASCII comments).
///
/// The tokenizer never calls this: it folds characters as it scans. It exists
/// for callers that want to display or hash the folded text, and the
/// tokenizer's tests use it to check that folding first changes nothing.
pub fn normalize(text: &str) -> Cow<'_, str> {
    let first_change = text
        .char_indices()
        .find(|&(_, c)| normalize_char(c) != c)
        .map(|(i, _)| i);
    match first_change {
        None => Cow::Borrowed(text),
        Some(i) => {
            let mut out = String::with_capacity(text.len());
            out.push_str(&text[..i]);
            out.extend(text[i..].chars().map(normalize_char));
            Cow::Owned(out)
        }
    }
}

/// Format characters that carry no letters: bidi controls (common in
/// Arabic/Urdu comments), soft hyphens and joiners. They are dropped from
/// token text so that "Pakistan" with a stray RLM matches "Pakistan", but
/// they are not separators, because people paste them into the middle of
/// words.
#[inline]
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{200C}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
    )
}

/// Combining marks and emoji modifiers. `char::is_alphanumeric` says no to
/// these, yet a decomposed "é" or a skin-tone emoji must not be torn in two.
/// Covers the general-purpose combining blocks, variation selectors and
/// Fitzpatrick modifiers; script-specific vowel signs are mostly Alphabetic
/// already and need no help.
#[inline]
pub(crate) fn is_extender(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{0483}'..='\u{0489}'
            | '\u{0591}'..='\u{05BD}'
            | '\u{0610}'..='\u{061A}'
            | '\u{064B}'..='\u{065F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FE20}'..='\u{FE2F}'
            | '\u{1F3FB}'..='\u{1F3FF}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_quotes_dashes_and_spaces() {
        assert_eq!(normalize("Pakistan’s"), "Pakistan's");
        assert_eq!(normalize("‘a’ ‛b′ ´c` “d” „e″"), "'a' 'b' 'c' \"d\" \"e\"");
        assert_eq!(normalize("a–b—c‒d"), "a-b-c-d");
        assert_eq!(normalize("a\u{00A0}b\u{2009}c\u{3000}d"), "a b c d");
        assert_eq!(normalize("a\u{2028}b"), "a\nb");
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(normalize("plain ascii, text!"), Cow::Borrowed(_)));
        assert!(matches!(normalize("Zürich Карачи"), Cow::Borrowed(_)));
        assert!(matches!(normalize("it’s"), Cow::Owned(_)));
    }

    #[test]
    fn ascii_whitespace_is_kept() {
        assert_eq!(normalize("a\tb\nc\r\n"), "a\tb\nc\r\n");
    }
}
