//! Tokenizer.

use super::*;

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn tokenizer_any_string(text in any::<String>(), bits in 0u8..16) {
        ok(tokens(&text, config_from_bits(bits)))?;
    }

    #[test]
    fn tokenizer_odd_text(text in prop_oneof![odd_text(), mention_text(), page()], bits in 0u8..16) {
        ok(tokens(&text, config_from_bits(bits)))?;
    }
}
