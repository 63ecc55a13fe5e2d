//! The assembled pipeline: pre-tokenizer → clitic splitter → case folding
//! and stemming → negation scope, run as one streaming pass per text.

use std::fmt;

use rust_stemmers::{Algorithm, Stemmer};

use super::contractions;
use super::negation::{NegationScope, ends_clause, is_negation_trigger};
use super::normalize::{is_invisible, normalize_char};
use super::pretokenize::{Piece, PieceKind, pre_tokenize};
use super::stem::stem;
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
        out.clear();
        out.reserve(text.len() / 6);
        let mut run = Run {
            tokenizer: self,
            text,
            out,
            scope: NegationScope::new(self.config.mark_negation),
            scratch: String::new(),
        };
        pre_tokenize(text, |piece| run.piece(piece));
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

/// State for tokenising one text.
struct Run<'t, 's> {
    tokenizer: &'t Tokenizer,
    text: &'s str,
    out: &'s mut Vec<Token>,
    scope: NegationScope,
    /// Case-folded word before stemming; reused across the words of a text.
    scratch: String,
}

impl Run<'_, '_> {
    fn piece(&mut self, p: Piece) {
        let fixed = |text: &str| Some((text.to_owned(), false));
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
                    (
                        self.text[p.start..p.end]
                            .chars()
                            .map(normalize_char)
                            .collect(),
                        false,
                    )
                });
                (TokenKind::Punct, text)
            }
            PieceKind::Abbrev => {
                let surface = &self.text[p.start..p.end];
                let surface = surface.strip_suffix('.').unwrap_or(surface);
                self.fold(surface);
                (TokenKind::Word, Some((self.scratch.clone(), false)))
            }
            PieceKind::Number => (TokenKind::Number, fixed("<num>")),
            PieceKind::Url => (TokenKind::Url, fixed("<url>")),
            PieceKind::Handle => (TokenKind::Handle, fixed("<user>")),
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
                Some(full) => (full.to_owned(), is_negation_trigger(full)),
                None => self.render(bs, be),
            };
            self.push(text, bs, be, TokenKind::Word, trigger);
        }
        for (cs, ce, clitic) in split.clitics.into_iter().flatten() {
            if let Some(full) = clitic {
                self.push(
                    full.to_owned(),
                    cs,
                    ce,
                    TokenKind::Word,
                    is_negation_trigger(full),
                );
            }
        }
    }

    /// Case-folds and stems `text[start..end]`; also reports whether the
    /// unstemmed form is a negation trigger.
    fn render(&mut self, start: usize, end: usize) -> (String, bool) {
        let text = self.text;
        self.fold(&text[start..end]);
        let trigger = is_negation_trigger(&self.scratch);
        let text = match &self.tokenizer.stemmer {
            Some(stemmer) => stem(stemmer, &self.scratch),
            None => self.scratch.clone(),
        };
        (text, trigger)
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
