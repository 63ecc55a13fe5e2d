//! The `stance._stance` native module: a loaded model that scores texts
//! into pandas DataFrames and Arrow batches. Scoring is the library's
//! ([`stance::score::score_columns`], the calls `stance score` makes), on
//! rayon's threads with the GIL released, so Python threads run on while
//! a batch is scored.

mod api;
mod arrow_io;
mod counts_io;
mod errors;
mod rows;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, Schema, SchemaRef};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use pyo3_arrow::{PyRecordBatch, PyTable};
use stance::labels::Stance;
use stance::model::{StanceModel, file};
use stance::report::counts::{Counts, UnitCount, from_counts};
use stance::report::quantify::Method;
use stance::report::{ModelShares, render_csv, render_html, render_table};
use stance::score::{round4, score_columns};

use arrow_io::{SCORE_COLUMNS, cast_column, output_schema, strings, to_batch};
use errors::{StanceError, to_py, value_error};
use rows::{Names, Rows, rejected_batch, rejected_fields};

/// The shipped default model, as the build found `models/default.model`
/// (the same bytes the CLI has built in): a wheel then scores with no file
/// beside it.
const DEFAULT_MODEL: &[u8] = stance::model::embedded::BYTES;

/// How `Model.default()` names its model.
const DEFAULT_ORIGIN: &str = "<embedded models/default.model>";

/// A stance and sentiment model, ready to score.
///
/// Example:
///     >>> import stance
///     >>> model = stance.Model.default()
///     >>> df = model.score(["Russia is our true friend"])
///     >>> df.loc[df.actor == "RUS", "stance"].item()
///     'pro'
#[pyclass(frozen, module = "stance")]
struct Model {
    inner: StanceModel,
    origin: String,
    /// The model file's bytes, for `to_bytes` (to ship the model to other
    /// machines); the embedded default is not copied.
    bytes: Cow<'static, [u8]>,
}

/// The RecordBatches of `data` (a RecordBatch, or a Table or anything
/// else with the Arrow PyCapsule stream interface), their schema, and
/// whether it was a single RecordBatch.
fn batches(data: &Bound<'_, PyAny>) -> PyResult<(Vec<RecordBatch>, SchemaRef, bool)> {
    if data.hasattr("__arrow_c_array__")? {
        let batch: PyRecordBatch = data.extract()?;
        let batch = batch.into_inner();
        let schema = batch.schema();
        return Ok((vec![batch], schema, true));
    }
    let table: PyTable = data.extract()?;
    let (batches, schema) = table.into_inner();
    Ok((batches, schema, false))
}

#[pymethods]
impl Model {
    /// Loads a model file written by `stance train`.
    ///
    /// Raises StanceError (with `file`) when the file cannot be read or is
    /// not a model of this version.
    ///
    /// Example:
    ///     >>> model = stance.Model.load("models/default.model")
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Model> {
        let (inner, bytes) = py
            .detach(|| {
                let bytes = file::read(&path)?;
                Ok((StanceModel::from_bytes(&bytes, &path)?, bytes))
            })
            .map_err(|e| to_py(py, e))?;
        Ok(Model {
            inner,
            origin: path.display().to_string(),
            bytes: Cow::Owned(bytes),
        })
    }

    /// A model from the bytes of a model file (`to_bytes` of another
    /// model, or a file read elsewhere): how `stance.dask` and
    /// `stance.spark` ship a model to their workers. Errors name `origin`.
    ///
    /// Example:
    ///     >>> same = stance.Model.from_bytes(model.to_bytes())
    ///     >>> same.actors == model.actors
    ///     True
    #[staticmethod]
    #[pyo3(signature = (data, origin="<bytes>"))]
    fn from_bytes(py: Python<'_>, data: &[u8], origin: &str) -> PyResult<Model> {
        let bytes = data.to_vec();
        let inner = py
            .detach(|| StanceModel::from_bytes(&bytes, Path::new(origin)))
            .map_err(|e| to_py(py, e))?;
        Ok(Model {
            inner,
            origin: origin.into(),
            bytes: Cow::Owned(bytes),
        })
    }

