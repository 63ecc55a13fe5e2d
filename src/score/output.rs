//! The score record written per input row, as JSON lines or CSV. The same
//! struct is read back by `stance report`.

use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::corpus::{Unit, UnitKind};
use crate::dataset::Example;
use crate::labels::{Sentiment, Stance};
use crate::model::evaluate::argmax;
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
}

fn round(p: f32) -> f32 {
    (p * 10_000.0).round() / 10_000.0
}

fn stance_of(p: &[f32]) -> (Stance, StanceProbs) {
    let probs = StanceProbs {
        pro: round(p.first().copied().unwrap_or(0.0)),
        anti: round(p.get(1).copied().unwrap_or(0.0)),
        none: round(p.get(2).copied().unwrap_or(1.0)),
    };
    (Stance::ALL[argmax(&p[..p.len().min(3)])], probs)
}

pub fn excerpt(text: &str, max_chars: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

impl ScoreRecord {
    pub fn unit(model: &StanceModel, u: &Unit, s: UnitScore) -> ScoreRecord {
        let (sentiment, sentiment_probs) = match &s.sentiment {
            Some(p) => (
                Some(Sentiment::ALL[argmax(&p[..3])]),
                Some(SentimentProbs {
                    positive: round(p[0]),
                    negative: round(p[1]),
                    neutral: round(p[2]),
                }),
            ),
            None => (None, None),
        };
        let actors = model
            .actors()
            .actors()
            .iter()
            .zip(&s.actors)
            .map(|(a, (mentioned, p))| {
                let (stance, probs) = stance_of(p);
                ActorScore {
                    actor: a.code.clone(),
                    stance,
                    probs,
                    mentioned: *mentioned,
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
        }
    }

    pub fn target(_model: &StanceModel, e: &Example, p: Vec<f32>, mentioned: bool) -> ScoreRecord {
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
            }],
            excerpt: excerpt(&e.text, 100),
        }
    }
}

/// CSV columns: fixed ids and sentiment, then five per actor.
pub struct CsvLayout {
    pub actors: Vec<String>,
}

pub fn write_csv_header(w: &mut dyn Write, layout: &CsvLayout) -> std::io::Result<()> {
    write!(
        w,
        "doc_id,unit_id,kind,id,sentiment,p_positive,p_negative,p_neutral,\
         target,target_stance,target_pro,target_anti,target_none,target_mentioned"
    )?;
    for a in &layout.actors {
        write!(w, ",{a}_stance,{a}_pro,{a}_anti,{a}_none,{a}_mentioned")?;
    }
    writeln!(w)
}

fn csv_field(w: &mut dyn Write, s: &str) -> std::io::Result<()> {
    if s.contains([',', '"', '\n', '\r']) {
        write!(w, ",\"{}\"", s.replace('"', "\"\""))
    } else {
        write!(w, ",{s}")
    }
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
    let mut first = String::new();
    first.push_str(&opt(&r.doc_id));
    if first.contains([',', '"', '\n']) {
        first = format!("\"{}\"", first.replace('"', "\"\""));
    }
    write!(w, "{first}")?;
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
    for a in &layout.actors {
        if r.id.is_some() {
            write!(w, ",,,,,")?;
            continue;
        }
        match r.actors.iter().find(|x| &x.actor == a) {
            Some(x) => write_actor(w, x)?,
            None => write!(w, ",,,,,")?,
        }
    }
    writeln!(w)
}
