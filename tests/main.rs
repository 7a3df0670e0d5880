//! The integration tests: one binary, a module per feature (see `suite/`).

mod suite;
