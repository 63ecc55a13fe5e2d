//! The actors stance is measured toward, read from `labels/actors.toml`, and
//! the detection of their mentions in text.
//!
//! Matching is on whole words only: a name matches where neither the character
//! before nor the one after is alphanumeric, so the possessive "Pakistan’s" and
//! the compound "Pakistan-Russia" match, "Indiana" does not match "India", and
//! "us" the pronoun does not match "US" because "US" is listed under `exact`
//! (case-sensitive). Overlapping candidates resolve leftmost-longest.

use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result, display_path};

/// The actors file the binary was built with (`labels/actors.toml`): the
/// actors scored and labelled when no project has its own, so an installed
/// `stance` finds, from any folder, the mentions it finds in its checkout.
pub const EMBEDDED_TOML: &str = include_str!("../labels/actors.toml");

/// How messages name [`EMBEDDED_TOML`].
pub const EMBEDDED_ORIGIN: &str = "<built-in labels/actors.toml>";

/// One actor as configured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub code: String,
    pub name: String,
    /// Matched ignoring ASCII case.
    #[serde(default)]
    pub names: Vec<String>,
    /// Matched exactly.
    #[serde(default)]
    pub exact: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorsFile {
    actor: Vec<Actor>,
}

/// One mention of an actor: byte span into the text it was found in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    pub actor: usize,
    pub start: usize,
    pub end: usize,
}

/// The configured actors with their compiled matchers.
#[derive(Debug, Clone)]
pub struct ActorSet {
    actors: Vec<Actor>,
    /// SHA-256 of the file's bytes: models record it so a model is never
    /// applied with a different actor list than it was trained with.
    digest: String,
    folded: AhoCorasick,
    folded_owner: Vec<usize>,
    exact: AhoCorasick,
    exact_owner: Vec<usize>,
}

impl ActorSet {
    pub fn from_file(path: &Path) -> Result<ActorSet> {
        let bytes = crate::limits::read_config(path)?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            Error::invalid(
                Location::of_path(path, None),
                format!("invalid UTF-8 at byte {}", e.valid_up_to()),
            )
        })?;
        ActorSet::from_toml(text)
            .map_err(|(line, msg)| Error::invalid(Location::new(display_path(path), line), msg))
    }

    /// The built-in actors file ([`EMBEDDED_TOML`]), checked by a test.
    pub fn embedded() -> ActorSet {
        ActorSet::from_toml(EMBEDDED_TOML).expect("the built-in actors file is valid")
    }

    /// Parses the TOML text; on error returns the 1-based line (when known)
    /// and the message.
    pub fn from_toml(text: &str) -> std::result::Result<ActorSet, (Option<u64>, String)> {
        let file: ActorsFile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() as u64 + 1);
            (line, e.message().to_string())
        })?;
        let digest = crate::digest::sha256_hex(text.as_bytes());
        ActorSet::new(file.actor, digest).map_err(|m| (None, m))
    }

    pub fn new(actors: Vec<Actor>, digest: String) -> std::result::Result<ActorSet, String> {
        if actors.is_empty() {
            return Err("no actors defined".into());
        }
        let mut folded_pats = Vec::new();
        let mut folded_owner = Vec::new();
        let mut exact_pats = Vec::new();
        let mut exact_owner = Vec::new();
        for (i, a) in actors.iter().enumerate() {
            let code_ok = !a.code.is_empty()
                && a.code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !code_ok {
                return Err(format!(
                    "actor code {:?} must be non-empty ASCII letters, digits or _",
                    a.code
                ));
            }
            if actors[..i].iter().any(|b| b.code == a.code) {
                return Err(format!("actor code {} is defined twice", a.code));
            }
            if a.names.is_empty() && a.exact.is_empty() {
                return Err(format!("actor {} has no names", a.code));
            }
            for n in a.names.iter().chain(&a.exact) {
                if n.trim().is_empty() {
                    return Err(format!("actor {} has an empty name", a.code));
                }
            }
            // A name under two actors would send every mention to whichever
            // comes first, silently. Folded names match any case, so they
            // clash with a name of another actor that is equal ignoring case.
            for n in &a.names {
                if let Some(b) = actors[..i].iter().find(|b| {
                    b.names
                        .iter()
                        .chain(&b.exact)
                        .any(|m| m.eq_ignore_ascii_case(n))
                }) {
                    return Err(format!(
                        "the name {n:?} is listed under both {} and {}",
                        b.code, a.code
                    ));
                }
            }
            for n in &a.exact {
                if let Some(b) = actors[..i].iter().find(|b| {
                    b.exact.iter().any(|m| m == n)
                        || b.names.iter().any(|m| m.eq_ignore_ascii_case(n))
                }) {
                    return Err(format!(
                        "the name {n:?} is listed under both {} and {}",
                        b.code, a.code
                    ));
                }
            }
            folded_pats.extend(a.names.iter().cloned());
            folded_owner.extend(std::iter::repeat_n(i, a.names.len()));
            exact_pats.extend(a.exact.iter().cloned());
            exact_owner.extend(std::iter::repeat_n(i, a.exact.len()));
        }
        let build = |pats: &[String], fold: bool| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(fold)
                .match_kind(MatchKind::Standard)
                .build(pats)
                .map_err(|e| format!("cannot compile actor names: {e}"))
        };
        Ok(ActorSet {
            folded: build(&folded_pats, true)?,
            exact: build(&exact_pats, false)?,
            actors,
            digest,
            folded_owner,
            exact_owner,
        })
    }

    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    pub fn len(&self) -> usize {
        self.actors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.actors.is_empty()
    }

    pub fn digest(&self) -> &str {
        &self.digest
    }

    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.actors.iter().map(|a| a.code.as_str())
    }

    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.code == code)
    }

    /// The actor a target string stands for: its code, or (ignoring ASCII
    /// case) its display name or any of its names ("Russia", "Putin" →
    /// RUS). Data sets name their targets in words; the model should treat
    /// "Russia" in RUW as the RUS it scores in comments.
    pub fn resolve(&self, target: &str) -> Option<usize> {
        let t = target.trim();
        self.index_of(t).or_else(|| {
            self.actors.iter().position(|a| {
                std::iter::once(&a.name)
                    .chain(&a.names)
                    .chain(&a.exact)
                    .any(|n| n.eq_ignore_ascii_case(t))
            })
        })
    }

    /// Every mention, in text order, non-overlapping.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        let mut out = Vec::new();
        self.mentions_into(text, &mut out);
        out
    }

    /// Like [`ActorSet::mentions`], reusing the buffer (the scoring hot path).
    pub fn mentions_into(&self, text: &str, out: &mut Vec<Mention>) {
        out.clear();
        let bytes = text.as_bytes();
        let candidates = self
            .folded
            .find_overlapping_iter(text)
            .map(|m| (m, &self.folded_owner))
            .chain(
                self.exact
                    .find_overlapping_iter(text)
                    .map(|m| (m, &self.exact_owner)),
            )
            .filter(|(m, _)| on_word_boundaries(text, bytes, m.start(), m.end()))
            .map(|(m, owner)| Mention {
                actor: owner[m.pattern().as_usize()],
                start: m.start(),
                end: m.end(),
            });
        out.extend(candidates);
        // Leftmost first, longest first at the same start; then drop overlaps.
        out.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut last_end = 0;
        out.retain(|m| {
            let keep = m.start >= last_end;
            if keep {
                last_end = m.end;
            }
            keep
        });
    }
}