    /// The bytes of the model file this model was loaded from, to ship to
    /// other processes (`Model.from_bytes` there).
    ///
    /// Example:
    ///     >>> len(model.to_bytes()) > 1000
    ///     True
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.bytes)
    }

    /// Writes the model to `path` and its readable meta data to
    /// `<path without .model>.meta.json` beside it, as `stance train -o
    /// PATH` writes them: atomically, whole or not at all
    /// (`stance::model::file::save_with_meta`).
    ///
    /// Example:
    ///     >>> import tempfile, pathlib
    ///     >>> path = pathlib.Path(tempfile.mkdtemp()) / "copy.model"
    ///     >>> model.save(path)
    ///     >>> stance.Model.load(path).actors == model.actors
    ///     True
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let meta = path.with_extension("meta.json");
        // From the file's bytes: the loaded model is prepared for scoring.
        py.detach(|| {
            let data = file::from_bytes(&self.bytes, Path::new(&self.origin))?;
            file::save_with_meta(&data, &path, &meta)
        })
        .map_err(|e| to_py(py, e))
    }

    /// The model shipped with this package (the repository's
    /// `models/default.model` when the wheel was built).
    ///
    /// Example:
    ///     >>> model = stance.Model.default()
    #[staticmethod]
    fn default(py: Python<'_>) -> PyResult<Model> {
        let origin = DEFAULT_ORIGIN;
        let inner = py
            .detach(|| StanceModel::from_bytes(DEFAULT_MODEL, Path::new(origin)))
            .map_err(|e| to_py(py, e))?;
        Ok(Model {
            inner,
            origin: origin.into(),
            bytes: Cow::Borrowed(DEFAULT_MODEL),
        })
    }

    /// The codes of the model's actors, in the order rows list them.
    #[getter]
    fn actors(&self) -> Vec<String> {
        self.inner.actors().codes().map(str::to_string).collect()
    }

    /// Scores texts, as a pandas DataFrame.
    ///
    /// Without `targets`: one row per text and actor of the model; with
    /// `targets` (one per text): one row per text, toward its target.
    /// Columns: row (the text's index), actor (or target), stance,
    /// prob_pro, prob_anti, prob_none, mentioned, sentiment,
    /// prob_positive, prob_negative, prob_neutral. Probabilities are the
    /// model's float32 values, unrounded (`stance score` writes them
    /// rounded to 4 decimals).
    ///
    /// Example:
    ///     >>> df = model.score(["We trust Pakistan again"], targets=["Pakistan"])
    ///     >>> df.loc[0, "stance"]
    ///     'pro'
    #[pyo3(signature = (texts, targets=None))]
    fn score<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        targets: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let batch = py.detach(|| {
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            let targets: Option<Vec<&str>> = targets
                .as_ref()
                .map(|t| t.iter().map(String::as_str).collect());
            score_columns(&self.inner, &texts, targets.as_deref())
        });
        let batch = to_batch(batch.map_err(|e| to_py(py, e))?, None, &[], 0)?;
        PyRecordBatch::new(batch)
            .into_pyarrow(py)?
            .call_method0("to_pandas")
    }

    /// Scores the text column of an Arrow RecordBatch or Table (pyarrow,
    /// polars or any object with the Arrow PyCapsule interface), returning
    /// a pyarrow RecordBatch for a batch and a Table otherwise.
    ///
    /// The texts are read in place (the Arrow C data interface, no copy).
    /// `target` names a column of targets (one row per text toward it);
    /// `keep` lists input columns to carry into each output row (ids);
    /// `first_row` numbers the rows from there (for batches of a stream).
    /// The score columns are those of `score`. A null text is a
    /// ValueError; with `skip_rejected`, the rows `stance score` would
    /// reject (a null, blank or overlong text, a null or blank target)
    /// are left out instead, keeping their row numbers out of `row`;
    /// `stance.rejected_arrow` lists them.
    ///
    /// Example:
    ///     >>> import pyarrow as pa
    ///     >>> batch = pa.record_batch({"id": ["a", "b"], "text": ["We trust Russia", "We blame Russia"]})
    ///     >>> model.score_arrow(batch, keep=["id"]).num_rows == 2 * len(model.actors)
    ///     True
    #[pyo3(signature = (data, text="text", target=None, keep=None, first_row=0, skip_rejected=false))]
    #[allow(clippy::too_many_arguments)]
    fn score_arrow<'py>(
        &self,
        py: Python<'py>,
        data: Bound<'py, PyAny>,
        text: &str,
        target: Option<&str>,
        keep: Option<Vec<String>>,
        first_row: u64,
        skip_rejected: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let keep = keep.unwrap_or_default();
        if let Some(clash) = keep.iter().find(|k| SCORE_COLUMNS.contains(&k.as_str())) {
            return Err(value_error(format!(
                "cannot keep column {clash:?}: the scores have a column of that name"
            )));
        }
        let names = Names {
            text: text.into(),
            target: target.map(str::to_string),
            ..Names::default()
        };
        let skip = skip_rejected.then_some(&names);
        let (batches, schema, one) = batches(&data)?;
        let mut kept = Vec::new();
        for name in &keep {
            let field = schema
                .field_with_name(name)
                .map_err(|_| value_error(format!("no column {name:?} to keep in the data")))?;
            kept.push(field.clone());
        }
        let mut out = Vec::with_capacity(batches.len());
        let mut row = first_row;
        for batch in &batches {
            out.push(self.score_batch(py, batch, &names, skip, &keep, row)?);
            row += batch.num_rows() as u64;
        }
        if one {
            return PyRecordBatch::new(out.pop().expect("one batch")).into_pyarrow(py);
        }
        PyTable::try_new(out, output_schema(&kept))?.into_pyarrow(py)
    }

    /// Scores the units of an Arrow RecordBatch or Table and counts them
    /// for a report: one row per document, part (comments or paragraphs)
    /// and actor, with the units classified pro, anti and none, those
    /// that mention the actor, the section's units and sentiment, the
    /// strongest pro and anti unit, the first position (`order`) and the
    /// headline. Rows that `stance score` would reject (a null or blank
    /// text, document or unit id, an unknown kind) are not counted.
    /// Returns a RecordBatch for a RecordBatch, a Table otherwise; counts
    /// of parts of the data add up (`stance.report.merge_counts`), and
    /// `stance.report.from_counts` makes the report.
    ///
    /// `kind` names a column of unit kinds (title, paragraph, comment;
    /// comment when absent); `order` a column of positions (integers, such
    /// as line numbers) to list articles in the order of their first unit
    /// and to take a document's last title as its headline.
    ///
    /// Example:
    ///     >>> batch = pa.record_batch({"doc_id": ["d", "d"], "unit_id": ["1", "2"], "text": ["We trust Russia", "Hello"]})
    ///     >>> counts = model.count_arrow(batch)
    ///     >>> counts.num_rows == len(model.actors)
    ///     True
    #[pyo3(signature = (data, text="text", doc="doc_id", unit="unit_id", kind=None, order=None))]
    #[allow(clippy::too_many_arguments)]
    fn count_arrow<'py>(
        &self,
        py: Python<'py>,
        data: Bound<'py, PyAny>,
        text: &str,
        doc: &str,
        unit: &str,
        kind: Option<&str>,
        order: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let names = Names {
            text: text.into(),
            target: None,
            doc: Some(doc.into()),
            unit: Some(unit.into()),
            kind: kind.map(str::to_string),
        };
        let (batches, _, one) = batches(&data)?;
        let mut counts = Counts::with_actors(self.inner.actors().clone());
        for batch in &batches {
            self.count_batch(py, batch, &names, order, &mut counts)?;
        }
        let out = counts_io::to_batch(counts.rows())?;
        if one {
            return PyRecordBatch::new(out).into_pyarrow(py);
        }
        PyTable::try_new(vec![out], counts_io::counts_schema())?.into_pyarrow(py)
    }

    fn __repr__(&self) -> String {
        format!("Model({:?}, actors={:?})", self.origin, self.actors())
    }
}

