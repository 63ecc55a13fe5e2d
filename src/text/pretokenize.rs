//! Pre-tokenizer stage: cuts the original text into raw pieces with spans.
//!
//! It walks the caller's string once, folding each character through
//! [`normalize_char`] as it is read, so spans are byte offsets into the
//! original text and no normalised copy is ever built. Pieces are handed to a
//! callback rather than collected, so the whole tokenizer runs without an
//! intermediate buffer.
//!
//! Classification happens here, because it needs context that is gone once
//! the text is cut: whether an `@` follows a letter (e-mail) or a space
//! (handle), whether a hyphen sits between two words or stands alone.

use super::normalize::{is_extender, is_invisible, normalize_char};

/// What a raw piece is; decides how the later stages render it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PieceKind {
    /// Letters and digits, possibly with internal apostrophes.
    Word,
    /// Single letters joined by periods ("U.S.", "e.g"); the span may end
    /// with the abbreviation's final period.
    Abbrev,
    Number,
    Url,
    Handle,
    /// Span includes the leading `#`.
    Hashtag,
    /// One punctuation mark or symbol, with any combining marks, variation
    /// selectors or joined emoji that belong to it.
    Punct,
    /// A line break. Not a token, but it ends a clause.
    Break,
}

/// A raw piece: `text[start..end]` is its surface in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Piece {
    pub start: usize,
    pub end: usize,
    pub kind: PieceKind,
}

/// Characters that continue a word once it has started.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_extender(c) || is_invisible(c)
}

#[inline]
fn is_currency(c: char) -> bool {
    matches!(c, '$' | '€' | '£' | '¥' | '₹' | '₨' | '₽')
}

#[inline]
fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// Cuts `text` into pieces, in order, calling `emit` for each. Whitespace,
/// control and invisible format characters between pieces are skipped.
pub(crate) fn pre_tokenize(text: &str, mut emit: impl FnMut(Piece)) {
    let s = Scanner { text };
    let mut i = 0;
    // The previous (folded) character; a space at the start of the text.
    let mut prev = ' ';
    while let Some((c, len)) = s.at(i) {
        let start = i;
        let (kind, end) = if c == '\n' {
            (PieceKind::Break, i + len)
        } else if c.is_whitespace() || c.is_control() || is_invisible(c) {
            prev = c;
            i += len;
            continue;
        } else if c.is_alphabetic() {
            if let Some(end) = s.url(i, prev) {
                (PieceKind::Url, end)
            } else if let Some(end) = s.abbrev(i) {
                (PieceKind::Abbrev, end)
            } else {
                (PieceKind::Word, s.word(i))
            }
        } else if c.is_numeric() {
            s.number(i)
        } else {
            s.symbol(i, c, len, prev)
        };
        if end > start {
            emit(Piece { start, end, kind });
            prev = s.last_char(end);
        } else {
            // A hyphen joining two words: dropped without a piece so the
            // halves tokenise like separate words.
            prev = c;
        }
        i = end.max(start + len);
    }
}

/// Reads folded characters at byte offsets of the original text.
struct Scanner<'a> {
    text: &'a str,
}

