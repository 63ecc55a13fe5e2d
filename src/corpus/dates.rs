//! The few date shapes the seed pages use, turned into ISO 8601. Anything else
//! is left as unknown rather than guessed.

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    MONTHS
        .iter()
        .zip(full.iter())
        .position(|(abbr, full)| {
            (w.len() == 3 && w == *abbr) || *full == w || (w == "sept" && *abbr == "sep")
        })
        .map(|i| i as u32 + 1)
}

/// `April 3, 2017` or `Apr 3, 2017` → `2017-04-03`.
pub fn parse_date(s: &str) -> Option<String> {
    let mut parts = s.split_whitespace();
    let m = month(parts.next()?)?;
    let day: u32 = parts.next()?.trim_end_matches(',').parse().ok()?;
    let year: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1000..=9999).contains(&year) {
        return None;
    }
    if !(1..=days_in_month(year, m)).contains(&day) {
        return None;
    }
    Some(format!("{year:04}-{m:02}-{day:02}"))
}

/// Days of month `m` (1–12) of `year` in the Gregorian calendar, so
/// "February 30" or "April 31" are not dates.
fn days_in_month(year: u32, m: u32) -> u32 {
    match m {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `Apr 3, 2017 - 9:01AM` → `2017-04-03T09:01:00` (local time of the site; the
/// page gives no zone, so none is invented).
pub fn parse_timestamp(s: &str) -> Option<String> {
    let (date, time) = s.split_once(" - ")?;
    let date = parse_date(date.trim())?;
    let time = time.trim().to_ascii_uppercase();
    let (clock, pm) = if let Some(c) = time.strip_suffix("PM") {
        (c.trim(), true)
    } else if let Some(c) = time.strip_suffix("AM") {
        (c.trim(), false)
    } else {
        return None;
    };
    let (h, m) = clock.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if !(1..=12).contains(&h) || m > 59 {
        return None;
    }
    let h24 = match (h, pm) {
        (12, false) => 0,
        (12, true) => 12,
        (h, true) => h + 12,
        (h, false) => h,
    };
    Some(format!("{date}T{h24:02}:{m:02}:00"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("April 3, 2017").as_deref(), Some("2017-04-03"));
        assert_eq!(parse_date("Sep 30, 2020").as_deref(), Some("2020-09-30"));
        assert_eq!(parse_date("Foo 3, 2017"), None);
        assert_eq!(parse_date("April 32, 2017"), None);
        // Issue 12, row 12: days the month does not have.
        assert_eq!(parse_date("February 30, 2017"), None);
        assert_eq!(parse_date("April 31, 2017"), None);
        assert_eq!(parse_date("Feb 29, 2017"), None);
        assert_eq!(parse_date("Feb 29, 2016").as_deref(), Some("2016-02-29"));
        assert_eq!(parse_date("Feb 29, 2000").as_deref(), Some("2000-02-29"));
        assert_eq!(parse_date("Feb 29, 1900"), None);
        assert_eq!(parse_date("Dec 31, 2017").as_deref(), Some("2017-12-31"));
    }

    #[test]
    fn timestamps() {
        assert_eq!(
            parse_timestamp("Apr 3, 2017 - 9:01AM").as_deref(),
            Some("2017-04-03T09:01:00")
        );
        assert_eq!(
            parse_timestamp("Apr 4, 2017 - 12:50AM").as_deref(),
            Some("2017-04-04T00:50:00")
        );
        assert_eq!(
            parse_timestamp("Apr 3, 2017 - 12:16PM").as_deref(),
            Some("2017-04-03T12:16:00")
        );
        assert_eq!(
            parse_timestamp("Apr 3, 2017 - 1:22PM").as_deref(),
            Some("2017-04-03T13:22:00")
        );
        assert_eq!(parse_timestamp("Apr 3, 2017"), None);
        assert_eq!(parse_timestamp("Apr 3, 2017 - 13:22PM"), None);
    }
}
