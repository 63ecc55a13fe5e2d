//! Options of the commands that read units (`score`, `run`, `ingest`):
//! plain text, and the user's own columns.

use clap::Args as ClapArgs;
use stance::corpus::Input;
use stance::corpus::ingest::{ReadOptions, require_inputs};

#[derive(ClapArgs)]
pub struct InputArgs {
    /// Files, directories, or - for stdin (gzip and zstd files are read as
    /// they are).
    #[arg(required_unless_present = "text")]
    pub inputs: Vec<String>,
    /// A text to score as one unit (repeatable): document `text`, ids
    /// text-1, text-2, …
    #[arg(long)]
    pub text: Vec<String>,
    /// Each input line is one unit of plain text: document = the file's
    /// name (stdin: `stdin`), ids line-N by line number.
    #[arg(long)]
    pub lines: bool,
    /// Column (CSV/TSV) or key (JSON lines) of the unit id [default:
    /// unit_id].
    #[arg(long, value_name = "NAME")]
    pub id_col: Option<String>,
    /// Column or key of the document id [default: doc_id]. With --id-col or
    /// --text-col and no such column, the file's name is the document.
    #[arg(long, value_name = "NAME")]
    pub doc_col: Option<String>,
    /// Column or key of the text [default: text].
    #[arg(long, value_name = "NAME")]
    pub text_col: Option<String>,
    /// Field separator of CSV inputs: a character, or `tab` [default: `,`;
    /// `.tsv` files: tab].
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
}

impl InputArgs {
    /// The inputs, checked to exist: a missing file stops the command
    /// before any work (exit 2), naming every missing one.
    pub fn inputs(&self) -> stance::Result<Vec<Input>> {
        let inputs: Vec<Input> = self.inputs.iter().map(|s| Input::parse(s)).collect();
        require_inputs(&inputs)?;
        Ok(inputs)
    }

    pub fn options(&self) -> stance::Result<ReadOptions> {
        ReadOptions::from_flags(
            self.id_col.as_deref(),
            self.doc_col.as_deref(),
            self.text_col.as_deref(),
            self.delimiter.as_deref(),
            self.lines,
        )
    }
}
