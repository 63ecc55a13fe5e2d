//! The page's colours and CSS.
//!
//! Two palettes that never share a colour, so a glance at a bar says
//! whether it is stance or sentiment: stance is blue (pro) against orange
//! (anti), sentiment bluish green (positive) against reddish purple
//! (negative) with grey between (Okabe & Ito's colour-blind-safe set).
//! Blue–orange stays apart under every common colour-vision deficiency,
//! unlike red–green, and the two ends also differ in lightness, so they
//! survive greyscale printing. Colour is never the only cue: every bar and
//! cell also carries its number and its side.

/// Stance: pro, anti.
pub(super) const PRO: &str = "#0072b2";
pub(super) const ANTI: &str = "#e69f00";
/// Sentiment: positive, neutral, negative.
pub(super) const POSITIVE: &str = "#00875f";
pub(super) const NEUTRAL: &str = "#d4d4d4";
pub(super) const NEGATIVE: &str = "#cc79a7";

/// The overview's diverging scale, lightest first: net stance toward pro
/// (blue) and toward anti (orange), ending in the stance colours.
pub(super) const PRO_RAMP: [&str; 4] = ["#deebf7", "#9ecae1", "#4a98c9", PRO];
pub(super) const ANTI_RAMP: [&str; 4] = ["#fdebc8", "#f8cf80", ANTI, "#b87400"];

/// Lower bounds of |net| for the ramp's steps; below the first, the cell
/// is left white ("about even").
pub(super) const STEPS: [f64; 4] = [0.05, 0.15, 0.30, 0.50];

/// The heat class of a net stance: `even`, `pro1`…`pro4`, `anti1`…`anti4`.
pub(super) fn heat_class(net: f64) -> String {
    let level = STEPS.iter().filter(|s| net.abs() >= **s).count();
    match level {
        0 => "even".into(),
        k if net > 0.0 => format!("pro{k}"),
        k => format!("anti{k}"),
    }
}