impl Model {
    /// Scores `batch`; rows `stance score` rejects are an error, or left
    /// out when `skip` names the columns to check them by.
    fn score_batch(
        &self,
        py: Python<'_>,
        batch: &RecordBatch,
        names: &Names,
        skip: Option<&Names>,
        keep: &[String],
        first_row: u64,
    ) -> PyResult<RecordBatch> {
        let cols = match skip {
            None => {
                let texts = strings(batch, &names.text, first_row)?;
                let targets = names
                    .target
                    .as_ref()
                    .map(|t| strings(batch, t, first_row))
                    .transpose()?;
                py.detach(|| score_columns(&self.inner, &texts, targets.as_deref()))
            }
            Some(names) => {
                let rows = Rows::read(batch, names)?;
                py.detach(|| {
                    let accepted = rows.accepted();
                    let texts: Vec<&str> = accepted
                        .iter()
                        .map(|&i| rows.text[i].unwrap_or_default())
                        .collect();
                    let targets: Option<Vec<&str>> = rows
                        .target
                        .as_ref()
                        .map(|t| accepted.iter().map(|&i| t[i].unwrap_or_default()).collect());
                    let mut cols = score_columns(&self.inner, &texts, targets.as_deref())?;
                    // Back to the rows of the batch.
                    for t in &mut cols.text {
                        *t = accepted[*t as usize] as u64;
                    }
                    Ok(cols)
                })
            }
        };
        to_batch(
            cols.map_err(|e| to_py(py, e))?,
            Some(batch),
            keep,
            first_row,
        )
    }

