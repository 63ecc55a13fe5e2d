//! The score record written per input row, as JSON lines or CSV. The same
//! struct is read back by `stance report`.

use std::io::Write;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::corpus::{Unit, UnitKind};
use crate::dataset::Example;
use crate::labels::{Sentiment, Stance};
use crate::model::evaluate::argmax;
use crate::model::predict::UnitScoreRef;
use crate::model::{StanceModel, UnitScore};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StanceProbs {
    pub pro: f32,
    pub anti: f32,
    pub none: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SentimentProbs {
    pub positive: f32,
    pub negative: f32,
    pub neutral: f32,
}

/// Stance toward one actor (or the given target).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorScore {
    pub actor: String,
    pub stance: Stance,
    pub probs: StanceProbs,
    pub mentioned: bool,
    /// The model saw no stance example of this actor (it was added to the
    /// actors file after training, or is a free-text target): its score
    /// rests on target-independent features alone. Written only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub zero_shot: bool,
}

/// One output row. Units carry `doc_id`, `unit_id`, `kind`, sentiment and a
/// score per actor of the model's actors file; target lines carry `id` and
/// one score for their target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<UnitKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<Sentiment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment_probs: Option<SentimentProbs>,
    pub actors: Vec<ActorScore>,
    /// The start of the text, so reports can quote units without the corpus.
    #[serde(default)]
    pub excerpt: String,
    /// The unit's author, time and every other column of its input row
    /// (outlet, likes, …), by name; absent when it has none. `report --by`
    /// groups by them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Map<String, Value>>,
}

/// A unit's `fields` as scores carry them: `author` and `posted_at` with
/// its extra fields, by name (sorted, as a `Map` serialises).
fn unit_fields(u: &Unit) -> Option<Map<String, Value>> {
    if u.author.is_none() && u.posted_at.is_none() && u.fields.is_none() {
        return None;
    }
    let mut m = u.fields.clone().unwrap_or_default();
    for (k, v) in [("author", &u.author), ("posted_at", &u.posted_at)] {
        if let Some(v) = v {
            m.insert(k.into(), Value::String(v.clone()));
        }
    }
    Some(m)
}

/// Writes `unit_fields(u)` as JSON, byte for byte, without building it:
/// the extras are already sorted, and `author` and `posted_at` are merged
/// in at their places.
fn write_unit_fields(out: &mut Vec<u8>, u: &Unit) {
    let own = [("author", &u.author), ("posted_at", &u.posted_at)];
    let mut own = own
        .iter()
        .filter_map(|(k, v)| Some((*k, v.as_deref()?)))
        .peekable();
    let mut extra = u.fields.iter().flatten().peekable();
    let mut sep: &[u8] = b"{";
    loop {
        let take_own = match (own.peek(), extra.peek()) {
            (Some((k, _)), Some((e, _))) => *k < e.as_str(),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        out.extend_from_slice(sep);
        sep = b",";
        if take_own {
            let (k, v) = own.next().expect("peeked");
            serde_json::to_writer(&mut *out, k).expect("writing to memory");
            out.push(b':');
            serde_json::to_writer(&mut *out, v).expect("writing to memory");
        } else {
            let (k, v) = extra.next().expect("peeked");
            serde_json::to_writer(&mut *out, k).expect("writing to memory");
            out.push(b':');
            serde_json::to_writer(&mut *out, v).expect("writing to memory");
        }
    }
    out.push(b'}');
}

/// A probability as score records hold it: rounded to 4 decimals (in
/// `f32`, half away from zero). `stance report` reads these, so counts
/// made from unrounded scores round the same way to quote the same units.
pub fn round4(p: f32) -> f32 {
    (p * 10_000.0).round() / 10_000.0
}

/// The stance of probabilities in [`Stance::ALL`] order: the most
/// probable, the first on a tie (so every caller breaks ties alike).
pub fn stance_label(p: &[f32]) -> Stance {
    Stance::ALL[argmax(&p[..p.len().min(3)])]
}

/// The sentiment of probabilities in [`Sentiment::ALL`] order, as
/// [`stance_label`] picks a stance.
pub fn sentiment_label(p: &[f32]) -> Sentiment {
    Sentiment::ALL[argmax(&p[..3])]
}

fn stance_of(p: &[f32]) -> (Stance, StanceProbs) {
    let probs = StanceProbs {
        pro: round4(p.first().copied().unwrap_or(0.0)),
        anti: round4(p.get(1).copied().unwrap_or(0.0)),
        none: round4(p.get(2).copied().unwrap_or(1.0)),
    };
    (stance_label(p), probs)
}

/// The start of `text` for quoting: whitespace runs collapsed to one
/// space, cut after `max_chars` characters with `…`.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    excerpt_into(text, max_chars, &mut out);
    out
}

