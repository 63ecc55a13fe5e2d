//! Negation scope stage.
//!
//! "India is not a friend of Pakistan" and "India is a friend of Pakistan"
//! share every content word. Marking the words that follow a negation up to
//! the end of the clause (the classic Das & Chen / Pang et al. heuristic)
//! lets a bag-of-words model tell them apart at the cost of one bit per
//! token. Clause punctuation is a crude but robust scope boundary for short
//! comments, which rarely nest negations.

/// Words that open a negation scope. Matched case-insensitively against the
/// word *before* stemming ("nothing" stems to "noth"). `n't` never reaches
/// this list: the contraction stage has already rewritten it to "not".
const TRIGGERS: [&str; 11] = [
    "not", "no", "never", "cannot", "nor", "without", "none", "nobody", "nothing", "neither", "n't",
];

/// Whether `word` (unstemmed, any case) opens a negation scope.
pub fn is_negation_trigger(word: &str) -> bool {
    // Every trigger is 2..=7 ASCII bytes; most words fail the length test.
    (2..=7).contains(&word.len()) && TRIGGERS.iter().any(|t| t.eq_ignore_ascii_case(word))
}

/// Whether a punctuation mark closes a clause and with it any open
/// negation scope. Includes the CJK and Arabic forms, which comments in those
/// scripts use in place of the ASCII marks.
pub fn ends_clause(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '\n'
            | '…'
            | '。'
            | '，'
            | '；'
            | '：'
            | '！'
            | '？'
            | '、'
            | '،'
            | '؛'
            | '؟'
            | '۔'
    )
}

/// Running state of the negation stage, fed one token at a time in text
/// order. Kept as a tiny state machine rather than a pass over finished
/// tokens because clause breaks (newlines, and punctuation when punctuation
/// tokens are off) never become tokens.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NegationScope {
    enabled: bool,
    active: bool,
}

impl NegationScope {
    pub fn new(enabled: bool) -> Self {
        NegationScope {
            enabled,
            active: false,
        }
    }

    /// Returns the `negated` flag for a token and updates the scope. A
    /// trigger is not itself negated: "not" is the cause, not the content.
    #[inline]
    pub fn token(&mut self, is_trigger: bool) -> bool {
        if !self.enabled {
            return false;
        }
        if is_trigger {
            self.active = true;
            return false;
        }
        self.active
    }

    #[inline]
    pub fn end_clause(&mut self) {
        self.active = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triggers_match_any_case_only_whole_words() {
        for w in [
            "not", "NOT", "No", "never", "cannot", "nor", "without", "none", "nobody",
        ] {
            assert!(is_negation_trigger(w), "{w}");
        }
        for w in ["nothing", "neither", "n't"] {
            assert!(is_negation_trigger(w), "{w}");
        }
        for w in [
            "note",
            "know",
            "on",
            "noth",
            "",
            "n",
            "nevertheless",
            "knot",
        ] {
            assert!(!is_negation_trigger(w), "{w}");
        }
    }

    #[test]
    fn scope_runs_from_trigger_to_clause_end() {
        let mut s = NegationScope::new(true);
        assert!(!s.token(false));
        assert!(!s.token(true));
        assert!(s.token(false));
        assert!(s.token(false));
        s.end_clause();
        assert!(!s.token(false));
    }

    #[test]
    fn disabled_scope_marks_nothing() {
        let mut s = NegationScope::new(false);
        s.token(true);
        assert!(!s.token(false));
    }

    #[test]
    fn clause_marks() {
        for c in ".,;:!?\n。؟".chars() {
            assert!(ends_clause(c), "{c:?}");
        }
        for c in "-'\"()/&".chars() {
            assert!(!ends_clause(c), "{c:?}");
        }
    }
}
