//! Between Arrow and the library: text columns in (borrowed, not copied),
//! score columns out (the library's vectors become Arrow buffers without
//! a copy). Label columns are dictionary-encoded: six actors or three
//! stances repeated over millions of rows cost a byte or four a row, and
//! pandas gets categoricals.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::ArrowDictionaryKeyType;
use arrow_array::{
    Array, ArrayRef, BooleanArray, DictionaryArray, Float32Array, Int8Array, Int32Array,
    Int64Array, PrimitiveArray, RecordBatch, StringArray, UInt64Array, new_null_array,
};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use pyo3::PyResult;
use stance::labels::{Sentiment, Stance};
use stance::score::ScoreColumns;

use crate::errors::value_error;

/// The score columns, in order. `row` is the text's index; `actor` the
/// actor (or the given target).
pub const SCORE_COLUMNS: [&str; 11] = [
    "row",
    "actor",
    "stance",
    "prob_pro",
    "prob_anti",
    "prob_none",
    "mentioned",
    "sentiment",
    "prob_positive",
    "prob_negative",
    "prob_neutral",
];

/// Where the sentiment columns start in [`SCORE_COLUMNS`].
const SENTIMENT_FROM: usize = 7;

fn labels_type(key: DataType) -> DataType {
    DataType::Dictionary(Box::new(key), Box::new(DataType::Utf8))
}

/// The schema of a scored batch: the kept input columns, then the scores.
pub fn output_schema(kept: &[Field]) -> SchemaRef {
    let f32 = || DataType::Float32;
    let types = [
        DataType::Int64,
        labels_type(DataType::Int32),
        labels_type(DataType::Int8),
        f32(),
        f32(),
        f32(),
        DataType::Boolean,
        labels_type(DataType::Int8),
        f32(),
        f32(),
        f32(),
    ];
    // The sentiment columns are null for a model without a sentiment task.
    let scores = SCORE_COLUMNS
        .iter()
        .zip(types)
        .enumerate()
        .map(|(i, (name, t))| Field::new(*name, t, i >= SENTIMENT_FROM));
    Arc::new(Schema::new(
        kept.iter().cloned().chain(scores).collect::<Vec<_>>(),
    ))
}

/// Column `name` of `batch`, or a ValueError naming the columns it has.
pub fn column<'b>(batch: &'b RecordBatch, name: &str) -> PyResult<&'b ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| {
        let names: Vec<&str> = batch
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        value_error(format!(
            "no column {name:?} in the data (its columns: {})",
            names.join(", ")
        ))
    })
}

/// The strings of column `name` of `batch`, nulls as `None`, borrowed
/// from its buffers (pyarrow's own memory: the C data interface hands it
/// over without a copy). Accepts string, large_string and string_view.
pub fn optional_strings<'b>(batch: &'b RecordBatch, name: &str) -> PyResult<Vec<Option<&'b str>>> {
    let col = column(batch, name)?;
    Ok(match col.data_type() {
        DataType::Utf8 => col.as_string::<i32>().iter().collect(),
        DataType::LargeUtf8 => col.as_string::<i64>().iter().collect(),
        DataType::Utf8View => col.as_string_view().iter().collect(),
        other => {
            return Err(value_error(format!(
                "column {name:?} is {other}, not a string column"
            )));
        }
    })
}

/// [`optional_strings`] where a null is an error naming its row (counted
/// from `first_row`), since there is no text to score.
pub fn strings<'b>(batch: &'b RecordBatch, name: &str, first_row: u64) -> PyResult<Vec<&'b str>> {
    optional_strings(batch, name)?
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            v.ok_or_else(|| {
                value_error(format!(
                    "column {name:?} is null at row {}",
                    first_row + i as u64
                ))
            })
        })
        .collect()
}

