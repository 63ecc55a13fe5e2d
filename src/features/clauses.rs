//! Clauses as the unit of what is said about whom.
//!
//! Comments set actors against each other clause by clause: "<o> betrays
//! its friends, while <t> stands by them". A bag of words over the whole
//! text gives both actors the same words, so a linear model cannot tell
//! their stances apart. With the clauses known (the lexicon stage finds
//! them: clause punctuation and contrast words), a target's row keeps its
//! context window inside its own clause ([`super::extract::window_bounds`])
//! and leaves out the clauses that name only other actors
//! ([`foreign_clauses`]). Measured by grouped CV on the labelled comments:
//! see `models/README.md`.

use std::ops::Range;

/// The positions of `q`'s clause in a sequence of clause ids.
pub(crate) fn clause_range(clause: &[u32], q: usize) -> Range<usize> {
    let c = clause[q];
    let lo = clause[..q]
        .iter()
        .rposition(|&x| x != c)
        .map_or(0, |i| i + 1);
    let hi = clause[q..]
        .iter()
        .position(|&x| x != c)
        .map_or(clause.len(), |i| q + i);
    lo..hi
}

/// Marks in `out` the positions of the clauses that name another actor
/// (`other`) but not the target (`own`): what such a clause says is said
/// about that actor, so the target's row leaves its words out ("<o> is a
/// true friend, unlike <t>"). `out` stays empty when nothing is marked,
/// and when the target is not mentioned at all (the text says nothing of
/// it, so nothing is set against it).
pub(crate) fn foreign_clauses(
    clause: &[u32],
    own: impl Fn(usize) -> bool,
    other: impl Fn(usize) -> bool,
    out: &mut Vec<bool>,
) {
    out.clear();
    // Most rows name one actor: no clause can be foreign.
    let Some(&last) = clause.last() else {
        return;
    };
    if last == 0 || !(0..clause.len()).any(&other) {
        return;
    }
    // Clauses are runs of one id: mark each run as a whole, in `out`
    // itself (reused across rows), so the hot path allocates nothing.
    let (mut any_own, mut any_foreign) = (false, false);
    let mut lo = 0;
    while lo < clause.len() {
        let hi = clause_range(clause, lo).end;
        let o = (lo..hi).any(&own);
        let foreign = !o && (lo..hi).any(&other);
        any_own |= o;
        any_foreign |= foreign;
        out.extend(std::iter::repeat_n(foreign, hi - lo));
        lo = hi;
    }
    if !any_own || !any_foreign {
        out.clear();
    }
}

/// Whether any of `n` positions from `at` is marked by [`foreign_clauses`].
pub(crate) fn any_foreign(foreign: &[bool], at: usize, n: usize) -> bool {
    !foreign.is_empty() && foreign[at..at + n].iter().any(|&f| f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clause_is_the_run_of_its_id() {
        let c = [0, 0, 1, 1, 1, 2];
        assert_eq!(clause_range(&c, 0), 0..2);
        assert_eq!(clause_range(&c, 3), 2..5);
        assert_eq!(clause_range(&c, 5), 5..6);
    }

    /// "<o> is a true friend , unlike <t>" as clause ids.
    const CLAUSE: [u32; 7] = [0, 0, 0, 0, 0, 1, 1];

    #[test]
    fn clauses_naming_only_another_actor_are_foreign() {
        let mut out = Vec::new();
        foreign_clauses(&CLAUSE, |i| i == 6, |i| i == 0, &mut out);
        assert_eq!(out, [true, true, true, true, true, false, false]);
        assert!(any_foreign(&out, 4, 2) && !any_foreign(&out, 5, 2));
    }

    #[test]
    fn nothing_is_foreign_when_the_target_shares_every_clause_or_is_absent() {
        let mut out = vec![true];
        // Both actors in one clause.
        foreign_clauses(&[0, 0, 0], |i| i == 0, |i| i == 2, &mut out);
        assert!(out.is_empty());
        // The target not mentioned: nothing is set against it.
        foreign_clauses(&CLAUSE, |_| false, |i| i == 0, &mut out);
        assert!(out.is_empty() && !any_foreign(&out, 0, 3));
    }
}
