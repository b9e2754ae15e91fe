//! rinse turns scraped web text into clean, structured records.
//!
//! The pipeline has one module per stage, and data flows through them in one
//! direction:
//!
//! ```text
//! read → decode → repair → segment → classify → assemble → write
//! ```
//!
//! * [`read`] finds input documents (files, folders, JSONL, stdin) and reads their bytes.
//! * [`decode`] turns bytes of any encoding into text and names the encoding.
//! * [`repair`] fixes mis-encoded text (mojibake, entities, lost characters).
//! * [`segment`] splits text into numbered lines.
//! * [`classify`] gives each line a class (title, body, caption, boilerplate…)
//!   using the named, data-driven rules compiled by [`rules`].
//! * [`assemble`] builds the [`Record`] from the classified lines.
//! * [`write`](mod@write) serialises records as JSONL or CSV.
//!
//! [`corpus`] is the optional first pass that finds lines repeated across documents.
//!
//! [`Cleaner`] runs the middle stages on one document; [`pipeline`] runs a whole
//! batch in parallel, in input order.
//!
//! The library never prints: it returns records, errors and statistics, and the
//! `rinse` binary reports them.
//!
//! ```
//! let cleaner = rinse::Cleaner::builtin().unwrap();
//! let record = cleaner.clean_text("Title of the story\n\nThe body of the story, a full sentence here.\n");
//! assert_eq!(record.title, "Title of the story");
//! ```
#![warn(missing_docs, clippy::print_stdout, clippy::print_stderr)]

pub mod assemble;
pub mod classify;
pub mod cleaner;
#[cfg(feature = "parquet")]
pub mod columnar;
pub mod corpus;
pub mod decode;
pub mod error;
mod json;
pub mod pipeline;
#[cfg(feature = "python")]
pub mod python;
pub mod read;
pub mod record;
pub mod repair;
pub mod rules;
pub mod segment;
mod simd;
mod text;
pub mod write;

pub use cleaner::{Cleaner, Options};
pub use error::{Error, Result};
pub use record::{Fix, Record, Related, Removed};
