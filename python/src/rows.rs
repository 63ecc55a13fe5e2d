//! The rows of a batch that `stance score` would reject, by the CLI's
//! own rules and messages (`stance::corpus::records`): a text that is
//! null, blank or longer than the longest line; a target, document or
//! unit id that is null or blank; an unknown kind. Scoring may leave them
//! out (`skip_rejected`), and `rejected_arrow` lists them with the
//! reason, so rows in = rows scored + rows rejected.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, Int64Array, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use pyo3::PyResult;
use stance::corpus::UnitKind;
use stance::corpus::records::{kind_field, missing_or_blank, text_problem};

use crate::arrow_io::{cast_column, kept_columns, optional_strings};
use crate::errors::value_error;

/// The columns a row is read from: its text, and its target (target
/// lines) or its document, unit and kind (units, for reports).
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub text: String,
    pub target: Option<String>,
    pub doc: Option<String>,
    pub unit: Option<String>,
    pub kind: Option<String>,
}

/// A batch's columns of [`Names`], read.
pub struct Rows<'b> {
    names: &'b Names,
    pub text: Vec<Option<&'b str>>,
    pub target: Option<Vec<Option<&'b str>>>,
    pub doc: Option<StringArray>,
    pub unit: Option<StringArray>,
    pub kind: Option<StringArray>,
}

fn id_column(batch: &RecordBatch, name: &Option<String>) -> PyResult<Option<StringArray>> {
    name.as_ref()
        .map(|n| {
            let col = cast_column(batch, n, &DataType::Utf8, "a string or integer column")?;
            Ok(col.as_string::<i32>().clone())
        })
        .transpose()
}

fn value(col: &Option<StringArray>, i: usize) -> Option<&str> {
    col.as_ref().and_then(|c| c.is_valid(i).then(|| c.value(i)))
}

impl<'b> Rows<'b> {
    pub fn read(batch: &'b RecordBatch, names: &'b Names) -> PyResult<Rows<'b>> {
        Ok(Rows {
            names,
            text: optional_strings(batch, &names.text)?,
            target: names
                .target
                .as_ref()
                .map(|t| optional_strings(batch, t))
                .transpose()?,
            doc: id_column(batch, &names.doc)?,
            unit: id_column(batch, &names.unit)?,
            kind: id_column(batch, &names.kind)?,
        })
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn doc(&self, i: usize) -> Option<&str> {
        value(&self.doc, i)
    }

    pub fn unit(&self, i: usize) -> Option<&str> {
        value(&self.unit, i)
    }

    /// The kind of row `i` (a comment without a kind column).
    pub fn kind(&self, i: usize) -> Result<UnitKind, String> {
        kind_field(value(&self.kind, i))
    }

    /// Why `stance score` would reject row `i`, checked in the order it
    /// checks a unit's fields (kind, document, unit, text) or a target
    /// line's (text, target).
    pub fn problem(&self, i: usize) -> Option<String> {
        let n = self.names;
        if self.kind.is_some()
            && let Err(why) = self.kind(i)
        {
            return Some(why);
        }
        let id = |name: &Option<String>, col: &Option<StringArray>| {
            name.as_ref()
                .and_then(|name| missing_or_blank(name, value(col, i)))
        };
        id(&n.doc, &self.doc)
            .or_else(|| id(&n.unit, &self.unit))
            .or_else(|| text_problem(&n.text, self.text[i]))
            .or_else(|| {
                let t = self.target.as_ref()?;
                missing_or_blank(n.target.as_deref().unwrap_or("target"), t[i])
            })
    }

    /// The rows that are not rejected, in order.
    pub fn accepted(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| self.problem(i).is_none())
            .collect()
    }
}

/// The rejected rows of `batch`: the `keep` columns, `row` (counted from
/// `first_row`) and `reason`.
pub fn rejected_batch(
    batch: &RecordBatch,
    names: &Names,
    keep: &[String],
    first_row: u64,
) -> PyResult<RecordBatch> {
    let rows = Rows::read(batch, names)?;
    let (mut at, mut reasons) = (Vec::new(), Vec::new());
    for i in 0..rows.len() {
        if let Some(why) = rows.problem(i) {
            at.push(i as u64);
            reasons.push(why);
        }
    }
    let (mut fields, mut arrays) = kept_columns(batch, keep, &UInt64Array::from(at.clone()))?;
    fields.extend(rejected_fields());
    arrays.push(Arc::new(Int64Array::from_iter_values(
        at.iter().map(|&i| (i + first_row) as i64),
    )));
    arrays.push(Arc::new(StringArray::from(reasons)));
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| value_error(e.to_string()))
}

/// The columns `rejected_arrow` adds to the kept ones.
pub fn rejected_fields() -> [Field; 2] {
    [
        Field::new("row", DataType::Int64, false),
        Field::new("reason", DataType::Utf8, false),
    ]
}
