//! The `stance._stance` native module: a loaded model that scores texts
//! into pandas DataFrames and Arrow batches. Scoring is the library's
//! ([`stance::score::score_columns`], the calls `stance score` makes), on
//! rayon's threads with the GIL released, so Python threads run on while
//! a batch is scored.

mod arrow_io;
mod errors;

use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use pyo3::prelude::*;
use pyo3_arrow::{PyRecordBatch, PyTable};
use stance::model::StanceModel;
use stance::score::score_columns;

use arrow_io::{SCORE_COLUMNS, output_schema, strings, to_batch};
use errors::{StanceError, to_py, value_error};

/// The shipped default model, as the build found `models/default.model`
/// (the same bytes the CLI has built in): a wheel then scores with no file
/// beside it.
const DEFAULT_MODEL: &[u8] = stance::model::embedded::BYTES;

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
        let inner = py
            .detach(|| StanceModel::load(&path))
            .map_err(|e| to_py(py, e))?;
        Ok(Model {
            inner,
            origin: path.display().to_string(),
        })
    }

    /// The model shipped with this package (the repository's
    /// `models/default.model` when the wheel was built).
    ///
    /// Example:
    ///     >>> model = stance.Model.default()
    #[staticmethod]
    fn default(py: Python<'_>) -> PyResult<Model> {
        let origin = "<embedded models/default.model>";
        let inner = py
            .detach(|| StanceModel::from_bytes(DEFAULT_MODEL, Path::new(origin)))
            .map_err(|e| to_py(py, e))?;
        Ok(Model {
            inner,
            origin: origin.into(),
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
    /// The score columns are those of `score`.
    ///
    /// Example:
    ///     >>> import pyarrow as pa
    ///     >>> batch = pa.record_batch({"id": ["a", "b"], "text": ["We trust Russia", "We blame Russia"]})
    ///     >>> model.score_arrow(batch, keep=["id"]).num_rows == 2 * len(model.actors)
    ///     True
    #[pyo3(signature = (data, text="text", target=None, keep=None, first_row=0))]
    fn score_arrow<'py>(
        &self,
        py: Python<'py>,
        data: Bound<'py, PyAny>,
        text: &str,
        target: Option<&str>,
        keep: Option<Vec<String>>,
        first_row: u64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let keep = keep.unwrap_or_default();
        if let Some(clash) = keep.iter().find(|k| SCORE_COLUMNS.contains(&k.as_str())) {
            return Err(value_error(format!(
                "cannot keep column {clash:?}: the scores have a column of that name"
            )));
        }
        if data.hasattr("__arrow_c_array__")? {
            let batch: PyRecordBatch = data.extract()?;
            let out = self.score_batch(py, batch.as_ref(), text, target, &keep, first_row)?;
            return PyRecordBatch::new(out).into_pyarrow(py);
        }
        let table: PyTable = data.extract()?;
        let (batches, schema) = table.into_inner();
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
            out.push(self.score_batch(py, batch, text, target, &keep, row)?);
            row += batch.num_rows() as u64;
        }
        PyTable::try_new(out, output_schema(&kept))?.into_pyarrow(py)
    }

    fn __repr__(&self) -> String {
        format!("Model({:?}, actors={:?})", self.origin, self.actors())
    }
}

impl Model {
    fn score_batch(
        &self,
        py: Python<'_>,
        batch: &RecordBatch,
        text: &str,
        target: Option<&str>,
        keep: &[String],
        first_row: u64,
    ) -> PyResult<RecordBatch> {
        let texts = strings(batch, text, first_row)?;
        let targets = target.map(|t| strings(batch, t, first_row)).transpose()?;
        let cols = py
            .detach(|| score_columns(&self.inner, &texts, targets.as_deref()))
            .map_err(|e| to_py(py, e))?;
        to_batch(cols, Some(batch), keep, first_row)
    }
}

#[pymodule]
fn _stance(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Model>()?;
    m.add("StanceError", m.py().get_type::<StanceError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