impl Scanner<'_> {
    /// The folded character starting at byte `i`, with its length in the
    /// original text. `i` must be a char boundary, which holds because every
    /// caller advances by lengths this returns.
    #[inline]
    fn at(&self, i: usize) -> Option<(char, usize)> {
        let b = *self.text.as_bytes().get(i)?;
        if b < 0x80 {
            return Some((normalize_char(b as char), 1));
        }
        let c = self.text[i..].chars().next()?;
        Some((normalize_char(c), c.len_utf8()))
    }

    /// The folded character ending at byte `end`.
    #[inline]
    fn last_char(&self, end: usize) -> char {
        self.text[..end]
            .chars()
            .next_back()
            .map_or(' ', normalize_char)
    }

    #[inline]
    fn next_is(&self, i: usize, pred: impl Fn(char) -> bool) -> bool {
        self.at(i).is_some_and(|(c, _)| pred(c))
    }

    /// End of a run of word characters with internal apostrophes.
    fn word(&self, mut i: usize) -> usize {
        let bytes = self.text.as_bytes();
        loop {
            // Fast path over the ASCII letters that make up most words.
            while bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
                i += 1;
            }
            let Some((c, len)) = self.at(i) else { break };
            if is_word_char(c) || (c == '\'' && self.next_is(i + len, char::is_alphabetic)) {
                i += len;
            } else {
                break;
            }
        }
        i
    }

    /// Single letters separated by periods, at least two of them. The final
    /// period is taken into the span: in "the U.S. and" it is part of the
    /// abbreviation, not the end of a clause.
    fn abbrev(&self, start: usize) -> Option<usize> {
        let mut i = start;
        let mut letters = 0;
        while let Some((c, len)) = self.at(i) {
            if !c.is_alphabetic() {
                break;
            }
            let after = i + len;
            match self.at(after) {
                Some(('.', dot)) => {
                    letters += 1;
                    i = after + dot;
                }
                Some((d, _)) if is_word_char(d) => return None,
                _ => {
                    letters += 1;
                    i = after;
                    break;
                }
            }
        }
        (letters >= 2).then_some(i)
    }

    /// Digits with `,`/`.` separators between digits and an optional `%`.
    /// Digits running straight into letters ("2nd", "1990s") make a word.
    fn number(&self, start: usize) -> (PieceKind, usize) {
        let mut i = self.digits(start);
        let mut plain = true;
        while let Some((',' | '.', 1)) = self.at(i) {
            if !self.next_is(i + 1, char::is_numeric) {
                break;
            }
            plain = false;
            i = self.digits(i + 1);
        }
        match self.at(i) {
            Some(('%', 1)) => (PieceKind::Number, i + 1),
            Some((c, _)) if plain && c.is_alphabetic() => (PieceKind::Word, self.word(i)),
            _ => (PieceKind::Number, i),
        }
    }

    fn digits(&self, mut i: usize) -> usize {
        while let Some((c, len)) = self.at(i) {
            if !c.is_numeric() {
                break;
            }
            i += len;
        }
        i
    }

    /// Everything that is neither a letter, a digit nor a space.
    fn symbol(&self, i: usize, c: char, len: usize, prev: char) -> (PieceKind, usize) {
        let next = i + len;
        match c {
            '@' if !is_word_char(prev) => {
                let end = self.run(next, |c| c.is_alphanumeric() || c == '_');
                if end > next {
                    return (PieceKind::Handle, end);
                }
            }
            '#' if !is_word_char(prev) => {
                let end = self.run(next, |c| c.is_alphanumeric() || c == '_' || is_extender(c));
                if self.text[next..end].chars().any(char::is_alphabetic) {
                    return (PieceKind::Hashtag, end);
                }
            }
            '-' if prev.is_alphanumeric() && self.next_is(next, char::is_alphanumeric) => {
                return (PieceKind::Punct, i);
            }
            c if is_currency(c) && self.next_is(next, |d| d.is_ascii_digit()) => {
                if let (PieceKind::Number, end) = self.number(next) {
                    return (PieceKind::Number, end);
                }
            }
            _ => {}
        }
        (PieceKind::Punct, self.punct_end(c, next))
    }

    fn run(&self, mut i: usize, pred: impl Fn(char) -> bool) -> usize {
        while let Some((c, len)) = self.at(i) {
            if !pred(c) {
                break;
            }
            i += len;
        }
        i
    }

    /// Extends a one-character symbol over whatever renders as part of it:
    /// combining marks, skin tones, ZWJ emoji sequences, flag pairs.
    fn punct_end(&self, first: char, mut i: usize) -> usize {
        if is_regional_indicator(first)
            && let Some((c, len)) = self.at(i)
            && is_regional_indicator(c)
        {
            i += len;
        }
        while let Some((c, len)) = self.at(i) {
            if is_extender(c) {
                i += len;
            } else if c == '\u{200D}' {
                i += len;
                match self.at(i) {
                    Some((n, nl)) if !n.is_ascii() && !is_word_char(n) && !n.is_whitespace() => {
                        i += nl
                    }
                    _ => {}
                }
            } else {
                break;
            }
        }
        i
    }

    /// A URL starting at `i`, if there is one: `http://`, `https://` or
    /// `www.` up to the next space or quote, minus trailing punctuation that
    /// belongs to the sentence rather than the link.
    fn url(&self, i: usize, prev: char) -> Option<usize> {
        let rest = &self.text.as_bytes()[i..];
        if !matches!(rest.first(), Some(b'h' | b'H' | b'w' | b'W'))
            || is_word_char(prev)
            || prev == '@'
        {
            return None;
        }
        let has = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
        let body = i + [&b"https://"[..], b"http://", b"www."]
            .into_iter()
            .find(|p| has(p))?
            .len();
        let mut end = body;
        while let Some((c, len)) = self.at(end) {
            if c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>') {
                break;
            }
            end += len;
        }
        while end > body {
            let raw = self.text[..end].chars().next_back()?;
            let url = &self.text[i..end];
            let trim = match normalize_char(raw) {
                '.' | ',' | ';' | ':' | '!' | '?' | '\'' => true,
                ')' => !url.contains('('),
                ']' => !url.contains('['),
                _ => false,
            };
            if !trim {
                break;
            }
            end -= raw.len_utf8();
        }
        (end > body).then_some(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<(&str, PieceKind)> {
        let mut v = Vec::new();
        pre_tokenize(text, |p| v.push((&text[p.start..p.end], p.kind)));
        v
    }

    use PieceKind::*;

    #[test]
    fn words_numbers_and_punct() {
        assert_eq!(
            pieces("Pakistan’s 39,000 troops, $6.1bn!"),
            [
                ("Pakistan’s", Word),
                ("39,000", Number),
                ("troops", Word),
                (",", Punct),
                ("$6.1", Number),
                ("bn", Word),
                ("!", Punct)
            ]
        );
    }

    #[test]
    fn abbreviations_keep_their_final_period() {
        assert_eq!(pieces("U.S. aid"), [("U.S.", Abbrev), ("aid", Word)]);
        assert_eq!(pieces("the U.S"), [("the", Word), ("U.S", Abbrev)]);
        assert_eq!(
            pieces("A. Smith"),
            [("A", Word), (".", Punct), ("Smith", Word)]
        );
        assert_eq!(
            pieces("end.Next"),
            [("end", Word), (".", Punct), ("Next", Word)]
        );
    }

    #[test]
    fn joining_hyphens_vanish_free_ones_stay() {
        assert_eq!(pieces("anti-US"), [("anti", Word), ("US", Word)]);
        assert_eq!(pieces("a – b"), [("a", Word), ("–", Punct), ("b", Word)]);
        assert_eq!(pieces("-5"), [("-", Punct), ("5", Number)]);
    }

    #[test]
    fn urls_trim_sentence_punctuation() {
        assert_eq!(
            pieces("see https://x.com/a_(b). ok"),
            [
                ("see", Word),
                ("https://x.com/a_(b)", Url),
                (".", Punct),
                ("ok", Word)
            ]
        );
        assert_eq!(
            pieces("(www.dawn.com)"),
            [("(", Punct), ("www.dawn.com", Url), (")", Punct)]
        );
        assert_eq!(pieces("www."), [("www", Word), (".", Punct)]);
    }

    #[test]
    fn handles_hashtags_and_emails() {
        assert_eq!(
            pieces("@imran_khan #Kashmir"),
            [("@imran_khan", Handle), ("#Kashmir", Hashtag)]
        );
        assert_eq!(
            pieces("a@b #1"),
            [
                ("a", Word),
                ("@", Punct),
                ("b", Word),
                ("#", Punct),
                ("1", Number)
            ]
        );
    }

    #[test]
    fn emoji_sequences_stay_whole() {
        assert_eq!(pieces("🇵🇰👍🏽"), [("🇵🇰", Punct), ("👍🏽", Punct)]);
        assert_eq!(pieces("👨\u{200D}👩"), [("👨\u{200D}👩", Punct)]);
        assert_eq!(pieces("cafe\u{301}"), [("cafe\u{301}", Word)]);
        assert_eq!(pieces("a\nb"), [("a", Word), ("\n", Break), ("b", Word)]);
    }
}