/// [`excerpt`] into a reused buffer, in one pass.
pub fn excerpt_into(text: &str, max_chars: usize, out: &mut String) {
    out.clear();
    let mut n = 0;
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            if n == max_chars {
                out.push('…');
                return;
            }
            out.push(' ');
            n += 1;
        }
        for c in word.chars() {
            if n == max_chars {
                out.push('…');
                return;
            }
            out.push(c);
            n += 1;
        }
    }
}

/// Sentiment of unit probabilities, as in a [`ScoreRecord`].
fn sentiment_of(p: &[f32]) -> (Sentiment, SentimentProbs) {
    (
        sentiment_label(p),
        SentimentProbs {
            positive: round4(p[0]),
            negative: round4(p[1]),
            neutral: round4(p[2]),
        },
    )
}

/// A [`ScoreRecord`] by reference, to write without building one.
pub(crate) struct RecordRef<'a> {
    pub doc_id: Option<&'a str>,
    pub unit_id: Option<&'a str>,
    pub kind: Option<UnitKind>,
    pub id: Option<&'a str>,
    pub sentiment: Option<(Sentiment, SentimentProbs)>,
    /// `(actor, stance, probabilities, mentioned, zero-shot)`.
    pub actors: &'a [ActorRef<'a>],
    pub excerpt: &'a str,
    /// The unit whose fields to write, if it has any.
    pub fields: Option<&'a Unit>,
}

/// One actor's score by reference: `(actor, stance, probabilities,
/// mentioned, zero-shot)`.
pub(crate) type ActorRef<'a> = (&'a str, Stance, StanceProbs, bool, bool);

/// Buffers for writing records, one per thread.
#[derive(Default)]
pub(crate) struct WriteScratch<'m> {
    actors: Vec<ActorRef<'m>>,
    excerpt: String,
}

/// Writes the JSON line of a unit's scores: the bytes `write_record` gives
/// for `ScoreRecord::unit(model, u, score)`.
pub(crate) fn write_unit_json<'m>(
    out: &mut Vec<u8>,
    model: &'m StanceModel,
    u: &Unit,
    score: &UnitScoreRef<'_>,
    w: &mut WriteScratch<'m>,
) {
    w.actors.clear();
    let actors = model.actors().actors().iter().zip(model.zero_shot());
    for ((a, &zero_shot), (mentioned, p)) in actors.zip(score.actors()) {
        let (stance, probs) = stance_of(p);
        w.actors
            .push((a.code.as_str(), stance, probs, mentioned, zero_shot));
    }
    excerpt_into(&u.text, 100, &mut w.excerpt);
    write_json(
        out,
        &RecordRef {
            doc_id: Some(&u.doc_id),
            unit_id: Some(&u.unit_id),
            kind: Some(u.kind),
            id: None,
            sentiment: score.sentiment.map(sentiment_of),
            actors: &w.actors,
            excerpt: &w.excerpt,
            fields: (u.author.is_some() || u.posted_at.is_some() || u.fields.is_some())
                .then_some(u),
        },
    );
}

/// Writes the JSON line of a target line's score: the bytes `write_record`
/// gives for `ScoreRecord::target(model, e, p, mentioned)`.
pub(crate) fn write_target_json(
    out: &mut Vec<u8>,
    model: &StanceModel,
    e: &Example,
    p: &[f32],
    mentioned: bool,
    w: &mut WriteScratch<'_>,
) {
    let zero_shot = model.is_zero_shot(&e.target);
    let (stance, probs) = stance_of(p);
    excerpt_into(&e.text, 100, &mut w.excerpt);
    write_json(
        out,
        &RecordRef {
            doc_id: None,
            unit_id: None,
            kind: None,
            id: Some(&e.id),
            sentiment: None,
            actors: &[(&e.target, stance, probs, mentioned, zero_shot)],
            excerpt: &w.excerpt,
            fields: None,
        },
    );
}

