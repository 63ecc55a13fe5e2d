//! Article pages.

use super::*;

pub(crate) const WORDS: &[&str] = &[
    "Pakistan",
    "Russia",
    "China",
    "the",
    "US",
    "alliance",
    "talks",
    "were",
    "held",
    "in",
    "Islamabad",
    "on",
    "Monday",
    "and",
    "officials",
    "said",
    "that",
    "it",
    "is",
    "not",
    "a",
    "new",
    "policy",
    "Moscow’s",
    "“quoted”",
    "2017",
    "élan",
    "本",
    "Recommend",
    "Share",
];

pub(crate) fn words(n: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    vec(select(WORDS), n).prop_map(|w| w.join(" "))
}

/// A paragraph that the parser keeps: a capitalised sentence of at least ten
/// words, ending in a full stop.
pub(crate) fn kept_sentence() -> impl Strategy<Value = String> {
    (
        select(vec!["It", "Officials", "Pakistan", "Russia", "The"]),
        words(10..20),
    )
        .prop_map(|(first, rest)| format!("{first} {rest}."))
}

pub(crate) const MONTHS: &[&str] = &[
    "Apr", "April", "apr.", "Sept", "sep", "May", "December", "Foo", "Ma", "",
];

pub(crate) fn date() -> impl Strategy<Value = String> {
    (
        select(MONTHS),
        0u32..40,
        prop_oneof![0u32..12000, Just(u32::MAX)],
        any::<bool>(),
    )
        .prop_map(|(m, d, y, comma)| format!("{m} {d}{} {y}", if comma { "," } else { "" }))
}

pub(crate) fn timestamp() -> impl Strategy<Value = String> {
    (
        date(),
        select(vec![" - ", "-", " – ", " -  "]),
        0u32..26,
        0u32..70,
        select(vec!["AM", "PM", "am", "pm", " PM", "", "XM"]),
    )
        .prop_map(|(d, sep, h, m, ap)| format!("{d}{sep}{h}:{m:02}{ap}"))
}

pub(crate) fn banner() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Reader Comments".to_string()),
        Just("Comments".to_string()),
        Just("Reader Comments ()".to_string()),
        Just("Comments (x)".to_string()),
        Just("Reader Comments (-1)".to_string()),
        Just("Reader Comments (99999999999999999999999)".to_string()),
        any::<u64>().prop_map(|n| format!("Reader Comments ({n})")),
        (0u32..50).prop_map(|n| format!("  Comments ( {n} )  ")),
    ]
}

pub(crate) fn bullet() -> impl Strategy<Value = String> {
    (
        select(vec!["", "  ", "\t"]),
        select(vec![
            "",
            " ",
            "Ann",
            " Bob B",
            "•",
            "Ann Recommend",
            "本 人",
            "By Jane",
        ]),
    )
        .prop_map(|(indent, name)| format!("{indent}•{name}"))
}

/// Any line a page could have, furniture and malformed lines included.
pub(crate) fn page_line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => kept_sentence(),
        2 => words(0..12),
        1 => Just(String::new()),
        1 => select(vec![" ", "\t", "\r", "\u{a0}", "\u{feff}"]).prop_map(String::from),
        1 => date().prop_map(|d| format!("Published: {d}")),
        1 => select(vec!["Published:", "By Jane Doe.", "By", "By ", "By a b c d e f g h."])
            .prop_map(String::from),
        2 => banner(),
        3 => bullet(),
        3 => timestamp(),
        1 => words(1..5).prop_map(|w| format!("{w}Recommend")),
        1 => select(vec!["Recommend", " Recommend ", "RecommendRecommend"]).prop_map(String::from),
        1 => words(3..12).prop_map(|w| format!("{w} […]")),
        1 => select(vec![
            "Leave a Reply", "You may also like", "More in Pakistan", "Related articles",
            "Your email address will not be published.", "Facebook Conversations", "Share",
            "Tweet", "Advertisement",
        ])
        .prop_map(String::from),
        1 => odd_text(),
        1 => any::<String>(),
    ]
}

pub(crate) fn page() -> impl Strategy<Value = String> {
    (vec(page_line(), 0..30), any::<bool>(), any::<bool>())
        .prop_map(|(lines, crlf, nl)| join_lines(&lines, crlf, nl))
}

#[derive(Debug, Clone)]
pub(crate) struct Comment {
    author: &'static str,
    timestamp: Option<(u32, u32, bool)>,
    lines: Vec<String>,
    recommend: bool,
}