    /// Scores the accepted units of `batch` and adds them to `counts`.
    fn count_batch(
        &self,
        py: Python<'_>,
        batch: &RecordBatch,
        names: &Names,
        order: Option<&str>,
        counts: &mut Counts,
    ) -> PyResult<()> {
        let rows = Rows::read(batch, names)?;
        let order = order
            .map(|o| cast_column(batch, o, &DataType::Int64, "an integer column"))
            .transpose()?;
        let order = order.as_ref().map(|o| o.as_primitive::<Int64Type>());
        py.detach(|| {
            let accepted = rows.accepted();
            let texts: Vec<&str> = accepted
                .iter()
                .map(|&i| rows.text[i].unwrap_or_default())
                .collect();
            let cols = score_columns(&self.inner, &texts, None)?;
            let actors = cols.names.len();
            let [pro, anti, none] = &cols.stance_probs;
            for (j, &i) in accepted.iter().enumerate() {
                let unit = UnitCount {
                    doc_id: rows.doc(i).unwrap_or_default(),
                    unit_id: rows.unit(i).unwrap_or_default(),
                    kind: rows.kind(i).unwrap_or(stance::corpus::UnitKind::Comment),
                    at: order.filter(|o| o.is_valid(i)).map(|o| o.value(i)),
                    text: texts[j],
                    sentiment: cols.sentiment.as_ref().map(|s| s.label[j * actors]),
                };
                let scored = (j * actors..(j + 1) * actors).map(|r| {
                    let stance = cols.stance[r];
                    let p = match stance {
                        Stance::Pro => pro[r],
                        Stance::Anti => anti[r],
                        Stance::None => none[r],
                    };
                    let actor = cols.names[cols.actor[r] as usize].as_str();
                    (actor, stance, f64::from(round4(p)), cols.mentioned[r])
                });
                counts.add_unit(&unit, scored);
            }
            Ok(())
        })
        .map_err(|e| to_py(py, e))
    }
}

/// The rows of an Arrow RecordBatch or Table that `stance score` would
/// reject, with the reason: the `keep` columns, `row` (the row's index,
/// counted from `first_row`) and `reason`, the CLI's message. Checks the
/// `text` (null, blank, longer than the longest line) and, when named,
/// the `target`, `doc` and `unit` columns (null or blank) and `kind`
/// (unknown). Returns a RecordBatch for a RecordBatch, a Table otherwise.
///
/// Example:
///     >>> import pyarrow as pa
///     >>> batch = pa.record_batch({"id": ["a", "b", "c"], "text": ["We trust Russia", "  ", None]})
///     >>> stance.rejected_arrow(batch, keep=["id"]).to_pylist()
///     [{'id': 'b', 'row': 1, 'reason': 'field `text` is empty'}, {'id': 'c', 'row': 2, 'reason': 'missing field `text`'}]
#[pyfunction]
#[pyo3(signature = (data, text="text", target=None, keep=None, doc=None, unit=None, kind=None, first_row=0))]
#[allow(clippy::too_many_arguments)]
fn rejected_arrow<'py>(
    py: Python<'py>,
    data: Bound<'py, PyAny>,
    text: &str,
    target: Option<String>,
    keep: Option<Vec<String>>,
    doc: Option<String>,
    unit: Option<String>,
    kind: Option<String>,
    first_row: u64,
) -> PyResult<Bound<'py, PyAny>> {
    let names = Names {
        text: text.into(),
        target,
        doc,
        unit,
        kind,
    };
    let keep = keep.unwrap_or_default();
    let (batches, schema, one) = batches(&data)?;
    let mut out = Vec::with_capacity(batches.len());
    let mut row = first_row;
    for batch in &batches {
        out.push(rejected_batch(batch, &names, &keep, row)?);
        row += batch.num_rows() as u64;
    }
    if one {
        return PyRecordBatch::new(out.pop().expect("one batch")).into_pyarrow(py);
    }
    let mut fields = Vec::new();
    for name in &keep {
        let field = schema
            .field_with_name(name)
            .map_err(|_| value_error(format!("no column {name:?} to keep in the data")))?;
        fields.push(field.clone());
    }
    fields.extend(rejected_fields());
    PyTable::try_new(out, std::sync::Arc::new(Schema::new(fields)))?.into_pyarrow(py)
}

