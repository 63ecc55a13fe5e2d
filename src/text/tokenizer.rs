//! The assembled pipeline: pre-tokenizer → clitic splitter → case folding
//! and stemming → negation scope, run as one streaming pass per text.

use std::fmt;

use rust_stemmers::{Algorithm, Stemmer};

use super::contractions;
use super::negation::{NegationScope, ends_clause, is_negation_trigger};
use super::normalize::{is_invisible, normalize_char};
use super::pretokenize::{Piece, PieceKind, pre_tokenize};
use super::stem::stem_into;
use super::{Token, TokenKind, TokenizerConfig};

/// A configured tokenizer. Immutable once built, so one instance can be
/// shared by reference across threads (it is `Send + Sync`).
pub struct Tokenizer {
    config: TokenizerConfig,
    stemmer: Option<Stemmer>,
}

impl Tokenizer {
    pub fn new(config: TokenizerConfig) -> Tokenizer {
        let stemmer = config.stem.then(|| Stemmer::create(Algorithm::English));
        Tokenizer { config, stemmer }
    }

    pub fn config(&self) -> &TokenizerConfig {
        &self.config
    }

    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        self.tokenize_into(text, &mut out);
        out
    }

    /// Like [`Tokenizer::tokenize`], but reuses `out`'s allocation, which
    /// matters when tokenising millions of comments in a loop.
    pub fn tokenize_into(&self, text: &str, out: &mut Vec<Token>) {
        // The old tokens' strings become the new ones' buffers: a text of
        // known words then allocates nothing.
        let mut spare = SPARE.take();
        spare.extend(out.drain(..).map(|t| t.text));
        out.reserve(text.len() / 6);
        let mut run = Run {
            tokenizer: self,
            text,
            out,
            scope: NegationScope::new(self.config.mark_negation),
            scratch: String::new(),
            spare,
        };
        pre_tokenize(text, |piece| run.piece(piece));
        let mut spare = run.spare;
        spare.truncate(MAX_SPARE);
        SPARE.set(spare);
    }
}

impl Default for Tokenizer {
    fn default() -> Self {
        Tokenizer::new(TokenizerConfig::default())
    }
}

impl Clone for Tokenizer {
    fn clone(&self) -> Self {
        Tokenizer::new(self.config.clone())
    }
}

impl fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokenizer")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

thread_local! {
    /// Token strings kept for reuse, per thread (a shared `Tokenizer`
    /// needs no lock), at most [`MAX_SPARE`].
    static SPARE: std::cell::Cell<Vec<String>> = const { std::cell::Cell::new(Vec::new()) };
}
const MAX_SPARE: usize = 4096;

/// State for tokenising one text.
struct Run<'t, 's> {
    tokenizer: &'t Tokenizer,
    text: &'s str,
    out: &'s mut Vec<Token>,
    scope: NegationScope,
    /// Case-folded word before stemming; reused across the words of a text.
    scratch: String,
    /// Buffers for token texts.
    spare: Vec<String>,
}

impl Run<'_, '_> {
    /// An empty string to hold a token's text, reused when there is one.
    fn buffer(&mut self) -> String {
        let mut s = self.spare.pop().unwrap_or_default();
        s.clear();
        s
    }

    /// `text` in a reused buffer.
    fn owned(&mut self, text: &str) -> String {
        let mut s = self.buffer();
        s.push_str(text);
        s
    }

    fn piece(&mut self, p: Piece) {
        let (kind, rendered) = match p.kind {
            PieceKind::Break => {
                self.scope.end_clause();
                return;
            }
            PieceKind::Word => {
                self.word(p.start, p.end);
                return;
            }
            PieceKind::Punct => {
                let c = self.text[p.start..p.end]
                    .chars()
                    .next()
                    .map_or(' ', normalize_char);
                if ends_clause(c) {
                    self.scope.end_clause();
                }
                let text = self.tokenizer.config.keep_punct.then(|| {
                    let mut s = self.buffer();
                    s.extend(self.text[p.start..p.end].chars().map(normalize_char));
                    (s, false)
                });
                (TokenKind::Punct, text)
            }
            PieceKind::Abbrev => {
                let surface = &self.text[p.start..p.end];
                let surface = surface.strip_suffix('.').unwrap_or(surface);
                self.fold(surface);
                let s = std::mem::take(&mut self.scratch);
                let text = self.owned(&s);
                self.scratch = s;
                (TokenKind::Word, Some((text, false)))
            }
            PieceKind::Number => (TokenKind::Number, Some((self.owned("<num>"), false))),
            PieceKind::Url => (TokenKind::Url, Some((self.owned("<url>"), false))),
            PieceKind::Handle => (TokenKind::Handle, Some((self.owned("<user>"), false))),
            PieceKind::Hashtag => {
                // The '#' is one byte; hashtags count as words, never triggers.
                let text = self.render(p.start + 1, p.end).0;
                (TokenKind::Hashtag, Some((text, false)))
            }
        };
        if let Some((text, is_trigger)) = rendered {
            self.push(text, p.start, p.end, kind, is_trigger);
        }
    }

    /// A word piece: split off clitics, then render each part.
    fn word(&mut self, start: usize, end: usize) {
        if !contractions::may_have_apostrophe(&self.text[start..end]) {
            let (text, trigger) = self.render(start, end);
            self.push(text, start, end, TokenKind::Word, trigger);
            return;
        }
        let split = contractions::split(self.text, start, end);
        let (bs, be) = split.base;
        if be > bs {
            let (text, trigger) = match split.base_text {
                Some(full) => (self.owned(full), is_negation_trigger(full)),
                None => self.render(bs, be),
            };
            self.push(text, bs, be, TokenKind::Word, trigger);
        }
        for (cs, ce, clitic) in split.clitics.into_iter().flatten() {
            if let Some(full) = clitic {
                let text = self.owned(full);
                self.push(text, cs, ce, TokenKind::Word, is_negation_trigger(full));
            }
        }
    }

    /// Case-folds and stems `text[start..end]`; also reports whether the
    /// unstemmed form is a negation trigger.
    fn render(&mut self, start: usize, end: usize) -> (String, bool) {
        let text = self.text;
        self.fold(&text[start..end]);
        let trigger = is_negation_trigger(&self.scratch);
        let mut out = self.buffer();
        match &self.tokenizer.stemmer {
            Some(stemmer) => stem_into(stemmer, &self.scratch, &mut out),
            None => out.push_str(&self.scratch),
        }
        (out, trigger)
    }

    /// Writes the folded (and, if configured, lower-cased) form of `surface`
    /// into `scratch`, leaving out invisible format characters.
    fn fold(&mut self, surface: &str) {
        self.scratch.clear();
        let lowercase = self.tokenizer.config.lowercase;
        // Fast path for the usual plain-ASCII word: nothing to fold but case.
        if surface.bytes().all(|b| b.is_ascii() && b != b'`') {
            self.scratch.push_str(surface);
            if lowercase {
                self.scratch.make_ascii_lowercase();
            }
            return;
        }
        for c in surface.chars() {
            if is_invisible(c) {
                continue;
            }
            let c = normalize_char(c);
            if !lowercase {
                self.scratch.push(c);
            } else if c.is_ascii() {
                self.scratch.push(c.to_ascii_lowercase());
            } else {
                self.scratch.extend(c.to_lowercase());
            }
        }
    }

    fn push(&mut self, text: String, start: usize, end: usize, kind: TokenKind, trigger: bool) {
        let negated = self.scope.token(trigger);
        self.out.push(Token {
            text,
            start,
            end,
            kind,
            negated,
        });
    }
}
