//! What a model was trained on, unit by unit, so that no evaluation scores
//! it on its own training data without saying so.
//!
//! `data_files` and `data_digest` say which files a model read but not
//! which of their units it learned from: `retrain` trains on half of the
//! comments, `train` on a split, and `stance eval --data labels/` would
//! otherwise mix the units a model saw with the ones it did not (issue 13:
//! F_avg 0.56 reported against 0.42 truly held out). The record lives
//! inside the meta's `metrics_json` (key `trained_on`) rather than in a new
//! field of [`ModelMeta`], so the model file format, and the shipped models
//! encoded in it, stay as they are; a model made before the record has none
//! and is reported as such.
//!
//! Units and labels are kept as sets of 32-bit hashes (hex, 8 characters
//! each): small enough to ship in the model, and a collision only makes
//! one unit look seen (it is then left out of an evaluation, never wrongly
//! kept in).

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use super::ModelMeta;
use crate::corpus::UnitKind;
use crate::dataset::{Dataset, Example, fnv1a};

/// The key in `metrics_json`.
const KEY: &str = "trained_on";

/// The units and stance labels a model was trained on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainedOn {
    /// Hashes of (unit id, text) of every training example.
    pub units: HashSet<u32>,
    /// Hashes of (unit id, target, stance) of every stance label.
    pub labels: HashSet<u32>,
}

fn hash32(parts: &[&str]) -> u32 {
    let mut bytes = Vec::new();
    for p in parts {
        bytes.extend_from_slice(p.as_bytes());
        bytes.push(0);
    }
    let h = fnv1a(&bytes);
    (h ^ (h >> 32)) as u32
}

/// A unit's identity: its id and its text (external data sets reuse ids
/// such as "1" across files; the text tells them apart).
pub fn unit_key(id: &str, text: &str) -> u32 {
    hash32(&[id, text])
}

/// A stance label's identity: unit, target and class.
pub fn label_key(e: &Example) -> u32 {
    hash32(&[&e.id, &e.target, e.stance.as_str()])
}

fn to_hex(set: &HashSet<u32>) -> String {
    let mut v: Vec<u32> = set.iter().copied().collect();
    v.sort_unstable();
    v.iter().map(|x| format!("{x:08x}")).collect()
}

fn from_hex(s: &str) -> Option<HashSet<u32>> {
    if !s.len().is_multiple_of(8) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(8)
        .map(|i| u32::from_str_radix(&s[i..i + 8], 16).ok())
        .collect()
}

impl TrainedOn {
    pub fn of(data: &Dataset) -> TrainedOn {
        let units = data
            .stance
            .iter()
            .map(|e| unit_key(&e.id, &e.text))
            .chain(data.sentiment.iter().map(|s| unit_key(&s.id, &s.text)))
            .collect();
        let labels = data.stance.iter().map(label_key).collect();
        TrainedOn { units, labels }
    }

    /// The record in `meta`, if the model has one.
    pub fn of_meta(meta: &ModelMeta) -> Option<TrainedOn> {
        let v: Value = serde_json::from_str(meta.metrics_json.as_deref()?).ok()?;
        let t = v.get(KEY)?;
        Some(TrainedOn {
            units: from_hex(t.get("units")?.as_str()?)?,
            labels: from_hex(t.get("labels")?.as_str()?)?,
        })
    }

    /// Stores the record in `meta`'s `metrics_json`, beside what is there.
    pub fn record(&self, meta: &mut ModelMeta) {
        let v = serde_json::json!({
            "n_units": self.units.len(),
            "units": to_hex(&self.units),
            "labels": to_hex(&self.labels),
        });
        set_metric(meta, KEY, v);
    }

    pub fn saw(&self, id: &str, text: &str) -> bool {
        self.units.contains(&unit_key(id, text))
    }

    /// What of `data` this model was trained on.
    pub fn overlap(&self, data: &Dataset) -> Excluded {
        let mut units = HashSet::new();
        let mut out = Excluded::default();
        for (id, text) in data.stance.iter().map(|e| (&e.id, &e.text)) {
            if self.saw(id, text) {
                units.insert(unit_key(id, text));
                out.stance += 1;
            }
        }
        for (id, text) in data.sentiment.iter().map(|s| (&s.id, &s.text)) {
            if self.saw(id, text) {
                units.insert(unit_key(id, text));
                out.sentiment += 1;
            }
        }
        out.units = units.len();
        out
    }

    /// `data` without the units this model was trained on, and what was
    /// left out ([`TrainedOn::overlap`]).
    pub fn exclude(&self, data: Dataset) -> (Dataset, Excluded) {
        let out = self.overlap(&data);
        let mut kept = Dataset {
            read: data.read,
            rejected: data.rejected,
            set_aside: data.set_aside,
            ..Dataset::default()
        };
        kept.stance = data
            .stance
            .into_iter()
            .filter(|e| !self.saw(&e.id, &e.text))
            .collect();
        kept.sentiment = data
            .sentiment
            .into_iter()
            .filter(|s| !self.saw(&s.id, &s.text))
            .collect();
        (kept, out)
    }

