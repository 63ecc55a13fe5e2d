//! Model files.

use super::*;

pub(crate) const TINY_ACTORS: &str = "[[actor]]\ncode = \"PAK\"\nname = \"Pakistan\"\nnames = [\"Pakistan\"]\n\n[[actor]]\ncode = \"RUS\"\nname = \"Russia\"\nnames = [\"Russia\", \"Moscow\"]\n";

/// A model trained on a few in-memory examples, and its bytes.
pub(crate) fn tiny_model() -> &'static (ModelData, Vec<u8>) {
    static MODEL: OnceLock<(ModelData, Vec<u8>)> = OnceLock::new();
    MODEL.get_or_init(|| {
        let actors = ActorSet::from_toml(TINY_ACTORS).unwrap();
        let mut data = Dataset::default();
        let texts = [
            (
                "We trust Pakistan again",
                "PAK",
                Stance::Pro,
                Sentiment::Positive,
            ),
            (
                "We blame Russia today",
                "RUS",
                Stance::Anti,
                Sentiment::Negative,
            ),
            (
                "Officials visited Moscow this week",
                "RUS",
                Stance::None,
                Sentiment::Neutral,
            ),
            (
                "Pakistan failed us badly",
                "PAK",
                Stance::Anti,
                Sentiment::Negative,
            ),
            (
                "Russia is a good friend",
                "RUS",
                Stance::Pro,
                Sentiment::Positive,
            ),
            (
                "Pakistan held talks",
                "PAK",
                Stance::None,
                Sentiment::Neutral,
            ),
        ];
        for (i, (text, target, stance, sentiment)) in texts.into_iter().enumerate() {
            let group = fnv1a(text.as_bytes());
            data.stance.push(Example {
                id: format!("e{i}"),
                group,
                text: text.into(),
                target: target.into(),
                span: None,
                stance,
                kind: None,
                source: "data".into(),
                probe_type: None,
            });
            data.sentiment.push(SentimentExample {
                id: format!("e{i}"),
                group,
                text: text.into(),
                sentiment,
            });
        }
        let mut params = TrainParams {
            per_target: true,
            ..TrainParams::default()
        };
        params.stance.max_iter = 20;
        params.sentiment.max_iter = 20;
        let model = train(
            &data,
            &actors,
            TINY_ACTORS,
            &params,
            vec!["mem".into()],
            &Silent,
        )
        .unwrap();
        let bytes = encode(&model).unwrap();
        (model, bytes)
    })
}

#[test]
pub(crate) fn model_round_trips_and_scores() {
    let (model, bytes) = tiny_model();
    assert_eq!(&decode(bytes).unwrap(), model);
    model_load_and_score(bytes, "We trust Pakistan but not Russia.").unwrap();
}

/// A crafted model file (valid framing and checksum, inconsistent contents)
/// must be rejected by the loader or score without panicking
/// (`StanceModel::from_data` validates what scoring indexes into; see the
/// report in `fuzz/README.md`).
#[test]
pub(crate) fn crafted_models_are_rejected_not_panicking() {
    let panics = crafted_model_panics();
    assert!(
        panics.is_empty(),
        "the loader accepted and then panicked on: {panics:#?}"
    );
}