/// Where a free-text target (not an actor) is mentioned: whole-word,
/// ASCII-case-insensitive occurrences of the target phrase and, for a
/// name of two or three capitalised words ("Donald Trump"), of each of
/// its words of four letters or more ("Trump"). Appends byte spans in text
/// order, without overlaps; allocation-free apart from `out`.
pub fn target_phrase_spans(text: &str, target: &str, out: &mut Vec<(usize, usize)>) {
    let target = target.trim();
    if target.is_empty() {
        return;
    }
    let from = out.len();
    let bytes = text.as_bytes();
    let mut find = |needle: &str| {
        let n = needle.len();
        if n == 0 || n > bytes.len() {
            return;
        }
        for start in 0..=bytes.len() - n {
            if text.is_char_boundary(start)
                && text.is_char_boundary(start + n)
                && bytes[start..start + n].eq_ignore_ascii_case(needle.as_bytes())
                && on_word_boundaries(text, bytes, start, start + n)
            {
                out.push((start, start + n));
            }
        }
    };
    find(target);
    let words = target.split_whitespace().count();
    let is_name = (2..=3).contains(&words)
        && target
            .split_whitespace()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    if is_name {
        for w in target.split_whitespace().filter(|w| w.chars().count() >= 4) {
            find(w);
        }
    }
    let found = &mut out[from..];
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut last_end = 0;
    let mut keep = from;
    for i in from..out.len() {
        if out[i].0 >= last_end {
            last_end = out[i].1;
            out[keep] = out[i];
            keep += 1;
        }
    }
    out.truncate(keep);
}

