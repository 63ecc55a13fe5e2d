//! Clitic splitting: a token mapper from one word piece to up to three.
//!
//! Stance hinges on small words glued to big ones: "didn't" carries the
//! negation, "Pakistan's" must count as a mention of Pakistan. English clitics
//! are peeled off the end of the word, Penn-Treebank style, and replaced by
//! the full word they stand for, so "didn't" and "did not" give the same
//! tokens and the negation stage only has to know the word "not".
//!
//! Choices:
//! - `n't` → `not` (span `n't`), with the irregular bases repaired:
//!   "can't" → "can" + "not", "won't" → "will" + "not", "shan't" → "shall"
//!   + "not". The base span is then the surface "ca"/"wo"/"sha".
//! - `'s` is dropped. It is mostly a possessive ("Pakistan's army") and
//!   otherwise "is"/"has", which carry nothing for stance; dropping it makes
//!   "Pakistan's" tokenise exactly like "Pakistan".
//! - `'re` → "are", `'ve` → "have", `'ll` → "will", `'d` → "would", `'m` →
//!   "am". ("'d" can also be "had"; "would" is the likelier reading.)
//! - Any other apostrophe ("O'Brien", "rock'n'roll") stays inside the word.

use super::normalize::normalize_char;

/// One clitic peeled off the end of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Peel {
    /// Byte offset in the word where the clitic starts.
    pub at: usize,
    /// The word the clitic stands for, or `None` to drop it.
    pub clitic: Option<&'static str>,
    /// Replacement for an irregular base ("ca" → "can").
    pub base: Option<&'static str>,
}

/// Peels the last clitic off `word`, if it ends in one.
pub(crate) fn peel(word: &str) -> Option<Peel> {
    if !may_have_apostrophe(word) {
        return None;
    }
    let (apos, c) = word
        .char_indices()
        .rev()
        .find(|&(_, c)| normalize_char(c) == '\'')?;
    let suffix = &word[apos + c.len_utf8()..];
    let is = |s: &str| suffix.eq_ignore_ascii_case(s);
    let expand = |at, clitic| {
        Some(Peel {
            at,
            clitic,
            base: None,
        })
    };
    if is("t") && apos > 0 && word.as_bytes()[apos - 1].eq_ignore_ascii_case(&b'n') {
        let at = apos - 1;
        let base = &word[..at];
        let irregular = [("ca", "can"), ("wo", "will"), ("sha", "shall")]
            .into_iter()
            .find(|(short, _)| base.eq_ignore_ascii_case(short))
            .map(|(_, full)| full);
        return Some(Peel {
            at,
            clitic: Some("not"),
            base: irregular,
        });
    }
    match suffix.len() {
        1 if is("s") => expand(apos, None),
        1 if is("d") => expand(apos, Some("would")),
        1 if is("m") => expand(apos, Some("am")),
        2 if is("re") => expand(apos, Some("are")),
        2 if is("ve") => expand(apos, Some("have")),
        2 if is("ll") => expand(apos, Some("will")),
        _ => None,
    }
}

/// Cheap pre-check: almost no word has an apostrophe, and a byte scan rules
/// it out (every non-ASCII apostrophe variant has bytes >= 0x80).
#[inline]
pub(crate) fn may_have_apostrophe(word: &str) -> bool {
    word.bytes().any(|b| b == b'\'' || b == b'`' || b >= 0x80)
}

/// A word piece after clitic splitting: a base and up to two clitics
/// ("shouldn't've" → "should" + "not" + "have"), as spans relative to the
/// original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Split {
    /// Span of the base; empty when the word was nothing but a clitic.
    pub base: (usize, usize),
    pub base_text: Option<&'static str>,
    /// Clitics in text order, each with its span.
    pub clitics: [Option<(usize, usize, Option<&'static str>)>; 2],
}

/// Splits the word `text[start..end]` into base and clitics.
pub(crate) fn split(text: &str, start: usize, end: usize) -> Split {
    let mut base_end = end;
    let mut base_text = None;
    let mut peeled: [Option<(usize, usize, Option<&'static str>)>; 2] = [None; 2];
    for slot in (0..2).rev() {
        let Some(p) = peel(&text[start..base_end]) else {
            break;
        };
        let at = start + p.at;
        peeled[slot] = Some((at, base_end, p.clitic));
        base_end = at;
        base_text = p.base;
        if p.base.is_some() {
            break;
        }
    }
    // "rock'n't" leaves "rock'": a base never ends in an apostrophe.
    while let Some(c) = text[start..base_end].chars().next_back() {
        if normalize_char(c) != '\'' {
            break;
        }
        base_end -= c.len_utf8();
    }
    if peeled[0].is_none() {
        peeled.swap(0, 1);
    }
    Split {
        base: (start, base_end),
        base_text,
        clitics: peeled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(word: &str) -> Vec<(&str, Option<&'static str>)> {
        let s = split(word, 0, word.len());
        let mut v = Vec::new();
        if s.base.1 > s.base.0 {
            v.push((&word[s.base.0..s.base.1], s.base_text));
        }
        for (a, b, t) in s.clitics.into_iter().flatten() {
            v.push((&word[a..b], t));
        }
        v
    }

    #[test]
    fn negative_contractions_become_not() {
        assert_eq!(parts("didn't"), [("did", None), ("n't", Some("not"))]);
        assert_eq!(parts("DON’T"), [("DO", None), ("N’T", Some("not"))]);
        assert_eq!(parts("can't"), [("ca", Some("can")), ("n't", Some("not"))]);
        assert_eq!(parts("won't"), [("wo", Some("will")), ("n't", Some("not"))]);
        assert_eq!(parts("n't"), [("n't", Some("not"))]);
    }

    #[test]
    fn possessive_s_is_dropped() {
        assert_eq!(parts("Pakistan's"), [("Pakistan", None), ("'s", None)]);
        assert_eq!(parts("it’s"), [("it", None), ("’s", None)]);
    }

    #[test]
    fn other_clitics_expand() {
        assert_eq!(parts("they're"), [("they", None), ("'re", Some("are"))]);
        assert_eq!(parts("I'd"), [("I", None), ("'d", Some("would"))]);
        assert_eq!(
            parts("shouldn't've"),
            [
                ("should", None),
                ("n't", Some("not")),
                ("'ve", Some("have"))
            ]
        );
    }

    #[test]
    fn other_apostrophes_stay() {
        assert_eq!(parts("O'Brien"), [("O'Brien", None)]);
        assert_eq!(parts("rock'n'roll"), [("rock'n'roll", None)]);
        assert_eq!(parts("Pakistan"), [("Pakistan", None)]);
        assert_eq!(parts("rock'n't"), [("rock", None), ("n't", Some("not"))]);
    }
}
