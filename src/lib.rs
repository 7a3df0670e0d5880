//! trustmap: plain-text partner assessments in, relationship reports out.
//!
//! The pipeline, one module per stage: [`discover`] finds answer files, [`load`] reads them into
//! a position-carrying tree, [`validate`] checks that against the [`questionnaire`] and yields
//! [`model::Assessment`]s; [`pipeline`] runs these over a batch in parallel. [`answer_file`]
//! defines the format of those files once, for the reader, the validator, the [`schema`] and the
//! writer ([`emit`]). [`commands`] holds one function per subcommand of the [`cli`].

pub mod answer_file;
pub mod build;
pub mod changes;
pub mod charts;
pub mod cli;
pub mod commands;
pub mod diagnostic;
pub mod discover;
pub mod emit;
mod error;
pub mod evaluate;
pub mod import;
pub mod links;
pub mod load;
pub mod logo;
pub mod model;
pub mod outdir;
pub mod pdf;
pub mod pipeline;
pub mod plan;
pub mod process;
pub mod provenance;
pub mod questionnaire;
pub mod questions;
pub mod render;
pub mod reporter;
pub mod schema;
pub mod serve;
pub mod settings;
pub mod share;
pub mod shell;
pub mod spreadsheet;
pub mod table;
pub mod validate;
pub mod watch;
pub mod watchdog;
pub mod workspace;
pub mod write;

pub use error::{Error, Result};
