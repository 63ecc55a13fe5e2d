//! Quotes centred on the actor's mention. A report quotes the strongest pro
//! and anti unit per actor; the start of a long comment rarely says why it
//! was quoted, the words around the actor's name do. [`centre_quotes`] adds
//! to each quoted unit a window of about [`CONTEXT_CHARS`] characters
//! around the first mention of the actor it is quoted for, cut at word
//! boundaries with `…` where text was left out.

use serde::{Deserialize, Serialize};

use super::ArticleReport;
use crate::actors::{ActorSet, target_phrase_spans};

/// Characters a centred quote shows, the mention included.
pub const CONTEXT_CHARS: usize = 160;

/// A quote around a mention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Context {
    /// Whitespace runs collapsed; starts or ends with `…` where cut.
    pub text: String,
    /// Byte span of the mention in `text`, for highlighting it.
    pub mention: [usize; 2],
}

/// Byte span of the first mention of `actor` in `text`: by the actors
/// file's names when `actor` is one of its codes, else by the words of the
/// target itself (free targets), as scoring finds them.
pub fn first_mention(text: &str, actor: &str, actors: Option<&ActorSet>) -> Option<(usize, usize)> {
    if let Some(set) = actors
        && let Some(i) = set.index_of(actor)
    {
        return set
            .mentions(text)
            .into_iter()
            .find(|m| m.actor == i)
            .map(|m| (m.start, m.end));
    }
    let mut spans = Vec::new();
    target_phrase_spans(text, actor, &mut spans);
    spans.first().copied()
}

/// `piece` with whitespace runs collapsed to one space, edges kept as one
/// space if they were whitespace.
fn collapse(piece: &str, out: &mut String) {
    let mut words = piece.split_whitespace().peekable();
    if words.peek().is_none() {
        if !piece.is_empty() {
            out.push(' ');
        }
        return;
    }
    if piece.starts_with(char::is_whitespace) {
        out.push(' ');
    }
    let mut first = true;
    for w in words {
        if !first {
            out.push(' ');
        }
        out.push_str(w);
        first = false;
    }
    if piece.ends_with(char::is_whitespace) {
        out.push(' ');
    }
}

/// About `width` characters of `text` around the byte span `[start, end)`:
/// half the room before the mention and half after (what one side lacks
/// goes to the other), widened to whole words.
pub fn window(text: &str, (start, end): (usize, usize), width: usize) -> Context {
    let room = width.saturating_sub(text[start..end].chars().count());
    let before_avail = text[..start].chars().count();
    let after_avail = text[end..].chars().count();
    let after = (room - (room / 2).min(before_avail)).min(after_avail);
    let before = (room - after).min(before_avail);
    // Byte offsets `before` characters back and `after` forward.
    let mut from = match before {
        0 => start,
        k => text[..start]
            .char_indices()
            .rev()
            .nth(k - 1)
            .map_or(0, |c| c.0),
    };
    let mut to = text[end..]
        .char_indices()
        .nth(after)
        .map_or(text.len(), |(i, _)| end + i);
    // A cut inside a word leaves the whole word out.
    if from > 0 && !text[..from].ends_with(char::is_whitespace) {
        from = text[from..start]
            .find(char::is_whitespace)
            .map_or(start, |i| from + i);
    }
    if to < text.len() && !text[to..].starts_with(char::is_whitespace) {
        to = text[end..to]
            .rfind(char::is_whitespace)
            .map_or(end, |i| end + i);
    }
    let mut out = String::with_capacity(width * 4);
    if !text[..from].trim().is_empty() {
        out.push('…');
    }
    let mut piece = String::new();
    collapse(&text[from..start], &mut piece);
    out.push_str(piece.trim_start());
    let m0 = out.len();
    collapse(&text[start..end], &mut out);
    let m1 = out.len();
    piece.clear();
    collapse(&text[end..to], &mut piece);
    out.push_str(piece.trim_end());
    if !text[to..].trim().is_empty() {
        out.push('…');
    }
    Context {
        text: out,
        mention: [m0, m1],
    }
}

/// Sets the `context` of every quoted unit in `reports` whose actor is
/// mentioned in its text. `text_of(doc_id, unit_id)` gives the full text
/// where known (else the quote's own excerpt is searched); `actors` finds
/// mentions by the names of the actors file.
pub fn centre_quotes<'t>(
    reports: &mut [ArticleReport],
    text_of: impl Fn(&str, &str) -> Option<&'t str>,
    actors: Option<&ActorSet>,
    width: usize,
) {
    for r in reports.iter_mut() {
        for s in r.sections.iter_mut() {
            for a in s.actors.iter_mut() {
                for u in [&mut a.strongest_pro, &mut a.strongest_anti]
                    .into_iter()
                    .flatten()
                {
                    let found = text_of(&r.doc_id, &u.unit_id);
                    let text = found.unwrap_or(&u.excerpt);
                    u.context =
                        first_mention(text, &a.actor, actors).map(|m| window(text, m, width));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, word: &str, width: usize) -> Context {
        let s = text.find(word).unwrap();
        window(text, (s, s + word.len()), width)
    }

    #[test]
    fn the_mention_is_in_the_middle_with_ellipses_where_cut() {
        let text = "one two three four five six Pakistan seven eight nine ten eleven";
        let c = at(text, "Pakistan", 30);
        assert_eq!(c.text, "…five six Pakistan seven…");
        assert_eq!(&c.text[c.mention[0]..c.mention[1]], "Pakistan");
        // Short texts are whole, without ellipses.
        let c = at("I love Pakistan.", "Pakistan", 160);
        assert_eq!(c.text, "I love Pakistan.");
        assert_eq!(c.mention, [7, 15]);
    }

    #[test]
    fn room_one_side_lacks_goes_to_the_other() {
        let text = "Pakistan one two three four five six seven eight nine ten";
        let c = at(text, "Pakistan", 30);
        assert_eq!(c.text, "Pakistan one two three four…");
        let text = "one two three four five six seven eight nine ten Pakistan";
        let c = at(text, "Pakistan", 30);
        assert_eq!(c.text, "…seven eight nine ten Pakistan");
        assert_eq!(c.mention[1], c.text.len());
    }

    #[test]
    fn whitespace_collapses_and_multibyte_text_is_cut_on_characters() {
        let text = "Ünïcödé\n\n  wörds\tbefore   Россия   and   after wörds ünd möre";
        let c = at(text, "Россия", 24);
        assert_eq!(&c.text[c.mention[0]..c.mention[1]], "Россия");
        assert!(!c.text.contains('\n') && !c.text.contains("  "), "{c:?}");
        assert!(c.text.starts_with('…') && c.text.ends_with('…'), "{c:?}");
        // A mention longer than the window is kept whole.
        let c = at("a Pakistan b", "Pakistan", 3);
        assert_eq!(c.text, "…Pakistan…");
    }

    #[test]
    fn mentions_by_actor_names_and_by_free_target_words() {
        let set = ActorSet::from_toml(
            "[[actor]]\ncode = \"PAK\"\nname = \"Pakistan\"\nnames = [\"Islamabad\"]\n",
        )
        .unwrap();
        let text = "Talks in Islamabad went well for Pakistan.";
        assert_eq!(first_mention(text, "PAK", Some(&set)), Some((9, 18)));
        assert_eq!(first_mention(text, "Pakistan", None), Some((33, 41)));
        assert_eq!(first_mention(text, "Nepal", Some(&set)), None);
    }
}