fn on_word_boundaries(text: &str, bytes: &[u8], start: usize, end: usize) -> bool {
    let is_word = |c: char| c.is_alphanumeric();
    // A name ending in '.' ("U.S.") may be followed by anything.
    let before_ok = start == 0 || !text[..start].chars().next_back().is_some_and(is_word);
    let after_ok = end == bytes.len()
        || bytes[end - 1] == b'.'
        || !text[end..].chars().next().is_some_and(is_word);
    before_ok && after_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> ActorSet {
        ActorSet::from_file(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/labels/actors.toml"
        )))
        .unwrap()
    }

    #[test]
    fn the_built_in_actors_file_is_the_shipped_one() {
        let built_in = ActorSet::embedded();
        assert_eq!(built_in.digest(), shipped().digest());
        assert!(built_in.codes().any(|c| c == "PAK"));
    }

    #[test]
    fn a_name_under_two_actors_is_refused_naming_both() {
        let toml = "[[actor]]\ncode = \"PAK\"\nname = \"Pakistan\"\nnames = [\"Pakistan\", \"Russia\"]\n\n\
                    [[actor]]\ncode = \"RUS\"\nname = \"Russia\"\nnames = [\"russia\"]\n";
        let Err((_, err)) = ActorSet::from_toml(toml) else {
            panic!("a name under two actors was accepted");
        };
        assert!(
            err.contains("PAK") && err.contains("RUS") && err.contains("russia"),
            "{err}"
        );
        let exact = "[[actor]]\ncode = \"A\"\nname = \"A\"\nexact = [\"US\"]\n\n\
                     [[actor]]\ncode = \"B\"\nname = \"B\"\nexact = [\"US\"]\n";
        assert!(ActorSet::from_toml(exact).is_err());
        // Different case under `exact` is two different names.
        let fine = "[[actor]]\ncode = \"A\"\nname = \"A\"\nexact = [\"US\"]\n\n\
                    [[actor]]\ncode = \"B\"\nname = \"B\"\nexact = [\"Us\"]\n";
        assert!(ActorSet::from_toml(fine).is_ok());
    }

    #[test]
    fn targets_resolve_by_code_or_any_name() {
        let set = shipped();
        let code = |t: &str| set.resolve(t).map(|a| set.actors()[a].code.clone());
        assert_eq!(code("RUS").as_deref(), Some("RUS"));
        assert_eq!(code("Russia").as_deref(), Some("RUS"));
        assert_eq!(code("putin").as_deref(), Some("RUS"));
        assert_eq!(code("Ukraine"), None);
    }

    #[test]
    fn free_targets_are_found_by_their_words() {
        let spans = |text: &str, target: &str| {
            let mut out = Vec::new();
            target_phrase_spans(text, target, &mut out);
            out.iter()
                .map(|&(a, b)| text[a..b].to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            spans("I love nepal and NEPAL.", "Nepal"),
            ["nepal", "NEPAL"]
        );
        assert_eq!(spans("Nepalese food", "Nepal"), Vec::<String>::new());
        assert_eq!(
            spans("Donald Trump said Trump is great", "Donald Trump"),
            ["Donald Trump", "Trump"]
        );
        // Only names split into words: "gun" alone is not "gun control".
        assert_eq!(
            spans("a gun and control", "gun control"),
            Vec::<String>::new()
        );
        assert_eq!(spans("ban gun control now", "gun control"), ["gun control"]);
        assert_eq!(spans("ünïcode Nepal", "Nepal"), ["Nepal"]);
    }

    fn found(set: &ActorSet, text: &str) -> Vec<(String, String)> {
        set.mentions(text)
            .into_iter()
            .map(|m| {
                (
                    set.actors()[m.actor].code.clone(),
                    text[m.start..m.end].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn shipped_file_has_the_six_actors() {
        let s = shipped();
        let codes: Vec<_> = s.codes().collect();
        assert_eq!(codes, ["PAK", "RUS", "CHN", "USA", "IND", "AFG"]);
    }

    #[test]
    fn word_boundaries_and_case() {
        let s = shipped();
        assert_eq!(
            found(
                &s,
                "Let us think: the US and U.S. policy in Pakistan’s view."
            ),
            [
                ("USA".into(), "US".into()),
                ("USA".into(), "U.S.".into()),
                ("PAK".into(), "Pakistan".into())
            ]
        );
        assert!(found(&s, "Indiana, Russiagate, usa-style, Chinatown").is_empty());
        assert_eq!(
            found(&s, "Pakistani and Indo-Pak ties; Indian Ocean"),
            [
                ("PAK".into(), "Pakistani".into()),
                ("IND".into(), "Indo".into()),
                ("PAK".into(), "Pak".into()),
                ("IND".into(), "Indian".into()),
            ]
        );
    }

    #[test]
    fn longest_match_wins() {
        let s = shipped();
        assert_eq!(
            found(&s, "the Russian Federation and Vladimir Putin"),
            [
                ("RUS".into(), "Russian Federation".into()),
                ("RUS".into(), "Vladimir Putin".into())
            ]
        );
    }

    #[test]
    fn spans_on_non_ascii_text() {
        let s = shipped();
        let t = "Détente — “Moscow” ‘Islamabad’";
        let m = s.mentions(t);
        assert_eq!(m.len(), 2);
        assert_eq!(&t[m[0].start..m[0].end], "Moscow");
        assert_eq!(&t[m[1].start..m[1].end], "Islamabad");
    }

    #[test]
    fn bad_files() {
        let err = ActorSet::from_toml("[[actor]]\ncode = \"X\"\nname = 3\n").unwrap_err();
        assert_eq!(err.0, Some(3));
        let dup = "[[actor]]\ncode=\"A\"\nname=\"a\"\nnames=[\"a\"]\n[[actor]]\ncode=\"A\"\nname=\"b\"\nnames=[\"b\"]\n";
        assert!(ActorSet::from_toml(dup).unwrap_err().1.contains("twice"));
        assert!(ActorSet::from_toml("").is_err());
        let bad_key = "[[actor]]\ncode=\"A\"\nname=\"a\"\nnames=[\"a\"]\ncolour=1\n";
        assert!(
            ActorSet::from_toml(bad_key)
                .unwrap_err()
                .1
                .contains("colour")
        );
    }
}
