//! Users' own column names and the fields a unit carries beyond its text.
//!
//! A comment export rarely names its columns `doc_id, unit_id, text`;
//! [`Columns`] says which column is which, so a file is read as it is
//! rather than rewritten first. Every other column is kept (as
//! [`Unit::fields`](super::Unit)) and passes through to the scores, since an
//! analyst's question is often about exactly such a column (outlet, author,
//! date, likes).

use serde_json::{Map, Value};

/// The unit's own fields besides the three that [`Columns`] can rename.
const FIXED: [&str; 3] = ["kind", "author", "posted_at"];

/// Where a unit's document id, unit id and text are, by column (CSV) or
/// key (JSON lines) name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    pub doc: String,
    pub unit: String,
    pub text: String,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            doc: "doc_id".into(),
            unit: "unit_id".into(),
            text: "text".into(),
        }
    }
}

impl Columns {
    /// Whether these are the standard names. Only renamed columns make
    /// the document column optional: a file of the standard shape that
    /// lacks it is more likely broken than a list of comments.
    pub fn is_default(&self) -> bool {
        *self == Columns::default()
    }

    /// The user's name of a unit field (`doc_id`, `unit_id`, `text`, …).
    pub fn name<'a>(&'a self, field: &'a str) -> &'a str {
        match field {
            "doc_id" => &self.doc,
            "unit_id" => &self.unit,
            "text" => &self.text,
            other => other,
        }
    }

    /// Whether column `key` fills a unit field (else it is an extra field).
    pub fn is_unit_field(&self, key: &str) -> bool {
        key == self.doc || key == self.unit || key == self.text || FIXED.contains(&key)
    }
}

/// Adds `key: value` to the extra fields, creating them on first use (rows
/// without extras allocate nothing). A `fields` object — what `ingest` and
/// `score` write — is merged, so their output reads back the same; its
/// keys never replace a top-level one, whichever comes first.
pub fn add_field(fields: &mut Option<Map<String, Value>>, key: &str, value: Value) {
    let map = fields.get_or_insert_with(Map::new);
    match value {
        Value::Object(inner) if key == "fields" => {
            for (k, v) in inner {
                map.entry(k).or_insert(v);
            }
        }
        v => {
            map.insert(key.to_string(), v);
        }
    }
}

/// The extra fields of a JSON object: every key that is not a unit field.
pub fn json_fields(map: &Map<String, Value>, cols: &Columns) -> Option<Map<String, Value>> {
    let mut fields = None;
    for (k, v) in map.iter().filter(|(k, _)| *k != "fields") {
        if !cols.is_unit_field(k) {
            add_field(&mut fields, k, v.clone());
        }
    }
    if let Some(nested) = map.get("fields").filter(|_| !cols.is_unit_field("fields")) {
        add_field(&mut fields, "fields", nested.clone());
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_columns_and_extras() {
        let cols = Columns {
            doc: "article".into(),
            unit: "id".into(),
            text: "comment".into(),
        };
        assert_eq!(cols.name("text"), "comment");
        assert_eq!(cols.name("kind"), "kind");
        assert!(cols.is_unit_field("comment") && cols.is_unit_field("author"));
        // The standard name of a renamed column is an ordinary extra.
        assert!(!cols.is_unit_field("text"));
        let map: Map<String, Value> = serde_json::from_str(
            r#"{"id":1,"comment":"x","text":"y","likes":3,"fields":{"outlet":"o"}}"#,
        )
        .unwrap();
        let f = json_fields(&map, &cols).unwrap();
        assert_eq!(f["text"], "y");
        assert_eq!(f["likes"], 3);
        assert_eq!(f["outlet"], "o");
        assert_eq!(f.len(), 3);
        assert!(json_fields(&map, &Columns::default()).is_some());
        let plain: Map<String, Value> =
            serde_json::from_str(r#"{"doc_id":"d","unit_id":"u","text":"t"}"#).unwrap();
        assert_eq!(json_fields(&plain, &Columns::default()), None);
    }
}
