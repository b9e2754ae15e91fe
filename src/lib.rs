//! rinse turns scraped web text into clean, structured records.
//!
//! Data flows through one stage after another, in one direction:
//!
//! ```text
//! read → decode → repair → segment → classify → assemble → write
//! ```
//!
//! A [`Cleaner`] runs the middle stages on one document, text or bytes of any
//! encoding, and returns its [`Record`]: title, dateline, body, captions,
//! credits, related links, and the audit trail of every line removed and every
//! character repaired. Build one with [`Cleaner::builder`] (extra rule folders,
//! rules turned off, repair options, size limit) and share it between threads.
//! [`Cleaner::explain`] gives the decision on each line instead.
//!
//! [`pipeline::run`] drives a whole batch of files in parallel, in input
//! order, into JSONL, CSV or Parquet, with one [`pipeline::Config`].
//!
//! The rules are data: [`Rule`] is one as written in a TOML rule file, and
//! [`test_rule`] runs it over its own examples and counterexamples.
//!
//! The library never prints: it returns records, errors and statistics, and the
//! `rinse` binary (cargo feature `cli`, on by default) reports them. A library
//! user can leave the binary's dependencies out with `default-features = false`.
//!
//! ```
//! let cleaner = rinse::Cleaner::builder().disable("repair.nbsp").build()?;
//! let record = cleaner.clean("Title of the story\n\nThe body of the story, a full sentence here.\nShare this\n")?;
//! assert_eq!(record.title, "Title of the story");
//! assert_eq!(record.text, "The body of the story, a full sentence here.");
//! assert_eq!(record.removed[0].rule, "share.button");
//! # Ok::<(), rinse::Error>(())
//! ```
#![warn(missing_docs, clippy::print_stdout, clippy::print_stderr)]

pub(crate) mod assemble;
pub(crate) mod classify;
mod cleaner;
#[cfg(feature = "parquet")]
pub(crate) mod columnar;
pub(crate) mod corpus;
pub(crate) mod decode;
mod error;
mod json;
pub mod pipeline;
#[cfg(feature = "python")]
mod python;
pub(crate) mod read;
mod record;
pub(crate) mod repair;
pub(crate) mod rules;
pub(crate) mod segment;
mod simd;
mod text;
pub(crate) mod write;

pub use classify::{Class, Decision, LineScore};
pub use cleaner::{Cleaner, CleanerBuilder, DEFAULT_MAX_DOC_BYTES, Explanation, Input};
pub use error::{Error, Result};
pub use record::{Fix, Record, Related, Removed};
pub use rules::{Action, Rule, RuleTest, test_rule};

/// The stages themselves, for the `rinse` binary, the benches, the tests and
/// the fuzz targets: no stability promise, and not part of the documented API.
#[doc(hidden)]
pub mod internals {
    /// `pub mod NAME { pub use PATH::*; }` for each `NAME => PATH`: a
    /// stage's public items under `internals`, the stage itself staying
    /// private to the crate.
    macro_rules! reexport {
        ($($(#[$attr:meta])* $name:ident => $($path:ident)::+;)*) => {
            $($(#[$attr])* pub mod $name {
                pub use $($path)::+::*;
            })*
        };
    }

    reexport! {
        assemble => crate::assemble;
        classify => crate::classify;
        cleaner => crate::cleaner;
        #[cfg(feature = "parquet")]
        columnar => crate::columnar;
        corpus => crate::corpus;
        decode => crate::decode;
        jsonl => crate::pipeline::jsonl;
        read => crate::read;
        record => crate::record;
        repair => crate::repair;
        rules => crate::rules;
        segment => crate::segment;
        write => crate::write;
    }
}