    /// Stance labels of `train` this model was not trained on, counted per
    /// target and unit kind (`external` for data sets without kinds): what
    /// changed since it was made.
    pub fn new_labels(&self, train: &[Example]) -> BTreeMap<(String, String), usize> {
        let mut out = BTreeMap::new();
        for e in train
            .iter()
            .filter(|e| !self.labels.contains(&label_key(e)))
        {
            let kind = e.kind.map_or("external", UnitKind::as_str);
            *out.entry((e.target.clone(), kind.to_string())).or_insert(0) += 1;
        }
        out
    }
}

/// What [`TrainedOn::exclude`] left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Excluded {
    pub units: usize,
    pub stance: usize,
    pub sentiment: usize,
}

/// Sets `key` in `meta`'s `metrics_json` object, keeping its other keys
/// (a non-object or unreadable value is replaced).
pub fn set_metric(meta: &mut ModelMeta, key: &str, value: Value) {
    let mut map = meta
        .metrics_json
        .as_deref()
        .and_then(|j| serde_json::from_str::<Value>(j).ok())
        .and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default();
    map.insert(key.to_string(), value);
    meta.metrics_json = Some(Value::Object(map).to_string());
}

/// `metrics_json` without the training record, for places that show or
/// copy the metrics (the registry): the record is for tools, not people.
pub fn metrics_without_record(meta: &ModelMeta) -> Value {
    let mut v = meta
        .metrics_json
        .as_deref()
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.remove(KEY);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::SentimentExample;
    use crate::labels::{Sentiment, Stance};

    fn ex(id: &str, target: &str, stance: Stance) -> Example {
        Example {
            id: id.into(),
            group: fnv1a(id.as_bytes()),
            text: format!("text of {id}"),
            target: target.into(),
            span: None,
            stance,
            kind: Some(UnitKind::Comment),
            source: "labels".into(),
            probe_type: None,
        }
    }

    fn data(ids: &[&str]) -> Dataset {
        let mut d = Dataset::default();
        for id in ids {
            d.stance.push(ex(id, "PAK", Stance::None));
            d.stance.push(ex(id, "IND", Stance::Pro));
            d.sentiment.push(SentimentExample {
                id: id.to_string(),
                group: 0,
                text: format!("text of {id}"),
                sentiment: Sentiment::Neutral,
            });
        }
        d
    }

    fn meta() -> ModelMeta {
        ModelMeta {
            stance_version: String::new(),
            actors_digest: String::new(),
            params: Default::default(),
            data_files: Vec::new(),
            data_digest: String::new(),
            n_stance: 0,
            n_sentiment: 0,
            stance_counts: Vec::new(),
            sentiment_counts: [0; 3],
            metrics_json: None,
            out_of_fold: None,
            tuning_json: None,
        }
    }

    #[test]
    fn the_record_survives_the_meta_and_other_metrics() {
        let t = TrainedOn::of(&data(&["d/c1", "d/c2"]));
        let mut m = meta();
        m.metrics_json = Some(r#"{"report":{"n":3}}"#.into());
        t.record(&mut m);
        set_metric(&mut m, "retrain", serde_json::json!({"x": 1}));
        assert_eq!(TrainedOn::of_meta(&m), Some(t));
        let shown = metrics_without_record(&m);
        assert_eq!(shown["report"]["n"], 3);
        assert_eq!(shown["retrain"]["x"], 1);
        assert!(shown.get(KEY).is_none());
        assert_eq!(TrainedOn::of_meta(&meta()), None);
    }

    #[test]
    fn exclude_drops_whole_seen_units_and_counts_them() {
        let t = TrainedOn::of(&data(&["d/c1", "d/c2"]));
        let (kept, ex) = t.exclude(data(&["d/c1", "d/c3"]));
        assert_eq!(
            ex,
            Excluded {
                units: 1,
                stance: 2,
                sentiment: 1
            }
        );
        assert!(kept.stance.iter().all(|e| e.id == "d/c3"));
        assert_eq!(kept.sentiment.len(), 1);
    }

    #[test]
    fn new_labels_are_counted_per_target_and_kind() {
        let t = TrainedOn::of(&data(&["d/c1"]));
        let mut now = data(&["d/c1", "d/c2"]);
        now.stance[0].stance = Stance::Anti; // relabelled
        let n = t.new_labels(&now.stance);
        assert_eq!(n[&("PAK".to_string(), "comment".to_string())], 2);
        assert_eq!(n[&("IND".to_string(), "comment".to_string())], 1);
        assert!(t.new_labels(&data(&["d/c1"]).stance).is_empty());
    }
}
