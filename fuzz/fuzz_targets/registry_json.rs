//! `stance::model::registry::Registry::parse` on any bytes: no panic; an
//! error names the file; an accepted registry serialises and parses back
//! to itself.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use stance::model::registry::Registry;

fuzz_target!(|data: &[u8]| {
    match Registry::parse(data, Path::new("models/registry.json")) {
        Err(e) => assert!(e.to_string().contains("models/registry.json"), "{e}"),
        Ok(r) => {
            let json = serde_json::to_vec(&r).expect("serialises");
            let back = Registry::parse(&json, Path::new("again.json")).expect("round trip");
            assert_eq!(back, r);
        }
    }
});
