//! Parser for article pages saved as plain text (the seed format): a title
//! line, an optional header (`Published: …`, `By …`), body paragraphs one per
//! line, and optionally a reader-comment section of bulleted authors, each
//! followed by a timestamp line and the comment text.
//!
//! Site furniture is dropped, never turned into units: the comment-section
//! banners, the `Recommend` button glued to comments, related-story links and
//! subheadings (short lines without closing punctuation), teaser excerpts
//! ending in `[…]`, and everything after a page footer (`Leave a Reply`,
//! `You may also like`, `More in …`). Author bios are kept as paragraphs.

use super::dates::{parse_date, parse_timestamp};
use super::{Unit, UnitKind};

/// A parsed article with its units in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub doc_id: String,
    pub title: String,
    /// ISO 8601 date when the page states one.
    pub published: Option<String>,
    /// The byline, when the page gives one.
    pub byline: Option<String>,
    pub units: Vec<Unit>,
    /// The comment count the page announces (`Reader Comments (24)`), to
    /// check the parse against.
    pub announced_comments: Option<usize>,
}

impl Document {
    pub fn comments(&self) -> impl Iterator<Item = &Unit> {
        self.units.iter().filter(|u| u.kind == UnitKind::Comment)
    }
}

/// Why a page could not be parsed at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    /// 1-based line the problem is at, when there is one.
    pub line: Option<u64>,
    pub message: String,
}

/// Lines after which nothing belongs to the article or its comments.
fn is_footer(line: &str) -> bool {
    let l = line.trim().to_ascii_lowercase();
    l.starts_with("leave a reply")
        || l.starts_with("you may also like")
        || l.starts_with("more in ")
        || l.starts_with("your email address will not be published")
        || l == "related articles"
}

/// The comment-section banner: `Some(None)` without a count, `Some(Some(n))`
/// with one. A count of digits too large for a number is an error: read as
/// a paragraph, the banner would turn every comment after it into article
/// text.
fn comments_banner(line: &str) -> Result<Option<Option<usize>>, String> {
    let l = line.trim();
    let Some(rest) = l
        .strip_prefix("Reader Comments")
        .or_else(|| l.strip_prefix("Comments"))
    else {
        return Ok(None);
    };
    let rest = rest.trim();
    if rest.is_empty() {
        return Ok(Some(None));
    }
    let Some(count) = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .map(str::trim)
        .filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()))
    else {
        return Ok(None);
    };
    count
        .parse()
        .map(|n| Some(Some(n)))
        .map_err(|_| format!("comment count {count} in {l:?} is too large"))
}

fn is_ignorable_banner(line: &str) -> bool {
    matches!(
        line.trim(),
        "Facebook Conversations" | "Share" | "Tweet" | "Advertisement"
    )
}

/// Subheadings and related-story links: a short line with no sentence-closing
/// punctuation.
fn is_heading(line: &str) -> bool {
    let t = line.trim();
    let closes = t
        .chars()
        .last()
        .is_some_and(|c| ".!?:;\"”’')…]".contains(c));
    !closes && t.split_whitespace().count() < 10
}

/// A teaser excerpt that repeats the start of the article.
fn is_teaser(line: &str) -> bool {
    let t = line.trim_end();
    t.ends_with("[…]") || t.ends_with("[...]")
}

fn byline(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix("By ")?;
    let name = rest.trim().trim_end_matches('.').trim();
    (!name.is_empty() && name.split_whitespace().count() <= 6).then(|| name.to_string())
}

/// The `Recommend` button is glued to the end of every comment on the page.
fn strip_recommend(text: &str) -> &str {
    text.trim_end()
        .strip_suffix("Recommend")
        .unwrap_or(text)
        .trim_end()
}

#[derive(PartialEq)]
enum State {
    Header,
    Body,
    Comments,
}

struct CommentDraft {
    author: String,
    posted_at: Option<String>,
    lines: Vec<String>,
    line_no: u64,
}

