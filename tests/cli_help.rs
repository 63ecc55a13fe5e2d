//! Every help a user can ask for: the top level and every subcommand, with
//! `-h` and `--help`. Each has an about line, an Examples block with one
//! `stance …` command a line, and a description for every option, argument
//! and subcommand.

mod common;

use common::{stance, stderr, stdout};

/// The help of `path` (`stance <path…> <flag>`).
fn help(path: &[String], flag: &str) -> String {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push(flag);
    let o = stance(&args);
    assert!(o.status.success(), "stance {args:?}: {}", stderr(&o));
    stdout(&o)
}

/// The lines of the section that starts with `title` (e.g. `Options:`), up
/// to the next unindented line; blank lines (between long help entries)
/// are kept out.
fn section<'a>(text: &'a str, title: &str) -> Vec<&'a str> {
    let mut lines = text.lines().skip_while(|l| *l != title);
    if lines.next().is_none() {
        return Vec::new();
    }
    lines
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// Entries of an Options, Arguments or Commands section: the name as
/// shown, and the text that describes it.
fn entries(lines: &[&str]) -> Vec<(String, String)> {
    let starts = |l: &str| {
        let t = l.trim_start();
        let indent = l.len() - t.len();
        // Options start at column 2 (`-o, --output`) or 6 (`--json`),
        // arguments and commands at column 2; descriptions further in.
        indent == 2 || (indent == 6 && t.starts_with("--"))
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for l in lines {
        if starts(l) {
            // Two spaces end the name (`-o, --output <OUTPUT>`, `<FILE>`,
            // `[INPUTS]...`, `check`) and start its description.
            let t = l.trim();
            let (name, desc) = t.split_once("  ").unwrap_or((t, ""));
            out.push((name.to_string(), desc.trim().to_string()));
        } else if let Some(last) = out.last_mut() {
            last.1.push(' ');
            last.1.push_str(l.trim());
        }
    }
    out
}

/// The description without what clap adds by itself (defaults, possible
/// values and their list).
fn own_words(desc: &str) -> String {
    let mut s = desc.to_string();
    for tag in ["[default: ", "[possible values: ", "[aliases: "] {
        while let Some(i) = s.find(tag) {
            let end = s[i..].find(']').map_or(s.len(), |k| i + k + 1);
            s.replace_range(i..end, "");
        }
    }
    if let Some(i) = s.find("Possible values:") {
        s.truncate(i);
    }
    s.trim().to_string()
}

/// Every command path: `[]`, `["ingest"]`, …, `["labels", "check"]`.
fn command_paths() -> Vec<Vec<String>> {
    let mut paths = vec![Vec::new()];
    let mut i = 0;
    while i < paths.len() {
        let text = help(&paths[i], "--help");
        for (name, _) in entries(&section(&text, "Commands:")) {
            if name != "help" {
                let mut p = paths[i].clone();
                p.push(name);
                paths.push(p);
            }
        }
        i += 1;
    }
    paths
}

#[test]
fn every_help_has_examples_one_a_line_and_describes_every_option() {
    let paths = command_paths();
    assert!(paths.len() > 15, "{paths:?}");
    let mut problems = Vec::new();
    for path in &paths {
        for flag in ["-h", "--help"] {
            let text = help(path, flag);
            let at = format!("stance {} {flag}", path.join(" "));
            if text.lines().next().is_none_or(|l| l.starts_with("Usage:")) {
                problems.push(format!("{at}: no about line"));
            }
            if text.contains("Example: ") {
                problems.push(format!("{at}: an `Example:` paragraph outside Examples"));
            }
            let examples = section(&text, "Examples:");
            if examples.is_empty() {
                problems.push(format!("{at}: no Examples block"));
            }
            for e in &examples {
                let e = e.trim();
                // One command a line: it starts with `stance ` and holds
                // no second one.
                if !e.starts_with("stance ") || e["stance ".len()..].contains("stance ") {
                    problems.push(format!("{at}: example line {e:?}"));
                }
            }
            for title in ["Options:", "Arguments:", "Commands:"] {
                for (name, desc) in entries(&section(&text, title)) {
                    if own_words(&desc).is_empty() {
                        problems.push(format!("{at}: {name} has no description"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_parsers_of_this_test_read_clap_layouts() {
    let opts = [
        "  -o, --output <OUTPUT>  Output file",
        "      --json",
        "          One object",
        "      --name <NAME>",
        "          ",
        "      --format <FORMAT>  [default: jsonl] [possible values: jsonl, csv]",
        "  <FILE>  ",
        "  [INPUTS]...  Files",
    ];
    let got: Vec<(String, String)> = entries(&opts)
        .into_iter()
        .map(|(n, d)| (n, own_words(&d)))
        .collect();
    let want = [
        ("-o, --output <OUTPUT>", "Output file"),
        ("--json", "One object"),
        ("--name <NAME>", ""),
        ("--format <FORMAT>", ""),
        ("<FILE>", ""),
        ("[INPUTS]...", "Files"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(n, d)| (n.to_string(), d.to_string()))
        .collect();
    assert_eq!(got, want);
}