pub(crate) fn comment() -> impl Strategy<Value = Comment> {
    (
        select(vec!["", "Ann", "Bob B", "本 人"]),
        proptest::option::of((1u32..=12, 0u32..60, any::<bool>())),
        vec(kept_sentence(), 1..4),
        any::<bool>(),
    )
        .prop_map(|(author, timestamp, lines, recommend)| Comment {
            author,
            timestamp,
            lines,
            recommend,
        })
}

/// A well-formed page: title, paragraphs and comments the parser must find
/// exactly, with blank lines and headings between them.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    title: String,
    paragraphs: Vec<String>,
    headings: Vec<bool>,
    comments: Vec<Comment>,
    announced: Option<u32>,
}

pub(crate) fn well_formed_page() -> impl Strategy<Value = Page> {
    (
        words(1..8),
        vec(kept_sentence(), 1..6),
        vec(any::<bool>(), 6),
        vec(comment(), 0..5),
        proptest::option::of(0u32..100),
    )
        .prop_map(|(title, paragraphs, headings, comments, announced)| Page {
            title: if title.trim().is_empty() {
                "Title".into()
            } else {
                title
            },
            paragraphs,
            headings,
            comments,
            announced,
        })
}

impl Page {
    fn render(&self) -> String {
        let mut out = vec![
            self.title.clone(),
            String::new(),
            "Published: April 3, 2017".into(),
        ];
        for (i, p) in self.paragraphs.iter().enumerate() {
            out.push(String::new());
            out.push(p.clone());
            if self.headings[i] {
                out.push("A related story link".into());
            }
        }
        if !self.comments.is_empty() {
            out.push(String::new());
            out.push(match self.announced {
                Some(n) => format!("Reader Comments ({n})"),
                None => "Reader Comments".into(),
            });
        }
        for c in &self.comments {
            out.push(String::new());
            out.push(format!("  • {}", c.author));
            if let Some((h, m, pm)) = c.timestamp {
                out.push(format!(
                    "    Apr 3, 2017 - {h}:{m:02}{}",
                    if pm { "PM" } else { "AM" }
                ));
            }
            out.push(String::new());
            for (i, l) in c.lines.iter().enumerate() {
                let last = i + 1 == c.lines.len();
                out.push(format!(
                    "    {l}{}",
                    if last && c.recommend { "Recommend" } else { "" }
                ));
            }
        }
        out.push(String::new());
        out.push("More in Pakistan".into());
        out.push("A story that is not part of this article at all, but in the footer.".into());
        out.join("\n")
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn seed_any_string(text in any::<String>()) {
        ok(seed_page("d", &text))?;
    }

    #[test]
    fn seed_odd_text(text in odd_text()) {
        ok(seed_page("d", &text))?;
    }

    #[test]
    fn seed_near_valid_pages(text in page()) {
        ok(seed_page("doc", &text))?;
    }

    #[test]
    fn seed_well_formed_pages_parse_exactly(p in well_formed_page()) {
        let text = p.render();
        ok(seed_page("doc", &text))?;
        let d = parse_seed("doc", &text).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        prop_assert_eq!(&d.title, &p.title);
        prop_assert_eq!(d.published.as_deref(), Some("2017-04-03"));
        prop_assert_eq!(d.announced_comments, if p.comments.is_empty() { None } else { p.announced.map(|n| n as usize) });
        let paras: Vec<&str> = d.units.iter().filter(|u| u.kind == UnitKind::Paragraph).map(|u| u.text.as_str()).collect();
        prop_assert_eq!(paras, p.paragraphs.iter().map(String::as_str).collect::<Vec<_>>());
        let comments: Vec<_> = d.comments().collect();
        prop_assert_eq!(comments.len(), p.comments.len());
        for (u, c) in comments.iter().zip(&p.comments) {
            prop_assert_eq!(u.text.clone(), c.lines.join("\n"));
            prop_assert_eq!(u.author.as_deref(), (!c.author.is_empty()).then_some(c.author));
            let ts = c.timestamp.map(|(h, m, pm)| {
                let h24 = match (h, pm) { (12, false) => 0, (12, true) => 12, (h, true) => h + 12, (h, false) => h };
                format!("2017-04-03T{h24:02}:{m:02}:00")
            });
            prop_assert_eq!(u.posted_at.clone(), ts);
        }
    }
}
