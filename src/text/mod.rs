//! Word tokenisation of news comments.
//!
//! Comments are short, noisy and full of the things stance depends on:
//! negations ("didn't"), possessives ("Pakistan's"), compounds
//! ("Pakistan-Russia", "anti-US"), abbreviations ("U.S."), hashtags, links and
//! handles. The tokenizer is a pipeline of small stages in the style of
//! HuggingFace `tokenizers`, each in its own file so it can be changed or
//! replaced on its own:
//!
//! 1. [`normalize`] — a char-to-char fold of quotes, dashes and spaces,
//!    applied on the fly so that spans stay in original byte offsets;
//! 2. `pretokenize` — one scan cutting the text into words, numbers, URLs,
//!    handles, hashtags and punctuation;
//! 3. `contractions` — clitic splitting ("didn't" → "did" + "not",
//!    "Pakistan's" → "Pakistan"; see that module for the rules);
//! 4. case folding and English Snowball stemming (`stem`);
//! 5. `negation` — marks tokens between a negation trigger and the end of
//!    the clause.
//!
//! Hyphens between two letters or digits split a compound and are dropped;
//! other hyphens and dashes are punctuation. Numbers, URLs and handles are
//! replaced by placeholders (`<num>`, `<url>`, `<user>`) because their exact
//! values are noise for stance but their presence is not.
//!
//! The stages stream into the output vector with no intermediate buffers, so
//! the cost per token is essentially one allocation for its text.

mod contractions;
mod negation;
mod normalize;
mod pretokenize;
mod stem;
mod tokenizer;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use negation::{ends_clause, is_negation_trigger};
pub use normalize::{normalize, normalize_char};
pub use tokenizer::Tokenizer;

use serde::{Deserialize, Serialize};

/// One token with its byte span in the ORIGINAL (un-normalised) text.
///
/// `&text[start..end]` is the surface the token came from, so features can be
/// traced back to (and highlighted in) the comment. `text` is the final form
/// after folding, case folding, stemming and clitic expansion, so the two
/// differ: "Pakistan’s" has text "pakistan" and span "Pakistan"; the "n't" of
/// "didn't" has text "not".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    /// Inside a negation scope: after a trigger, before the clause ends.
    pub negated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters and digits, including abbreviations ("u.s") and clitic
    /// expansions ("not", "are").
    Word,
    /// Text `<num>`.
    Number,
    /// Text `<url>`.
    Url,
    /// An @handle; text `<user>`.
    Handle,
    /// Text is the body without `#`, folded and stemmed like a word, so
    /// `#Kashmir` and "Kashmir" share a feature while the kind tells them
    /// apart.
    Hashtag,
    /// A punctuation mark or symbol (emoji included), text the folded
    /// character(s). Only produced when `keep_punct` is set.
    Punct,
}

/// Tokenizer options. Serialisable so that a trained model can record the
/// exact tokenisation it was trained with; missing fields take defaults so
/// old configs keep loading when options are added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenizerConfig {
    /// Unicode lower-casing of words and hashtags.
    pub lowercase: bool,
    /// English Snowball stemming of ASCII words and hashtags.
    pub stem: bool,
    /// Set `Token::negated` (otherwise it is always false).
    pub mark_negation: bool,
    /// Emit `Punct` tokens. Clause punctuation ends negation scopes
    /// whether or not it is emitted.
    pub keep_punct: bool,
}

impl Default for TokenizerConfig {
    fn default() -> Self {
        TokenizerConfig {
            lowercase: true,
            stem: true,
            mark_negation: true,
            keep_punct: false,
        }
    }
}
