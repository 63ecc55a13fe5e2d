//! The model card and the guide to the page's numbers, after the overview.
//! Each says only what the model file, its registry entry and the report
//! record; what none of them records is shown as "not recorded".

use std::fmt::Write;

use super::{escape, thousands};
use crate::report::card::Validation;
use crate::report::quantify::{MIN_PER_CLASS, Method};
use crate::report::{ModelCard, ShareMethod};

const UNKNOWN: &str = "<span class=\"unknown\">not recorded</span>";

fn field(out: &mut String, key: &str, label: &str, value: Option<String>) {
    w!(
        out,
        "<dt>{label}</dt><dd data-field=\"{key}\">{}</dd>\n",
        value.as_deref().unwrap_or(UNKNOWN)
    );
}

fn validation(v: &Validation) -> String {
    let f = |x: Option<f64>| x.map_or_else(|| UNKNOWN.to_string(), |x| format!("{x:.3}"));
    let iv = |x: Option<[f64; 2]>| x.map_or(String::new(), |[a, b]| format!(" [{a:.3}, {b:.3}]"));
    let i = v.intervals.as_ref();
    let data = if v.data.is_empty() {
        String::new()
    } else {
        format!(" from {}", escape(&v.data.join(", ")))
    };
    let mut s = format!(
        "on {} held-out labelled (unit, actor) pairs{data} (the evaluation split, never trained on): \
         stance F<sub>avg</sub> <b>{}</b>{}, macro-F1 {}{}, accuracy {}{}",
        thousands(v.n),
        f(v.f_avg),
        iv(i.and_then(|i| i.f_avg)),
        f(v.macro_f1),
        iv(i.map(|i| i.macro_f1)),
        f(v.accuracy),
        iv(i.map(|i| i.accuracy)),
    );
    match i {
        Some(i) => {
            w!(s, "; 95% bootstrap intervals, {} rounds", i.rounds);
        }
        None => s.push_str("; intervals not recorded in the model"),
    }
    s
}

fn training(c: &ModelCard) -> String {
    let mut s = format!(
        "{} stance pairs and {} sentiment labels",
        thousands(c.n_stance),
        thousands(c.n_sentiment)
    );
    if !c.data_files.is_empty() {
        w!(s, " from <code>{}</code>", escape(&c.data_files.join(", ")));
    }
    if !c.sources.is_empty() {
        let list: Vec<String> = (c.sources.iter())
            .map(|(n, w)| format!("{} (weight {w})", escape(n)))
            .collect();
        w!(s, ", with external data sets {}", list.join(", "));
    }
    if !c.stance_counts.is_empty() {
        let list: Vec<String> = (c.stance_counts.iter())
            .map(|(t, [p, a, n])| format!("{} {p}/{a}/{n}", escape(t)))
            .collect();
        w!(s, ". Pro/anti/none labels per target: {}", list.join(", "));
    }
    s
}

/// The model card: `card` from the model file and registry, `method` from
/// the report's predicted sections.
pub(super) fn card(out: &mut String, card: Option<&ModelCard>, method: Option<&ShareMethod>) {
    out.push_str("<section class=\"card\" id=\"model\">\n<h2>Model</h2>\n");
    let Some(m) = method else {
        out.push_str(
            "<p class=\"note\">No predictions in this report: it shows hand labels only.</p>\n</section>\n",
        );
        return;
    };
    out.push_str("<dl class=\"card\">\n");
    let c = card;
    field(
        out,
        "name",
        "Name",
        c.and_then(|c| c.name.as_deref().map(escape)),
    );
    field(
        out,
        "file",
        "File",
        c.map(|c| format!("<code>{}</code>", escape(&c.file))),
    );
    field(
        out,
        "created",
        "Created",
        c.and_then(|c| c.created.as_deref().map(escape)),
    );
    field(out, "kind", "Classifier", c.map(|c| escape(&c.kind)));
    field(out, "training", "Training data", c.map(training));
    // Without a card, the one-line quality the report carries still says
    // what was measured.
    let measured = match c {
        Some(c) => c.validation.as_ref().map(validation),
        None => m.model.as_deref().map(escape),
    };
    field(out, "validation", "Measured accuracy", measured);
    let calibration = c.and_then(|c| {
        let ece = c.validation.as_ref().and_then(|v| v.ece);
        match (&c.calibration, ece) {
            (None, None) => None,
            (text, ece) => Some(format!(
                "{}{}",
                text.as_deref().map_or(String::new(), escape),
                ece.map_or(String::new(), |e| format!(
                    "; expected calibration error {e:.3} on the held-out pairs"
                ))
            )),
        }
    });
    field(out, "calibration", "Probabilities", calibration);
    let mut how = format!("<b>{}</b> ({})", m.method, escape(m.method.describe()));
    if m.requested != m.method {
        w!(how, "; {} was asked for", m.requested);
    }
    if m.labelled_pairs > 0 {
        w!(
            how,
            "; error rates from {} labelled out-of-fold pairs (an actor's own where it has ≥ {MIN_PER_CLASS} per class, else pooled)",
            thousands(m.labelled_pairs)
        );
    }
    // The hooks a page reader (or test) needs without parsing the prose.
    let mae = m
        .measured
        .map_or(String::new(), |e| format!(" data-mae=\"{:.4}\"", e.mae));
    w!(
        out,
        "<dt>Quantification</dt><dd data-field=\"method\" data-method=\"{}\" data-requested=\"{}\" \
         data-intervals=\"{}\"{mae}>{how}</dd>\n",
        m.method,
        m.requested,
        escape(&m.intervals)
    );
    let error = m.measured.map(|e| {
        format!(
            "mean absolute error <b>{:.3}</b> of the pro/anti/none shares (KL {:.3}) over {} article × actor \
             cells in {} documents of the model's out-of-fold data, each document's shares estimated with \
             error rates from the other documents",
            e.mae, e.kl, thousands(e.cells), thousands(e.documents)
        )
    });
    let error = error.or_else(|| {
        (m.labelled_pairs == 0 && m.method == Method::Cc)
            .then(|| "not measured: the model has no out-of-fold data to measure it on".to_string())
    });
    field(out, "method-error", "Its measured error", error);
    let note = [c.and_then(|c| c.note.as_deref()), m.note.as_deref()];
    for n in note.into_iter().flatten() {
        w!(
            out,
            "<dt>Note</dt><dd data-field=\"note\">{}</dd>\n",
            escape(n)
        );
    }
    out.push_str("</dl>\n</section>\n");
}

