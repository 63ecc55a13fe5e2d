//! Report counts ([`stance::report::counts`]) as Arrow tables, one row per
//! (document, part, actor): what workers make from their units, what the
//! engine aggregates, and what `report_from_counts` reads back.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use pyo3::PyResult;
use stance::labels::Stance;
use stance::report::UnitRef;
use stance::report::context::Context;
use stance::report::counts::{CountRow, Title};

use crate::arrow_io::cast_column;
use crate::errors::value_error;

/// The count columns: summed per key.
const SUMS: [&str; 8] = [
    "units",
    "pro",
    "anti",
    "none",
    "mentioned",
    "positive",
    "negative",
    "neutral",
];

/// The schema of a counts table. The key and the sums are never null;
/// the strongest units, the first position and the title may be.
pub fn counts_schema() -> SchemaRef {
    let s = |name: &str, null: bool| Field::new(name, DataType::Utf8, null);
    let i = |name: &str, null: bool| Field::new(name, DataType::Int64, null);
    let f = |name: &str| Field::new(name, DataType::Float64, true);
    let mut fields = vec![s("doc_id", false), s("part", false), s("actor", false)];
    fields.extend(SUMS.map(|n| i(n, false)));
    for stance in ["pro", "anti"] {
        fields.push(s(&format!("{stance}_unit"), true));
        fields.push(f(&format!("{stance}_p")));
        fields.push(s(&format!("{stance}_excerpt"), true));
        // The quote centred on the actor's mention, and the mention's
        // byte span in it.
        fields.push(s(&format!("{stance}_context"), true));
        fields.push(i(&format!("{stance}_mention_start"), true));
        fields.push(i(&format!("{stance}_mention_end"), true));
    }
    fields.extend([
        i("first", true),
        i("title_at", true),
        s("title_unit", true),
        s("title", true),
        s("title_stance", true),
        f("title_p"),
    ]);
    Arc::new(Schema::new(fields))
}

/// `rows` as one batch of [`counts_schema`].
pub fn to_batch(rows: &[CountRow]) -> PyResult<RecordBatch> {
    let strs = |f: &dyn Fn(&CountRow) -> Option<&str>| -> ArrayRef {
        Arc::new(rows.iter().map(f).collect::<StringArray>())
    };
    let ints = |f: &dyn Fn(&CountRow) -> Option<i64>| -> ArrayRef {
        Arc::new(rows.iter().map(f).collect::<Int64Array>())
    };
    let mut cols: Vec<ArrayRef> = vec![
        strs(&|r| Some(&r.doc_id)),
        strs(&|r| Some(&r.part)),
        strs(&|r| Some(&r.actor)),
    ];
    let sums: [fn(&CountRow) -> u64; 8] = [
        |r| r.units,
        |r| r.pro,
        |r| r.anti,
        |r| r.none,
        |r| r.mentioned,
        |r| r.sentiment[0],
        |r| r.sentiment[1],
        |r| r.sentiment[2],
    ];
    for sum in sums {
        cols.push(ints(&|r| Some(sum(r) as i64)));
    }
    let strongest: [fn(&CountRow) -> Option<&UnitRef>; 2] =
        [|r| r.strongest_pro.as_ref(), |r| r.strongest_anti.as_ref()];
    for best in strongest {
        cols.push(strs(&|r| best(r).map(|u| u.unit_id.as_str())));
        cols.push(Arc::new(
            rows.iter()
                .map(|r| best(r).map(|u| u.p))
                .collect::<Float64Array>(),
        ));
        cols.push(strs(&|r| best(r).map(|u| u.excerpt.as_str())));
        cols.push(strs(&|r| {
            best(r)
                .and_then(|u| u.context.as_ref())
                .map(|c| c.text.as_str())
        }));
        for end in 0..2 {
            cols.push(ints(&|r| {
                best(r)
                    .and_then(|u| u.context.as_ref())
                    .map(|c| c.mention[end] as i64)
            }));
        }
    }
    cols.push(ints(&|r| r.first));
    cols.push(ints(&|r| r.title.as_ref().and_then(|t| t.at)));
    cols.push(strs(&|r| r.title.as_ref().map(|t| t.unit_id.as_str())));
    cols.push(strs(&|r| r.title.as_ref().map(|t| t.excerpt.as_str())));
    let title_stance = |r: &CountRow| r.title.as_ref().and_then(|t| t.stance);
    cols.push(strs(&|r| title_stance(r).map(|s| s.0.as_str())));
    cols.push(Arc::new(
        rows.iter()
            .map(|r| title_stance(r).map(|s| s.1))
            .collect::<Float64Array>(),
    ));
    RecordBatch::try_new(counts_schema(), cols).map_err(|e| value_error(e.to_string()))
}

