//! stance: who is for and who is against whom in the news.
//!
//! Data flows one way: [`corpus`] (pages and records → units) → [`text`]
//! (tokens) and [`actors`] (mentions) → features → model → evaluation and
//! scoring → reports. [`labels`] holds the hand labels everything is
//! measured against.

pub mod actors;
pub mod commit;
pub mod confine;
pub mod corpus;
pub mod dataset;
pub mod digest;
pub mod error;
pub mod eval;
pub mod features;
pub mod input;
pub mod labels;
pub mod limits;
pub mod linear;
pub mod model;
pub mod outfile;
pub mod progress;
pub mod project;
pub mod report;
pub mod score;
pub mod sparse;
pub mod spreadsheet;
pub mod suggest;
pub mod text;

pub use error::{Error, Rejection, Result};