/// One record as a JSON line, byte for byte what `serde_json` writes for
/// the [`ScoreRecord`] (same field order and skipping; strings and numbers
/// go through `serde_json` itself).
pub(crate) fn write_json(out: &mut Vec<u8>, r: &RecordRef<'_>) {
    fn str(out: &mut Vec<u8>, s: &str) {
        serde_json::to_writer(&mut *out, s).expect("writing to memory");
    }
    fn num(out: &mut Vec<u8>, key: &[u8], x: f32) {
        out.extend_from_slice(key);
        serde_json::to_writer(&mut *out, &x).expect("writing to memory");
    }
    let mut sep: &[u8] = b"{";
    let mut field = |out: &mut Vec<u8>, name: &str| {
        out.extend_from_slice(sep);
        sep = b",";
        out.push(b'"');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
    };
    if let Some(s) = r.doc_id {
        field(out, "doc_id");
        str(out, s);
    }
    if let Some(s) = r.unit_id {
        field(out, "unit_id");
        str(out, s);
    }
    if let Some(k) = r.kind {
        field(out, "kind");
        str(out, k.as_str());
    }
    if let Some(s) = r.id {
        field(out, "id");
        str(out, s);
    }
    if let Some((s, p)) = r.sentiment {
        field(out, "sentiment");
        str(out, s.as_str());
        field(out, "sentiment_probs");
        num(out, b"{\"positive\":", p.positive);
        num(out, b",\"negative\":", p.negative);
        num(out, b",\"neutral\":", p.neutral);
        out.push(b'}');
    }
    field(out, "actors");
    out.push(b'[');
    for (i, &(actor, stance, p, mentioned, zero_shot)) in r.actors.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"actor\":");
        str(out, actor);
        out.extend_from_slice(b",\"stance\":");
        str(out, stance.as_str());
        num(out, b",\"probs\":{\"pro\":", p.pro);
        num(out, b",\"anti\":", p.anti);
        num(out, b",\"none\":", p.none);
        out.extend_from_slice(if mentioned {
            b"},\"mentioned\":true"
        } else {
            b"},\"mentioned\":false"
        });
        out.extend_from_slice(if zero_shot {
            b",\"zero_shot\":true}"
        } else {
            b"}"
        });
    }
    out.push(b']');
    field(out, "excerpt");
    str(out, r.excerpt);
    if let Some(u) = r.fields {
        field(out, "fields");
        write_unit_fields(out, u);
    }
    out.extend_from_slice(b"}\n");
}

impl ScoreRecord {
    pub fn unit(model: &StanceModel, u: &Unit, s: UnitScore) -> ScoreRecord {
        let (sentiment, sentiment_probs) = match s.sentiment.as_deref().map(sentiment_of) {
            Some((s, p)) => (Some(s), Some(p)),
            None => (None, None),
        };
        let actors = model
            .actors()
            .actors()
            .iter()
            .zip(model.zero_shot())
            .zip(&s.actors)
            .map(|((a, &zero_shot), (mentioned, p))| {
                let (stance, probs) = stance_of(p);
                ActorScore {
                    actor: a.code.clone(),
                    stance,
                    probs,
                    mentioned: *mentioned,
                    zero_shot,
                }
            })
            .collect();
        ScoreRecord {
            doc_id: Some(u.doc_id.clone()),
            unit_id: Some(u.unit_id.clone()),
            kind: Some(u.kind),
            id: None,
            sentiment,
            sentiment_probs,
            actors,
            excerpt: excerpt(&u.text, 100),
            fields: unit_fields(u),
        }
    }

