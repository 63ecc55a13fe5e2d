//! `report --by FIELD`: the per-article distributions, per value of a
//! field instead (an outlet, an author, the day, week or month a comment
//! was posted). Each unit's score record is moved into the group of its
//! value, which then stands where an article stood, so the shares, the
//! quantification and the intervals are computed exactly as for articles.

use serde_json::Value;

use crate::score::ScoreRecord;

/// The group of units that lack the field (or, for a period, a date).
pub const MISSING: &str = "(none)";

/// What to group by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupBy {
    /// A field of the scores' `fields` (or `kind`, `doc_id`), by value.
    Field(String),
    /// The `YYYY-MM-DD`, ISO `YYYY-Www` or `YYYY-MM` of `posted_at`.
    Day,
    Week,
    Month,
}

impl GroupBy {
    pub fn parse(s: &str) -> GroupBy {
        match s {
            "day" => GroupBy::Day,
            "week" => GroupBy::Week,
            "month" => GroupBy::Month,
            other => GroupBy::Field(other.to_string()),
        }
    }

    /// The group of one score record.
    pub fn key(&self, r: &ScoreRecord) -> String {
        let field = |name: &str| -> Option<String> {
            match name {
                "doc_id" => r.doc_id.clone(),
                "kind" => r.kind.map(|k| k.as_str().to_string()),
                _ => match r.fields.as_ref()?.get(name)? {
                    Value::Null => None,
                    Value::String(s) if s.trim().is_empty() => None,
                    Value::String(s) => Some(s.trim().to_string()),
                    other => Some(other.to_string()),
                },
            }
        };
        let key = match self {
            GroupBy::Field(name) => field(name),
            period => field("posted_at")
                .and_then(|t| ymd(&t))
                .map(|(y, m, d)| match period {
                    GroupBy::Day => format!("{y:04}-{m:02}-{d:02}"),
                    GroupBy::Month => format!("{y:04}-{m:02}"),
                    _ => {
                        let (wy, w) = iso_week(y, m, d);
                        format!("{wy:04}-W{w:02}")
                    }
                }),
        };
        key.unwrap_or_else(|| MISSING.to_string())
    }
}

/// Moves every unit record into its group: `doc_id` becomes the group,
/// `unit_id` becomes `doc_id/unit_id` (unique within the group). Records
/// of target lines are left as they are (reports skip them). Returns how
/// many units had no value and went to [`MISSING`].
pub fn group_scores(scores: &mut [ScoreRecord], by: &GroupBy) -> usize {
    let mut missing = 0;
    for r in scores.iter_mut() {
        let (Some(doc), Some(unit)) = (&r.doc_id, &r.unit_id) else {
            continue;
        };
        let key = by.key(r);
        missing += usize::from(key == MISSING);
        r.unit_id = Some(format!("{doc}/{unit}"));
        r.doc_id = Some(key);
        // A title heads its article, not the group.
        if r.kind == Some(crate::corpus::UnitKind::Title) {
            r.kind = Some(crate::corpus::UnitKind::Paragraph);
        }
    }
    missing
}

/// Year, month, day of a text starting with `YYYY-MM-DD`.
fn ymd(t: &str) -> Option<(i64, u32, u32)> {
    let b = t.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = t.get(0..4)?.parse().ok()?;
    let m: u32 = t.get(5..7)?.parse().ok()?;
    let d: u32 = t.get(8..10)?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The ISO 8601 week (year, week) of a date: weeks start on Monday, and
/// week 1 holds the year's first Thursday.
fn iso_week(y: i64, m: u32, d: u32) -> (i64, i64) {
    let n = days(y, m, d);
    // 1970-01-01 was a Thursday; Monday = 0.
    let weekday = (n + 3).rem_euclid(7);
    let thursday = n - weekday + 3;
    let ty = {
        // The year of that Thursday.
        let mut ty = y + 1;
        while days(ty, 1, 1) > thursday {
            ty -= 1;
        }
        ty
    };
    (ty, (thursday - days(ty, 1, 1)) / 7 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks_by_hand() {
        assert_eq!(iso_week(2017, 4, 3), (2017, 14));
        // 2021-01-03 (a Sunday) belongs to 2020's week 53.
        assert_eq!(iso_week(2021, 1, 3), (2020, 53));
        assert_eq!(iso_week(2021, 1, 4), (2021, 1));
        // 2024-12-30 (a Monday) is week 1 of 2025.
        assert_eq!(iso_week(2024, 12, 30), (2025, 1));
        assert_eq!(days(1970, 1, 1), 0);
    }

    #[test]
    fn periods_of_posted_at() {
        let mut r: ScoreRecord = serde_json::from_str(
            r#"{"doc_id":"d","unit_id":"c1","kind":"comment","actors":[],
                "fields":{"posted_at":"2017-04-03T09:01","outlet":"BBC","likes":3}}"#,
        )
        .unwrap();
        assert_eq!(GroupBy::parse("day").key(&r), "2017-04-03");
        assert_eq!(GroupBy::parse("week").key(&r), "2017-W14");
        assert_eq!(GroupBy::parse("month").key(&r), "2017-04");
        assert_eq!(GroupBy::parse("outlet").key(&r), "BBC");
        assert_eq!(GroupBy::parse("likes").key(&r), "3");
        assert_eq!(GroupBy::parse("author").key(&r), MISSING);
        let mut v = vec![r.clone()];
        assert_eq!(group_scores(&mut v, &GroupBy::parse("outlet")), 0);
        assert_eq!(v[0].doc_id.as_deref(), Some("BBC"));
        assert_eq!(v[0].unit_id.as_deref(), Some("d/c1"));
        r.fields = None;
        assert_eq!(GroupBy::parse("month").key(&r), MISSING);
    }
}
