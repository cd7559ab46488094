//! The integration tests, one crate (one link of the library): each module
//! runs the binary on small fixtures and reads the outputs back.

mod bad_inputs;
mod beside;
mod charts;
mod common;
mod drafts;
mod fuzz_regressions;
mod orderers;
mod pipeline;
mod rank;
mod reconciliation;
mod start;
mod streaming;
mod unit_names;
mod workbooks;
