use super::*;

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn text(&mut self) -> String {
        const PIECES: &[&str] = &[
            "a", "Pakistan", " ", "  ", "\t", "\n", "\r\n", "\u{a0}", "\u{2028}", "\u{3000}", "é",
            "本", "🇵🇰", "\"", "\\", "\u{1}", "\u{1f}", "\u{7f}", "…", "x\u{301}", "",
        ];
        (0..self.below(60))
            .map(|_| PIECES[self.below(PIECES.len())])
            .collect()
    }

    fn maybe_text(&mut self) -> Option<String> {
        (self.below(3) > 0).then(|| self.text())
    }

    fn float(&mut self) -> f32 {
        const FLOATS: &[f32] = &[
            0.0,
            -0.0,
            1.0,
            0.5,
            0.3279,
            1e-7,
            123456.78,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MIN_POSITIVE,
            0.1 + 0.2,
        ];
        FLOATS[self.below(FLOATS.len())]
    }
}

/// The old two-pass excerpt.
fn excerpt_old(text: &str, max_chars: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

#[test]
fn excerpt_is_the_old_excerpt() {
    let mut rng = Rng(99);
    for _ in 0..20_000 {
        let t = rng.text();
        for max in [0, 1, 2, 5, 17, 100] {
            assert_eq!(excerpt(&t, max), excerpt_old(&t, max), "{t:?} {max}");
        }
    }
}

/// `write_json` writes what `serde_json` writes for the same record,
/// whatever the strings and numbers.
#[test]
fn json_lines_are_serde_json_lines() {
    let mut rng = Rng(7);
    for _ in 0..5_000 {
        let with_sentiment = rng.below(2) == 0;
        let r = ScoreRecord {
            doc_id: rng.maybe_text(),
            unit_id: rng.maybe_text(),
            kind: [None, Some(UnitKind::Title), Some(UnitKind::Comment)][rng.below(3)],
            id: rng.maybe_text(),
            sentiment: with_sentiment.then_some(Sentiment::Negative),
            sentiment_probs: with_sentiment.then(|| SentimentProbs {
                positive: rng.float(),
                negative: rng.float(),
                neutral: rng.float(),
            }),
            actors: (0..rng.below(4))
                .map(|_| ActorScore {
                    actor: rng.text(),
                    stance: Stance::ALL[rng.below(3)],
                    probs: StanceProbs {
                        pro: rng.float(),
                        anti: rng.float(),
                        none: rng.float(),
                    },
                    mentioned: rng.below(2) == 0,
                    zero_shot: rng.below(2) == 0,
                })
                .collect(),
            excerpt: rng.text(),
            fields: None,
        };
        let actors: Vec<_> = r
            .actors
            .iter()
            .map(|a| {
                (
                    a.actor.as_str(),
                    a.stance,
                    a.probs,
                    a.mentioned,
                    a.zero_shot,
                )
            })
            .collect();
        let mut mine = Vec::new();
        write_json(
            &mut mine,
            &RecordRef {
                doc_id: r.doc_id.as_deref(),
                unit_id: r.unit_id.as_deref(),
                kind: r.kind,
                id: r.id.as_deref(),
                sentiment: r.sentiment.zip(r.sentiment_probs),
                actors: &actors,
                excerpt: &r.excerpt,
                fields: None,
            },
        );
        let mut theirs = Vec::new();
        write_record(&mut theirs, &r, None).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&mine),
            String::from_utf8_lossy(&theirs)
        );
    }
}