/// The stylesheet. Layout rules worth knowing: a `.pair` lays predicted
/// and labelled sections side by side and wraps them under each other
/// when the window is too narrow for two; wide tables scroll inside their
/// own box instead of widening the page.
pub(super) fn css() -> String {
    let mut heat = String::new();
    for (i, (p, a)) in PRO_RAMP.iter().zip(ANTI_RAMP).enumerate() {
        let ink = if i == 3 { "#fff" } else { "#111" };
        heat.push_str(&format!(
            "td.h.pro{k}{{background:{p};color:{ink}}}td.h.anti{k}{{background:{a}}}\
             .swatch.pro{k}{{background:{p}}}.swatch.anti{k}{{background:{a}}}\n",
            k = i + 1
        ));
    }
    format!(
        "body{{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px auto;max-width:1500px;padding:0 16px;color:#222;background:#fff}}
h1{{font-size:24px;margin:0 0 4px}}h2{{font-size:19px;margin:0 0 8px}}h3{{font-size:15px;margin:14px 0 6px}}
.note{{color:#555;max-width:70em}}code{{font-size:12px}}
.vh{{position:absolute;opacity:0;width:1px;height:1px;overflow:hidden}}
.views{{margin:8px 0}}.views label{{display:inline-block;border:1px solid #999;padding:2px 10px;margin-right:4px;border-radius:3px;cursor:pointer}}
#view-both:checked~header label[for=view-both],#view-predicted:checked~header label[for=view-predicted],#view-labelled:checked~header label[for=view-labelled]{{background:#222;color:#fff}}
#view-predicted:checked~main [data-source=labelled],#view-labelled:checked~main [data-source=predicted]{{display:none}}
.vh:focus-visible~header .views{{outline:2px solid {PRO}}}
section.overview,section.card,section.reading{{margin:18px 0;padding-top:8px;border-top:2px solid #ccc}}
.scroll{{overflow-x:auto;max-width:100%}}
table.overview{{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:13px;margin:6px 0}}
table.overview th,table.overview td{{border:1px solid #fff;padding:3px 8px}}
table.overview thead th{{background:#f0f0f0;white-space:nowrap;text-align:center}}
table.overview th[scope=row]{{text-align:left;font-weight:normal;max-width:36em}}
td.h{{text-align:center;min-width:5.5em}}td.h .v{{display:block;font-weight:600}}td.h .ci{{display:block;font-size:11px;white-space:nowrap}}
td.h.even{{background:#fff;box-shadow:inset 0 0 0 1px #ddd}}td.h.empty{{background:#fafafa;color:#999}}
td.h.ns{{background-image:repeating-linear-gradient(135deg,rgba(255,255,255,.6) 0 3px,transparent 3px 7px)}}
{heat}.scale{{display:flex;flex-wrap:wrap;gap:2px 10px;align-items:center;font-size:12px;margin:4px 0}}
.swatch{{display:inline-block;width:26px;height:14px;vertical-align:middle;border:1px solid #ccc}}.swatch.even{{background:#fff}}
.swatch.ns{{background:{PRO_RAMP1} repeating-linear-gradient(135deg,rgba(255,255,255,.6) 0 3px,transparent 3px 7px)}}
.js th[data-sort]{{cursor:pointer}}.js th[data-sort]::after{{content:' \\2195';color:#999}}
th[aria-sort=ascending]::after{{content:' \\25B2'!important;color:#222!important}}th[aria-sort=descending]::after{{content:' \\25BC'!important;color:#222!important}}
dl.card{{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:3px 16px;max-width:75em;margin:6px 0}}dl.card dt{{font-weight:600}}dl.card dd{{margin:0}}
.unknown{{color:#999;font-style:italic}}
section.reading ul{{max-width:75em;padding-left:18px}}section.reading li{{margin:3px 0}}
section.article{{border-top:2px solid #ccc;padding:10px 0 4px;margin-top:14px}}
section.article>details>summary{{cursor:pointer}}summary h2{{display:inline;font-size:18px}}summary .meta{{color:#666;font-size:12px;margin-left:8px}}
.headline-stance{{margin:6px 0 0}}
.pair{{display:flex;flex-wrap:wrap;gap:12px 28px}}.part{{flex:1 1 560px;min-width:0;max-width:760px}}
svg.chart{{display:block;max-width:100%;height:auto}}
svg text{{font-size:11px;fill:#333}}svg text.actor{{font-size:12px;font-weight:600;fill:#222}}
svg text.head{{font-size:12px;font-weight:600}}svg text.seg-label{{fill:#111;font-weight:600}}svg text.seg-label.positive{{fill:#fff}}
.bar.pro{{fill:{PRO}}}.bar.anti{{fill:{ANTI}}}.band{{fill:#f4f4f4}}
.whisker{{stroke:#111;stroke-width:1.2;fill:none}}.grid{{stroke:#ddd}}.axis{{stroke:#444;stroke-width:1.5}}
.seg.negative,.key.negative{{fill:{NEGATIVE}}}.seg.neutral,.key.neutral{{fill:{NEUTRAL}}}.seg.positive,.key.positive{{fill:{POSITIVE}}}
svg.chart.sentiment.empty text{{fill:#777}}
table.numbers{{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:8px 0 4px;font-size:13px}}
table.numbers th,table.numbers td{{padding:2px 7px;text-align:right;border-bottom:1px solid #e6e6e6}}
table.numbers thead th{{border-bottom:1px solid #999;font-weight:600;white-space:nowrap;vertical-align:bottom}}
table.numbers small{{display:block;font-size:11px;color:#555;white-space:nowrap}}table.numbers thead small{{font-weight:normal}}table.numbers th[scope=row]{{text-align:left}}
table.compare td.text{{text-align:left;min-width:20em;color:#444}}table.compare td.mark{{white-space:nowrap;text-align:center}}
td.mark.yes{{color:#1b5e20}}td.mark.no{{color:#8a1c7c;font-weight:600}}
ul.strongest{{padding-left:18px;margin:6px 0;font-size:13px}}ul.strongest li{{margin:3px 0}}
mark{{background:#fff3b0;color:inherit;padding:0 1px}}
.tag{{font-weight:600}}.tag.pro{{color:#005a8c}}.tag.anti{{color:#8a5200}}.tag.none{{color:#555}}
.agree{{font-size:12px;white-space:nowrap}}.agree.yes{{color:#1b5e20}}.agree.no{{color:#8a1c7c;font-weight:600}}
details.compare{{margin:8px 0}}details.compare>summary,details.view>summary{{cursor:pointer;font-weight:600}}
@media print{{details>summary{{list-style:none}}.views{{display:none}}}}
",
        PRO_RAMP1 = PRO_RAMP[0]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let c = |i: usize| {
            let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if v <= 0.040_45 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn palettes_are_distinct_and_readable_without_hue() {
        let stance = [PRO, ANTI];
        let sentiment = [POSITIVE, NEUTRAL, NEGATIVE];
        assert!(stance.iter().all(|c| !sentiment.contains(c)));
        // The two ends of each palette differ in lightness too, so they
        // stay apart for any colour vision and in greyscale.
        assert!(contrast(PRO, ANTI) > 2.0, "{}", contrast(PRO, ANTI));
        assert!(contrast(POSITIVE, NEGATIVE) > 1.4);
        assert!(contrast(NEUTRAL, NEGATIVE) > 1.4 && contrast(NEUTRAL, POSITIVE) > 1.4);
        // Ramps get darker step by step.
        for ramp in [PRO_RAMP, ANTI_RAMP] {
            for w in ramp.windows(2) {
                assert!(luminance(w[0]) > luminance(w[1]), "{w:?}");
            }
        }
        let css = css();
        for c in stance.iter().chain(&sentiment) {
            assert!(css.contains(c), "{c}");
        }
        assert!(!css.contains("url(") && !css.contains("@import"));
    }

    #[test]
    fn heat_classes_by_step() {
        assert_eq!(heat_class(0.0), "even");
        assert_eq!(heat_class(-0.049), "even");
        assert_eq!(heat_class(0.05), "pro1");
        assert_eq!(heat_class(-0.2), "anti2");
        assert_eq!(heat_class(0.31), "pro3");
        assert_eq!(heat_class(-1.0), "anti4");
    }
}