/// "How to read the numbers": what every figure on the page is, for the
/// method this report used.
pub(super) fn reading(
    out: &mut String,
    card: Option<&ModelCard>,
    method: Option<&ShareMethod>,
    labelled: bool,
) {
    out.push_str(
        "<section class=\"reading\" id=\"reading\">\n<h2>How to read the numbers</h2>\n<ul class=\"legend\">\n",
    );
    out.push_str(
        "<li data-explains=\"shares\"><b>Shares</b>: per actor, the share of the article's units \
         (comments, or its own paragraphs) that are pro, anti or neither toward it. <b>Net</b> is the pro \
         share minus the anti share; <b>units</b> is how many units the part has. The headline is scored on its own (shown under it) and counted in \
         neither part, for predictions and hand labels alike.</li>\n",
    );
    if let Some(m) = method {
        let shares = match m.method {
            Method::Cc => {
                "Predicted shares count the units whose most probable class is pro or anti \
                           (classify and count)."
                    .to_string()
            }
            other => format!(
                "Predicted shares are estimated by {} ({}), which corrects the counts for the \
                 classifier's measured errors; the counts in the tables are still the classifier's \
                 decisions.",
                other,
                escape(other.describe())
            ),
        };
        let intervals = match (m.intervals.as_str(), m.rounds, m.seed) {
            ("bootstrap", Some(rounds), Some(seed)) => {
                let rates = if m.labelled_pairs > 0 {
                    format!(
                        " and the {} labelled out-of-fold pairs the error rates come from",
                        thousands(m.labelled_pairs)
                    )
                } else {
                    String::new()
                };
                format!(
                    "Their 95% intervals are percentile bootstraps ({rounds} rounds, seed {seed}): each \
                     round redraws the section's units{rates} with replacement and estimates again; the \
                     interval holds the middle 95% of the rounds, and the net's interval comes from the \
                     same rounds. They include the sampling of units{}, not errors the labelled data do \
                     not show (other kinds of text, other periods).",
                    if rates.is_empty() { "" } else { " and the uncertainty of the error rates" }
                )
            }
            _ => "Their 95% intervals are Wilson score intervals over the section's units, and the \
                  net's is Newcombe's interval for a difference of two shares of the same units. They \
                  include the sampling of units only, not the classifier's mistakes: how large those \
                  are on labelled data is the measured error in the model card."
                .to_string(),
        };
        w!(
            out,
            "<li data-explains=\"intervals\"><b>Intervals</b>: {shares} {intervals}</li>\n"
        );
        let calibrated = card
            .and_then(|c| c.calibration.as_deref())
            .map_or(String::new(), |t| format!(" ({})", escape(t)));
        w!(
            out,
            "<li data-explains=\"probability\"><b>(0.59)</b> after a quoted unit is the model's \
             calibrated probability that the unit has the stance it is quoted for{calibrated}: of \
             many units quoted at 0.59, about 59% should truly be so. The quoted unit is the one with \
             the highest such probability in its section.</li>\n"
        );
    }
    if labelled {
        out.push_str(
            "<li data-explains=\"labelled\"><b>Labelled</b> sections count hand labels (Wilson \
             intervals; the net's by Newcombe's method).",
        );
        if method.is_some() {
            out.push_str(
                " Beside a prediction, ✓ marks a unit whose predicted stance equals its hand label and \
                 ✗ one whose does not; each article lists them unit by unit under “Predicted vs \
                 labelled”. The buttons at the top show both side by side or only one of them, at any \
                 window width.",
            );
        }
        out.push_str("</li>\n");
    }
    out.push_str(
        "<li data-explains=\"quotes\"><b>Quotes</b> show the words around the actor's first mention \
         (highlighted), with … where text was left out; a unit that does not name the actor starts at \
         its beginning. <b>mentioned</b> counts the units that name the actor (by the names in the \
         actors file); a unit can take a stance without naming it.</li>\n\
         <li data-explains=\"sentiment\"><b>Tone</b>: the units' overall sentiment (the model's most \
         probable one, or the hand label), negative / neutral / positive, with counts and shares of the \
         section's units; it is about the text as a whole, not about any actor.</li>\n\
         <li data-explains=\"colours\"><b>Colours</b>: stance is blue (pro) and orange (anti); sentiment \
         is green (positive), grey (neutral) and purple (negative), two palettes that share no colour \
         and that colour-blind readers can tell apart. Every coloured mark also prints its number.</li>\n\
         </ul>\n</section>\n",
    );
}
