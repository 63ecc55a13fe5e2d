//! Progress reporting for long work, decoupled from any terminal library: the
//! CLI draws bars, tests and library users pass [`Silent`]. Also the number
//! formats progress lines use, so every command shows counts and rates alike.

use std::fmt;

pub trait Progress: Sync {
    /// A new stage of `total` steps (0 = unknown).
    fn stage(&self, name: &str, total: u64);
    fn advance(&self, steps: u64);
    /// What the current stage is doing now, e.g. the head being trained
    /// and its optimiser iteration. Called up to once per iteration of an
    /// inner loop (never per example), so an implementation that draws
    /// throttles itself; the arguments are formatted only if it uses them.
    fn step(&self, _what: fmt::Arguments<'_>) {}
    fn finish(&self) {}
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
}

/// `n` with a comma between thousands: `13305` → `13,305`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A rate of items per second for a progress line: whole items with
/// thousands separators (`13,305/s`), one decimal below 10 (`2.5/s`), so
/// it never shows a dozen digits of noise; `-` before there is a rate.
pub fn per_second(rate: f64) -> String {
    if !rate.is_finite() || rate <= 0.0 {
        "-/s".to_string()
    } else if rate < 10.0 {
        format!("{rate:.1}/s")
    } else {
        format!("{}/s", thousands(rate.round() as u64))
    }
}

/// Bytes for a progress line, in binary units with one decimal: `812 B`,
/// `3.4 MiB`, `1.2 GiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(13305), "13,305");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn rates_have_a_sane_number_of_digits() {
        assert_eq!(per_second(13_305.478_912_3), "13,305/s");
        assert_eq!(per_second(1_234_567.9), "1,234,568/s");
        assert_eq!(per_second(42.5), "43/s");
        assert_eq!(per_second(2.54), "2.5/s");
        assert_eq!(per_second(0.0), "-/s");
        assert_eq!(per_second(f64::NAN), "-/s");
        assert_eq!(per_second(f64::INFINITY), "-/s");
    }

    #[test]
    fn bytes_in_binary_units() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(812), "812 B");
        assert_eq!(bytes(1024), "1.0 KiB");
        assert_eq!(bytes(3_565_158), "3.4 MiB");
        assert_eq!(bytes(1 << 40), "1.0 TiB");
        assert_eq!(bytes(u64::MAX), "16777216.0 TiB");
    }

    #[test]
    fn steps_are_formatted_only_when_used() {
        struct Panics;
        impl fmt::Display for Panics {
            fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
                panic!("formatted");
            }
        }
        Silent.step(format_args!("{}", Panics));
    }
}