/// Column `name` as `to` (ids and kinds as strings, counts as integers),
/// by Arrow's cast: strings of any layout, and integers for ids (`"3"`,
/// as the CLI reads `"unit_id": 3`). `what` says what the column must be.
pub fn cast_column(
    batch: &RecordBatch,
    name: &str,
    to: &DataType,
    what: &str,
) -> PyResult<ArrayRef> {
    let col = column(batch, name)?;
    let ok = match to {
        DataType::Utf8 => {
            matches!(
                col.data_type(),
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null
            ) || col.data_type().is_integer()
        }
        _ => col.data_type().is_numeric() || col.data_type() == &DataType::Null,
    };
    if !ok {
        return Err(value_error(format!(
            "column {name:?} is {}, not {what}",
            col.data_type()
        )));
    }
    arrow_cast::cast(col, to).map_err(|e| value_error(format!("column {name:?}: {e}")))
}

fn labels<K: ArrowDictionaryKeyType>(keys: PrimitiveArray<K>, names: &[&str]) -> ArrayRef {
    let values = Arc::new(StringArray::from(names.to_vec()));
    Arc::new(DictionaryArray::<K>::try_new(keys, values).expect("keys index the names"))
}

/// The `kept` columns of `batch` at rows `idx`, with their fields.
pub fn kept_columns(
    batch: &RecordBatch,
    kept: &[String],
    idx: &UInt64Array,
) -> PyResult<(Vec<Field>, Vec<ArrayRef>)> {
    let mut fields = Vec::new();
    let mut arrays = Vec::new();
    for name in kept {
        let (i, field) = batch
            .schema_ref()
            .column_with_name(name)
            .ok_or_else(|| value_error(format!("no column {name:?} to keep in the data")))?;
        let taken = arrow_select::take::take(batch.column(i), idx, None)
            .map_err(|e| value_error(format!("cannot keep column {name:?}: {e}")))?;
        fields.push(field.clone());
        arrays.push(taken);
    }
    Ok((fields, arrays))
}

/// The batch of `cols`: the `kept` input columns of each row's text
/// (taken from `batch`), then the scores; rows numbered from `first_row`.
pub fn to_batch(
    cols: ScoreColumns,
    batch: Option<&RecordBatch>,
    kept: &[String],
    first_row: u64,
) -> PyResult<RecordBatch> {
    let n = cols.len();
    let (fields, mut arrays) = match batch {
        Some(batch) => kept_columns(batch, kept, &UInt64Array::from(cols.text.clone()))?,
        None => (Vec::new(), Vec::new()),
    };
    let schema = output_schema(&fields);
    let names: Vec<&str> = cols.names.iter().map(String::as_str).collect();
    let stance_keys: Vec<i8> = cols.stance.iter().map(|s| stance_index(*s)).collect();
    let [pro, anti, none] = cols.stance_probs;
    arrays.push(Arc::new(Int64Array::from_iter_values(
        cols.text.iter().map(|t| (t + first_row) as i64),
    )));
    let actor_keys: Vec<i32> = cols.actor.iter().map(|&a| a as i32).collect();
    arrays.push(labels(Int32Array::from(actor_keys), &names));
    arrays.push(labels(Int8Array::from(stance_keys), &Stance::NAMES));
    arrays.push(Arc::new(Float32Array::from(pro)));
    arrays.push(Arc::new(Float32Array::from(anti)));
    arrays.push(Arc::new(Float32Array::from(none)));
    arrays.push(Arc::new(BooleanArray::from(cols.mentioned)));
    match cols.sentiment {
        Some(s) => {
            let keys: Vec<i8> = s.label.iter().map(|l| sentiment_index(*l)).collect();
            arrays.push(labels(Int8Array::from(keys), &Sentiment::NAMES));
            for p in s.probs {
                arrays.push(Arc::new(Float32Array::from(p)));
            }
        }
        None => {
            let from = schema.fields().len() - (SCORE_COLUMNS.len() - SENTIMENT_FROM);
            for f in &schema.fields()[from..] {
                arrays.push(new_null_array(f.data_type(), n));
            }
        }
    }
    RecordBatch::try_new(schema, arrays).map_err(|e| value_error(e.to_string()))
}

fn stance_index(s: Stance) -> i8 {
    Stance::ALL.iter().position(|x| *x == s).expect("a stance") as i8
}

fn sentiment_index(s: Sentiment) -> i8 {
    Sentiment::ALL
        .iter()
        .position(|x| *x == s)
        .expect("a sentiment") as i8
}