/// The mutations of a valid model that the load path must survive, and
/// which of them panic.
pub(crate) fn crafted_model_panics() -> Vec<String> {
    let (model, _) = tiny_model();
    type Mutation = (&'static str, fn(&mut ModelData));
    let mutations: &[Mutation] = &[
        ("features.word_ngrams = 0", |m| m.features.word_ngrams = 0),
        ("features.window = usize::MAX", |m| {
            m.features.window = usize::MAX
        }),
        ("features.char_ngrams = Some((0, 0))", |m| {
            m.features.char_ngrams = Some((0, 0))
        }),
        ("stance head weights truncated", |m| {
            for (_, h) in &mut m.stance.as_mut().unwrap().heads {
                h.weights.truncate(h.weights.len() / 2);
            }
        }),
        ("stance head bias emptied", |m| {
            for (_, h) in &mut m.stance.as_mut().unwrap().heads {
                h.bias.clear();
            }
        }),
        ("stance labels has a fourth label", |m| {
            m.stance.as_mut().unwrap().labels.push("maybe".into())
        }),
        ("sentiment head n_classes = 0", |m| {
            m.sentiment.as_mut().unwrap().heads[0].1.n_classes = 0
        }),
        ("sentiment heads emptied", |m| {
            m.sentiment.as_mut().unwrap().heads.clear()
        }),
        ("vocabulary group 200", |m| {
            m.sentiment
                .as_mut()
                .unwrap()
                .vocab
                .groups
                .iter_mut()
                .for_each(|g| *g = 200)
        }),
        ("vocabulary idf emptied", |m| {
            m.sentiment.as_mut().unwrap().vocab.idf.clear()
        }),
        ("vocabulary groups emptied", |m| {
            m.stance.as_mut().unwrap().vocab.groups.clear()
        }),
    ];
    let text = "We trust Pakistan again, but we blame Russia today.";
    let mut panics = Vec::new();
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for (name, mutate) in mutations {
        let mut m = model.clone();
        mutate(&mut m);
        let bytes = encode(&m).unwrap();
        match std::panic::catch_unwind(|| model_load_and_score(&bytes, text)) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panics.push(format!("{name}: {e}")),
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panics.push(format!("{name}: panic: {msg}"));
            }
        }
    }
    std::panic::set_hook(hook);
    panics
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn model_any_bytes_is_an_error(bytes in vec(any::<u8>(), 0..200)) {
        prop_assert!(decode(&bytes).is_err());
        ok(model_bytes(&bytes))?;
    }

    #[test]
    fn model_any_payload_with_valid_framing(payload in vec(any::<u8>(), 0..300)) {
        ok(model_load_and_score(&frame_model(&payload), "Pakistan and Russia"))?;
    }

    /// A valid model's payload with bytes changed and the checksum fixed up:
    /// the payload decoder sees near-valid input.
    #[test]
    fn model_damaged_payload_with_valid_framing(
        edits in vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in proptest::option::weighted(0.2, any::<prop::sample::Index>()),
    ) {
        let (_, bytes) = tiny_model();
        let mut payload = bytes[20..bytes.len() - 32].to_vec();
        for (i, b) in edits {
            let i = i.index(payload.len());
            payload[i] = b;
        }
        if let Some(c) = cut {
            payload.truncate(c.index(payload.len()));
        }
        // Decoding must not panic. Scoring is not checked here: a payload
        // that decodes may be inconsistent (see crafted_models_…).
        ok(model_bytes(&frame_model(&payload)))?;
    }

    /// Any single byte flipped anywhere in a valid file is an error: the
    /// header is checked field by field, the rest by the checksum.
    #[test]
    fn model_single_byte_flip_is_an_error(at in any::<prop::sample::Index>(), x in 1u8..=255) {
        let (_, bytes) = tiny_model();
        let mut b = bytes.clone();
        let i = at.index(b.len());
        b[i] ^= x;
        match decode(&b) {
            Ok(_) => return Err(TestCaseError::fail(format!("flip at byte {i} of {} (xor {x:#04x}) decoded", b.len()))),
            Err(Decode::Version(v)) => prop_assert!((8..12).contains(&i) && v != FORMAT_VERSION),
            Err(Decode::Invalid(_)) => {}
        }
    }

    #[test]
    fn model_truncated_or_extended_is_an_error(at in any::<prop::sample::Index>(), tail in vec(any::<u8>(), 1..40)) {
        let (_, bytes) = tiny_model();
        prop_assert!(decode(&bytes[..at.index(bytes.len())]).is_err());
        let mut longer = bytes.clone();
        longer.extend(tail);
        prop_assert!(decode(&longer).is_err());
    }
}