/// Sets how many threads scoring uses in this process (the pool of
/// scoring threads, by default one per core), if scoring has not run in
/// it yet; returns whether it was set. A cluster worker process that runs
/// its tasks on some of a machine's cores calls it first, so that worker
/// processes on one machine do not each start a thread per core.
///
/// Example:
///     >>> set_here = stance.init_threads(1)  # False once anything was scored here
#[pyfunction]
fn init_threads(threads: usize) -> bool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build_global()
        .is_ok()
}

/// The count rows of `data` (an Arrow table or batch of counts).
fn read_counts(data: &Bound<'_, PyAny>) -> PyResult<Vec<stance::report::counts::CountRow>> {
    let (batches, _, _) = batches(data)?;
    let mut rows = Vec::new();
    for b in &batches {
        counts_io::from_batch(b, &mut rows)?;
    }
    Ok(rows)
}

/// Adds up the rows of a counts table that share a key (document, part,
/// actor), as the report would: sums, the strongest units, the first
/// position, the headline. Returns a pyarrow Table of one row per key.
/// Called as `stance.report.merge_counts`.
///
/// Example:
///     >>> batch = pa.record_batch({"doc_id": ["d"], "unit_id": ["1"], "text": ["We trust Russia"]})
///     >>> import stance.report
///     >>> c = pa.table(model.count_arrow(batch))
///     >>> stance.report.merge_counts(pa.concat_tables([c, c])).column("units").to_pylist()[0]
///     2
#[pyfunction]
fn merge_counts<'py>(py: Python<'py>, data: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let rows = read_counts(&data)?;
    let merged = py
        .detach(|| {
            let mut counts = Counts::new();
            for r in rows {
                counts.merge(r)?;
            }
            Ok(counts.into_rows())
        })
        .map_err(|e| to_py(py, e))?;
    PyTable::try_new(
        vec![counts_io::to_batch(&merged)?],
        counts_io::counts_schema(),
    )?
    .into_pyarrow(py)
}

/// The per-article report of a counts table, as `stance report --format
/// FORMAT` (json, table, csv or html) prints it for the scores the counts
/// were made from, with `model`'s actors, quality and measured error.
/// Only `method="cc"` (the default of `stance report`) can be applied to
/// counts; a method that needs each unit's probabilities is a ValueError.
/// Called by `stance.report.from_counts`.
#[pyfunction]
#[pyo3(signature = (data, model, method="cc", format="json"))]
fn report_from_counts<'py>(
    py: Python<'py>,
    data: Bound<'py, PyAny>,
    model: PyRef<'py, Model>,
    method: &str,
    format: &str,
) -> PyResult<String> {
    let method: Method = method.parse().map_err(value_error)?;
    if !matches!(format, "json" | "table" | "csv" | "html") {
        return Err(value_error(format!(
            "unknown format {format:?} (json, table, csv or html)"
        )));
    }
    let rows = read_counts(&data)?;
    let model = &model.inner;
    py.detach(|| {
        let actors: Vec<String> = model.actors().codes().map(str::to_string).collect();
        let shares = ModelShares::new(Ok(model.data()), method);
        // Rounds and seed are the CLI's defaults; CC uses neither.
        let reports = from_counts(rows, &actors, &shares.options(method, 1000, 42))?;
        Ok(match format {
            "json" => serde_json::to_string_pretty(&reports).expect("report serialises") + "\n",
            "table" => render_table(&reports),
            "csv" => render_csv(&reports),
            _ => render_html(&reports),
        })
    })
    .map_err(|e| to_py(py, e))
}

#[pymodule]
fn _stance(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Model>()?;
    m.add_function(wrap_pyfunction!(rejected_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(init_threads, m)?)?;
    m.add_function(wrap_pyfunction!(merge_counts, m)?)?;
    m.add_function(wrap_pyfunction!(report_from_counts, m)?)?;
    m.add_function(wrap_pyfunction!(api::ingest_columns, m)?)?;
    m.add_function(wrap_pyfunction!(api::train, m)?)?;
    m.add_function(wrap_pyfunction!(api::evaluate_json, m)?)?;
    m.add_function(wrap_pyfunction!(api::report_text, m)?)?;
    m.add("StanceError", m.py().get_type::<StanceError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