/// The count rows of `batch`. The key and sum columns are required (of
/// any string and integer types); the strongest-unit, `first` and title
/// columns may be absent (nothing quoted, articles by id, no headline).
pub fn from_batch(batch: &RecordBatch, out: &mut Vec<CountRow>) -> PyResult<()> {
    let has = |name: &str| batch.column_by_name(name).is_some();
    let text = |name: &str| -> PyResult<StringArray> {
        Ok(
            cast_column(batch, name, &DataType::Utf8, "a string column")?
                .as_string::<i32>()
                .clone(),
        )
    };
    let opt_text = |name: &str| has(name).then(|| text(name)).transpose();
    let int = |name: &str| -> PyResult<Int64Array> {
        Ok(
            cast_column(batch, name, &DataType::Int64, "an integer column")?
                .as_primitive::<Int64Type>()
                .clone(),
        )
    };
    let opt_int = |name: &str| has(name).then(|| int(name)).transpose();
    let opt_float = |name: &str| -> PyResult<Option<Float64Array>> {
        has(name)
            .then(|| {
                cast_column(batch, name, &DataType::Float64, "a number column")
                    .map(|c| c.as_primitive::<Float64Type>().clone())
            })
            .transpose()
    };
    let key = [text("doc_id")?, text("part")?, text("actor")?];
    let sums: Vec<Int64Array> = SUMS.iter().map(|n| int(n)).collect::<PyResult<_>>()?;
    let mut strongest = Vec::new();
    for stance in ["pro", "anti"] {
        let p = opt_float(&format!("{stance}_p"))?;
        strongest.push((
            stance,
            opt_text(&format!("{stance}_unit"))?,
            p,
            opt_text(&format!("{stance}_excerpt"))?,
            (
                opt_text(&format!("{stance}_context"))?,
                opt_int(&format!("{stance}_mention_start"))?,
                opt_int(&format!("{stance}_mention_end"))?,
            ),
        ));
    }
    let first = opt_int("first")?;
    let (title_at, title_unit, title) = (
        opt_int("title_at")?,
        opt_text("title_unit")?,
        opt_text("title")?,
    );
    let title_stance = opt_text("title_stance")?;
    let title_p = opt_float("title_p")?;
    let get = |c: &Option<StringArray>, i: usize| {
        c.as_ref()
            .filter(|c| c.is_valid(i))
            .map(|c| c.value(i).to_string())
    };
    let get_int =
        |c: &Option<Int64Array>, i: usize| c.as_ref().filter(|c| c.is_valid(i)).map(|c| c.value(i));
    let get_float = |c: &Option<Float64Array>, i: usize| {
        c.as_ref().filter(|c| c.is_valid(i)).map(|c| c.value(i))
    };
    for i in 0..batch.num_rows() {
        let mut row = CountRow::default();
        for (col, name) in key.iter().zip(["doc_id", "part", "actor"]) {
            if col.is_null(i) {
                return Err(value_error(format!("column {name:?} is null at row {i}")));
            }
        }
        row.doc_id = key[0].value(i).to_string();
        row.part = key[1].value(i).to_string();
        row.actor = key[2].value(i).to_string();
        let mut sum = [0u64; 8];
        for ((s, col), name) in sum.iter_mut().zip(&sums).zip(SUMS) {
            if col.is_null(i) || col.value(i) < 0 {
                return Err(value_error(format!(
                    "column {name:?} is null or negative at row {i}"
                )));
            }
            *s = col.value(i) as u64;
        }
        [row.units, row.pro, row.anti, row.none, row.mentioned] =
            [sum[0], sum[1], sum[2], sum[3], sum[4]];
        row.sentiment = [sum[5], sum[6], sum[7]];
        for (stance, unit, p, excerpt, (context, start, end)) in &strongest {
            let Some(unit_id) = get(unit, i) else {
                continue;
            };
            let p = get_float(p, i).ok_or_else(|| {
                value_error(format!("{stance}_unit without {stance}_p at row {i}"))
            })?;
            let context = match (get(context, i), get_int(start, i), get_int(end, i)) {
                (None, _, _) => None,
                (Some(text), Some(a), Some(b))
                    if 0 <= a
                        && a <= b
                        && text.is_char_boundary(b as usize)
                        && text.is_char_boundary(a as usize) =>
                {
                    Some(Context {
                        text,
                        mention: [a as usize, b as usize],
                    })
                }
                _ => {
                    return Err(value_error(format!(
                        "{stance}_context at row {i} needs {stance}_mention_start and \
                         {stance}_mention_end: a byte span of it on character boundaries"
                    )));
                }
            };
            let quoted = Some(UnitRef {
                unit_id,
                p,
                excerpt: get(excerpt, i).unwrap_or_default(),
                context,
            });
            if *stance == "pro" {
                row.strongest_pro = quoted;
            } else {
                row.strongest_anti = quoted;
            }
        }
        row.first = get_int(&first, i);
        let (unit_id, excerpt) = (get(&title_unit, i), get(&title, i));
        if unit_id.is_some() || excerpt.is_some() {
            let stance = match get(&title_stance, i) {
                None => None,
                Some(s) => {
                    let stance = Stance::parse(&s).ok_or_else(|| {
                        value_error(format!(
                            "title_stance {s:?} at row {i} is not {}",
                            Stance::EXPECTED
                        ))
                    })?;
                    let p = get_float(&title_p, i).ok_or_else(|| {
                        value_error(format!("title_stance without title_p at row {i}"))
                    })?;
                    Some((stance, p))
                }
            };
            row.title = Some(Title {
                at: get_int(&title_at, i),
                unit_id: unit_id.unwrap_or_default(),
                excerpt: excerpt.unwrap_or_default(),
                stance,
            });
        }
        out.push(row);
    }
    Ok(())
}