/// Parses one page. `doc_id` is usually the file stem.
pub fn parse_seed(doc_id: &str, text: &str) -> Result<Document, SeedError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.trim_end_matches('\r')));
    let title = loop {
        match lines.next() {
            Some((_, l)) if l.trim().is_empty() => continue,
            Some((_, l)) => break l.trim().to_string(),
            None => {
                return Err(SeedError {
                    line: None,
                    message: "empty document".into(),
                });
            }
        }
    };
    let mut doc = Document {
        doc_id: doc_id.to_string(),
        title: title.clone(),
        published: None,
        byline: None,
        units: Vec::new(),
        announced_comments: None,
    };
    let mut paragraphs: Vec<String> = Vec::new();
    let mut comments: Vec<CommentDraft> = Vec::new();
    let mut state = State::Header;

    for (no, raw) in lines {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if is_footer(line) {
            break;
        }
        let banner = comments_banner(line).map_err(|message| SeedError {
            line: Some(no),
            message,
        })?;
        if let Some(n) = banner {
            doc.announced_comments = n;
            state = State::Comments;
            continue;
        }
        if is_ignorable_banner(line) {
            continue;
        }
        match state {
            State::Header => {
                if let Some(d) = line.strip_prefix("Published:") {
                    // A date the calendar lacks ("February 30") is an error
                    // with its line, never a made-up 2017-02-30.
                    doc.published = Some(parse_date(d.trim()).ok_or_else(|| SeedError {
                        line: Some(no),
                        message: format!(
                            "`Published:` {:?} is not a date (expected e.g. April 3, 2017)",
                            d.trim()
                        ),
                    })?);
                    continue;
                }
                if let Some(b) = byline(line) {
                    doc.byline = Some(b);
                    continue;
                }
                state = State::Body;
                push_paragraph(&mut paragraphs, line);
            }
            State::Body => push_paragraph(&mut paragraphs, line),
            State::Comments => {
                if let Some(author) = line.strip_prefix('•') {
                    comments.push(CommentDraft {
                        author: author.trim().to_string(),
                        posted_at: None,
                        lines: Vec::new(),
                        line_no: no,
                    });
                } else if let Some(c) = comments.last_mut() {
                    if c.lines.is_empty()
                        && c.posted_at.is_none()
                        && let Some(ts) = parse_timestamp(line)
                    {
                        c.posted_at = Some(ts);
                        continue;
                    }
                    c.lines.push(line.to_string());
                } else {
                    return Err(SeedError {
                        line: Some(no),
                        message: "text in the comment section before the first `• author` line"
                            .into(),
                    });
                }
            }
        }
    }

    let unit = |unit_id: String, kind, author: Option<String>, posted_at, text: String| Unit {
        doc_id: doc_id.to_string(),
        unit_id,
        kind,
        author,
        posted_at,
        text,
        fields: None,
    };
    doc.units.push(unit(
        "title".into(),
        UnitKind::Title,
        doc.byline.clone(),
        doc.published.clone(),
        title,
    ));
    for (i, p) in paragraphs.into_iter().enumerate() {
        doc.units.push(unit(
            format!("p{}", i + 1),
            UnitKind::Paragraph,
            doc.byline.clone(),
            doc.published.clone(),
            p,
        ));
    }
    let mut n = 0;
    for c in comments {
        let text = strip_recommend(&c.lines.join("\n")).to_string();
        if text.is_empty() {
            return Err(SeedError {
                line: Some(c.line_no),
                message: format!("comment by {:?} has no text", c.author),
            });
        }
        n += 1;
        let author = (!c.author.is_empty()).then_some(c.author);
        doc.units.push(unit(
            format!("c{n}"),
            UnitKind::Comment,
            author,
            c.posted_at,
            text,
        ));
    }
    if doc.units.len() == 1 {
        return Err(SeedError {
            line: None,
            message: "document has a title but no paragraphs or comments (plain text? score it with --lines or --text)".into(),
        });
    }
    Ok(doc)
}

fn push_paragraph(paragraphs: &mut Vec<String>, line: &str) {
    if is_heading(line) || is_teaser(line) {
        return;
    }
    paragraphs.push(line.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "A title here\n\nPublished: April 3, 2017\n\nFirst paragraph about Pakistan.\n\nA related link\n\nSecond paragraph.\nThird, on the next line.\n\nFacebook Conversations\n\nReader Comments (2)\n\n  • Ann\n    Apr 3, 2017 - 9:01AM\n\n    Great move.Recommend\n\n  • Bob B\n    Apr 4, 2017 - 12:50AM\n\n    Line one\n    line two.\n\n    Second para. Recommend\n\nMore in Pakistan\n";

    #[test]
    fn parses_units_in_order() {
        let d = parse_seed("d1", PAGE).unwrap();
        assert_eq!(d.title, "A title here");
        assert_eq!(d.published.as_deref(), Some("2017-04-03"));
        assert_eq!(d.announced_comments, Some(2));
        let ids: Vec<_> = d.units.iter().map(|u| u.unit_id.as_str()).collect();
        assert_eq!(ids, ["title", "p1", "p2", "p3", "c1", "c2"]);
        let c2 = &d.units[5];
        assert_eq!(c2.author.as_deref(), Some("Bob B"));
        assert_eq!(c2.posted_at.as_deref(), Some("2017-04-04T00:50:00"));
        assert_eq!(c2.text, "Line one\nline two.\nSecond para.");
        assert_eq!(d.units[4].text, "Great move.");
    }

    #[test]
    fn an_impossible_published_date_is_an_error_with_its_line() {
        let page = "Title\n\nPublished: February 30, 2017\n\nA paragraph about Pakistan.\n";
        let Err(e) = parse_seed("d", page) else {
            panic!("an impossible date was accepted");
        };
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("February 30, 2017"), "{}", e.message);
        let ok = parse_seed("d", &page.replace("February 30", "February 28")).unwrap();
        assert_eq!(ok.published.as_deref(), Some("2017-02-28"));
    }

    #[test]
    fn an_overflowing_comment_count_is_an_error_with_its_line() {
        let page = PAGE.replace(
            "Reader Comments (2)",
            "Reader Comments (99999999999999999999999)",
        );
        let Err(e) = parse_seed("d", &page) else {
            panic!("the comments were read as something else");
        };
        assert_eq!(e.line, Some(14));
        assert!(
            e.message.contains("99999999999999999999999"),
            "{}",
            e.message
        );
        // Not a count: still text (a subheading here), as before.
        let words = parse_seed(
            "d",
            &PAGE.replace("Facebook Conversations", "Comments (see below)"),
        );
        assert_eq!(words.unwrap().comments().count(), 2);
    }

    #[test]
    fn empty_and_title_only_are_errors() {
        assert_eq!(
            parse_seed("d", " \n\n").unwrap_err().message,
            "empty document"
        );
        assert!(parse_seed("d", "Just a title\n").is_err());
    }

    #[test]
    fn byline_and_teaser() {
        let d = parse_seed(
            "d",
            "T\n\nBy Jane Doe.\n\nSome teaser text that goes on […]\n\nSome teaser text that goes on and on.\n",
        )
        .unwrap();
        assert_eq!(d.byline.as_deref(), Some("Jane Doe"));
        assert_eq!(d.units.len(), 2);
        assert_eq!(d.units[1].author.as_deref(), Some("Jane Doe"));
    }
}
