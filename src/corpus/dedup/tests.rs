use proptest::prelude::*;

use super::*;

fn unit(doc: &str, id: &str) -> Unit {
    Unit {
        doc_id: doc.into(),
        unit_id: id.into(),
        kind: crate::corpus::UnitKind::Comment,
        author: None,
        posted_at: None,
        text: String::new(),
        fields: None,
    }
}

fn at(line: usize) -> Location {
    Location::new("in.jsonl", Some(line as u64))
}

#[test]
fn every_key_seen_before_is_a_duplicate_after_spills_and_merges() {
    // Capacity 8: 5,000 keys make 600+ runs merged through several tiers.
    let mut d = Dedup::with_capacity(8);
    let n = 5_000;
    for i in 0..n {
        assert!(d.check(&at(i), &unit("d", &i.to_string())).is_ok(), "{i}");
    }
    assert!(d.spilled() >= n - 8, "spilled {}", d.spilled());
    assert!(d.recent.len() < 8);
    let tiers = &d.spill.as_ref().unwrap().tiers;
    assert!(tiers.len() >= 4, "{} tiers", tiers.len());
    assert!(tiers.iter().all(|t| t.len() < FANOUT));
    for i in (0..n).rev() {
        let e = d.check(&at(n + i), &unit("d", &i.to_string())).unwrap_err();
        assert!(
            e.to_string().contains(&format!("duplicate unit d {i}")),
            "{e}"
        );
    }
    // The same ids in another document are other units.
    for i in 0..100 {
        assert!(d.check(&at(0), &unit("e", &i.to_string())).is_ok());
    }
}

#[test]
fn the_default_holds_a_fixed_number_of_keys_in_memory() {
    let mut d = Dedup::default();
    for i in 0..(MEMORY_KEYS * 2 + 10) {
        d.check(&at(i), &unit("d", &i.to_string())).unwrap();
        assert!(d.recent.len() < MEMORY_KEYS);
    }
    assert_eq!(d.spilled(), MEMORY_KEYS * 2);
    assert!(d.recent.capacity() < MEMORY_KEYS * 2);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The same answers as a plain set of every key read, whatever the
    /// capacity and the order.
    #[test]
    fn dedup_agrees_with_a_set_of_every_key(
        ids in prop::collection::vec(0u16..400, 0..1500),
        capacity in 1usize..40,
    ) {
        let mut d = Dedup::with_capacity(capacity);
        let mut all = std::collections::HashSet::new();
        for (line, id) in ids.iter().enumerate() {
            let u = unit("doc", &id.to_string());
            prop_assert_eq!(d.check(&at(line), &u).is_ok(), all.insert(*id), "line {}", line);
        }
    }
}
