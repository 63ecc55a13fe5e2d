//! Progress reporting for long work, decoupled from any terminal library: the
//! CLI draws bars, tests and library users pass [`Silent`].

pub trait Progress: Sync {
    /// A new stage of `total` steps (0 = unknown).
    fn stage(&self, name: &str, total: u64);
    fn advance(&self, steps: u64);
    fn finish(&self) {}
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
}