    pub fn target(model: &StanceModel, e: &Example, p: Vec<f32>, mentioned: bool) -> ScoreRecord {
        let (stance, probs) = stance_of(&p);
        ScoreRecord {
            doc_id: None,
            unit_id: None,
            kind: None,
            id: Some(e.id.clone()),
            sentiment: None,
            sentiment_probs: None,
            actors: vec![ActorScore {
                actor: e.target.clone(),
                stance,
                probs,
                mentioned,
                zero_shot: model.is_zero_shot(&e.target),
            }],
            excerpt: excerpt(&e.text, 100),
            fields: None,
        }
    }
}

/// CSV columns: fixed ids and sentiment, then five per actor, and a sixth,
/// `<code>_zero_shot` (always `true`), for an actor the model was not
/// trained on, so a spreadsheet says so as the JSON lines do.
pub struct CsvLayout {
    pub actors: Vec<String>,
    /// Per actor: scored zero-shot.
    pub zero_shot: Vec<bool>,
}

impl CsvLayout {
    /// The columns for `model`'s actors.
    pub fn of(model: &StanceModel) -> CsvLayout {
        CsvLayout {
            actors: model.actors().codes().map(str::to_string).collect(),
            zero_shot: model.zero_shot().to_vec(),
        }
    }

    fn is_zero_shot(&self, i: usize) -> bool {
        self.zero_shot.get(i).copied().unwrap_or(false)
    }
}

pub fn write_csv_header(w: &mut dyn Write, layout: &CsvLayout) -> std::io::Result<()> {
    write!(
        w,
        "doc_id,unit_id,kind,id,sentiment,p_positive,p_negative,p_neutral,\
         target,target_stance,target_pro,target_anti,target_none,target_mentioned"
    )?;
    for (i, a) in layout.actors.iter().enumerate() {
        write!(w, ",{a}_stance,{a}_pro,{a}_anti,{a}_none,{a}_mentioned")?;
        if layout.is_zero_shot(i) {
            write!(w, ",{a}_zero_shot")?;
        }
    }
    writeln!(w)
}

fn csv_field(w: &mut dyn Write, s: &str) -> std::io::Result<()> {
    write!(w, ",{}", crate::spreadsheet::cell(s))
}

/// Writes one record as JSON (one line) or as a CSV row in `layout`. Units
/// fill the per-actor columns; target lines fill the `target…` columns.
pub fn write_record(
    w: &mut dyn Write,
    r: &ScoreRecord,
    csv: Option<&CsvLayout>,
) -> std::io::Result<()> {
    let Some(layout) = csv else {
        serde_json::to_writer(&mut *w, r)?;
        return writeln!(w);
    };
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    write!(w, "{}", crate::spreadsheet::cell(&opt(&r.doc_id)))?;
    csv_field(w, &opt(&r.unit_id))?;
    csv_field(w, r.kind.map(|k| k.as_str()).unwrap_or(""))?;
    csv_field(w, &opt(&r.id))?;
    csv_field(w, r.sentiment.map(|s| s.as_str()).unwrap_or(""))?;
    match r.sentiment_probs {
        Some(p) => write!(w, ",{},{},{}", p.positive, p.negative, p.neutral)?,
        None => write!(w, ",,,")?,
    }
    let write_actor = |w: &mut dyn Write, x: &ActorScore| {
        write!(
            w,
            ",{},{},{},{},{}",
            x.stance, x.probs.pro, x.probs.anti, x.probs.none, x.mentioned
        )
    };
    match (&r.id, r.actors.first()) {
        (Some(_), Some(x)) => {
            csv_field(w, &x.actor)?;
            write_actor(w, x)?;
        }
        _ => write!(w, ",,,,,,")?,
    }
    for (i, a) in layout.actors.iter().enumerate() {
        let zero_shot = layout.is_zero_shot(i);
        if r.id.is_some() {
            // A target line: the actor columns stay empty.
            write!(w, "{}", if zero_shot { ",,,,,," } else { ",,,,," })?;
            continue;
        }
        // Units list their actors in the layout's order.
        let x = r.actors.get(i).filter(|x| &x.actor == a);
        match x.or_else(|| r.actors.iter().find(|x| &x.actor == a)) {
            Some(x) => write_actor(w, x)?,
            None => write!(w, ",,,,,")?,
        }
        if zero_shot {
            write!(w, ",true")?;
        }
    }
    writeln!(w)
}

#[cfg(test)]
mod tests;
