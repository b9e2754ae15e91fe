//! One document through the middle stages: decode → repair → segment → classify → assemble.

use std::borrow::Cow;
use std::sync::Arc;

use crate::classify::{Classifier, Decision};
use crate::corpus::RepeatedLines;
use crate::decode;
use crate::error::{Error, Result};
use crate::record::Record;
use crate::repair::{self, RepairOptions};
use crate::rules::RuleSet;
use crate::segment;

/// Default for [`Options::max_doc_bytes`]: 64 MiB.
pub const DEFAULT_MAX_DOC_BYTES: u64 = 64 << 20;

/// What a line counts for against [`Options::max_doc_bytes`], however short:
/// cleaning holds some tens of bytes per line (its place, measures, decision
/// and, when removed, its audit entry), so a document of millions of empty
/// or one-letter lines takes far more memory than its bytes. Counted so, a
/// document within the limit takes at most a few times the limit.
pub const LINE_BYTES: u64 = 64;

/// Options of a [`Cleaner`].
#[derive(Debug, Clone)]
pub struct Options {
    /// Options of the repair stage.
    pub repair: RepairOptions,
    /// Documents larger than this are refused with [`Error::TooLarge`], and
    /// documents of more than this many bytes' worth of lines at
    /// [`LINE_BYTES`] a line with [`Error::TooManyLines`].
    pub max_doc_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            repair: RepairOptions::default(),
            max_doc_bytes: DEFAULT_MAX_DOC_BYTES,
        }
    }
}

/// A document's repaired text and the decision on each of its lines.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The repaired text; [`segment::lines`] splits it into the lines decided.
    pub text: String,
    /// One decision per line of `text`.
    pub decisions: Vec<Decision>,
    /// The line model's score of each line it decided (`None` for the lines
    /// that rules, the headline or related lists decided, and for all lines
    /// without a line model).
    pub scores: Vec<Option<crate::classify::LineScore>>,
}

/// A cleaned document with what it was made from.
#[derive(Debug, Clone)]
pub struct Detailed {
    /// The record.
    pub record: Record,
    /// The decision for each line of `text` (line `i + 1` is `decisions[i]`).
    pub decisions: Vec<Decision>,
    /// The decoded input text, before repair.
    pub text: String,
}

/// Cleans single documents. Build it once (it compiles the rules) and share it
/// between threads.
#[derive(Debug)]
pub struct Cleaner {
    classifier: Classifier,
    options: Options,
}

impl Cleaner {
    /// A cleaner with the built-in rules and default options.
    pub fn builtin() -> Result<Self> {
        Ok(Self::new(RuleSet::builtin()?, Options::default()))
    }

    /// A cleaner with `rules` and `options`.
    pub fn new(rules: RuleSet, options: Options) -> Self {
        Cleaner {
            classifier: Classifier::new(rules),
            options,
        }
    }

    /// Adds the corpus pass (`--repeated-lines`): lines in `repeated` count as
    /// boilerplate outside the article span.
    pub fn with_repeated_lines(mut self, repeated: Arc<RepeatedLines>) -> Self {
        self.classifier = self.classifier.with_repeated_lines(repeated);
        self
    }

    /// Decides the article body with `model` instead of the built-in line
    /// model; `None` leaves it to the heuristic span alone.
    pub fn with_line_model(
        mut self,
        model: Option<Arc<crate::classify::model::LineModel>>,
    ) -> Self {
        self.classifier = self.classifier.with_model(model);
        self
    }

    /// Decodes and repairs `bytes` and classifies its lines, for `rinse explain`
    /// and `rinse coverage`: the repaired text (split it with
    /// [`segment::lines`]) and one decision per line.
    pub fn explain_bytes(&self, bytes: &[u8]) -> Result<Explanation> {
        self.check_size(bytes)?;
        let decoded = decode::decode(bytes, None)?;
        Ok(self.explain_text(&decoded.text))
    }

    /// [`Cleaner::explain_bytes`] for text that is already decoded.
    pub fn explain_text(&self, text: &str) -> Explanation {
        let repaired = repair::repair(text, &self.options.repair).text;
        let (decisions, scores) = self.classifier.explain(&segment::lines(&repaired));
        Explanation {
            text: repaired,
            decisions,
            scores,
        }
    }

    /// The repaired text of `bytes` and the line model's input rows (for the
    /// training script, through `rinse features`).
    #[doc(hidden)]
    pub fn feature_rows_bytes(
        &self,
        bytes: &[u8],
    ) -> Result<(String, crate::classify::FeatureRows)> {
        let text = self.repaired_text(bytes)?;
        let rows = self.classifier.feature_rows(&segment::lines(&text));
        Ok((text, rows))
    }

    /// The repaired text of `bytes`, as the classifier sees it (for the corpus pass).
    pub fn repaired_text(&self, bytes: &[u8]) -> Result<String> {
        self.check_size(bytes)?;
        let decoded = decode::decode(bytes, None)?;
        Ok(repair::repair(&decoded.text, &self.options.repair).text)
    }

    /// The classifier (and through it, the rules).
    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Cleans raw bytes of any encoding. `tld_hint` is the top-level domain of the
    /// page's URL, when known. `id` and `source` of the record are left empty.
    pub fn clean_bytes(&self, bytes: &[u8], tld_hint: Option<&str>) -> Result<Record> {
        Ok(self.clean_bytes_detailed(bytes, tld_hint)?.record)
    }

    /// [`Cleaner::clean_bytes`], also returning the decoded text and each line's decision.
    pub fn clean_bytes_detailed(&self, bytes: &[u8], tld_hint: Option<&str>) -> Result<Detailed> {
        let (record, decisions, text) = self.clean_bytes_borrowed(bytes, tld_hint)?;
        Ok(Detailed {
            record,
            decisions,
            text: text.into_owned(),
        })
    }

    /// [`Cleaner::clean_bytes_detailed`] with the decoded text borrowed from
    /// `bytes` when they are UTF-8 (no copy of the input).
    pub(crate) fn clean_bytes_borrowed<'a>(
        &self,
        bytes: &'a [u8],
        tld_hint: Option<&str>,
    ) -> Result<(Record, Vec<Decision>, Cow<'a, str>)> {
        self.check_size(bytes)?;
        let decoded = decode::decode_borrowed(bytes, tld_hint)?;
        let (mut record, decisions) = self.clean_decoded_lines(&decoded.text);
        if !decoded.fixes.is_empty() {
            let mut fixes = decoded.fixes;
            fixes.append(&mut record.fixes);
            record.fixes = fixes;
        }
        record.encoding = decoded.encoding.to_string();
        Ok((record, decisions, decoded.text))
    }

    /// Cleans text that is already decoded (for example a JSONL `text` field).
    /// The record's `encoding` is `UTF-8`.
    pub fn clean_text(&self, text: &str) -> Record {
        let (mut rec, _) = self.clean_decoded_lines(text);
        rec.encoding = "UTF-8".to_string();
        rec
    }

    /// Cleans text, refusing it when over the size limit.
    pub fn try_clean_text(&self, text: &str) -> Result<Record> {
        self.check_size(text.as_bytes())?;
        Ok(self.clean_text(text))
    }

    /// [`Cleaner::try_clean_text`], also returning each line's decision.
    pub fn try_clean_text_detailed(&self, text: &str) -> Result<(Record, Vec<Decision>)> {
        self.check_size(text.as_bytes())?;
        let (mut rec, decisions) = self.clean_decoded_lines(text);
        rec.encoding = "UTF-8".to_string();
        Ok((rec, decisions))
    }

    /// Refuses a document over the size limit, in bytes or in lines at
    /// [`LINE_BYTES`] a line (newlines counted sixteen or more bytes at a time).
    fn check_size(&self, bytes: &[u8]) -> Result<()> {
        let size = bytes.len() as u64;
        let limit = self.options.max_doc_bytes;
        if size > limit {
            return Err(Error::TooLarge { size, limit });
        }
        // A document has at most one line more than its bytes: only one of
        // lines shorter than LINE_BYTES on average can be over in lines.
        if (size + 1).saturating_mul(LINE_BYTES) > limit {
            let lines = memchr::memchr_iter(b'\n', bytes).count() as u64 + 1;
            if lines.saturating_mul(LINE_BYTES) > limit {
                return Err(Error::TooManyLines { lines, limit });
            }
        }
        Ok(())
    }

    /// Cleans decoded text and also returns the decision for each of its lines
    /// (line `i` of the result is line `i + 1` of `text`). The record's
    /// `encoding` is left empty.
    pub fn clean_decoded_lines(&self, text: &str) -> (Record, Vec<Decision>) {
        let repaired = repair::repair(text, &self.options.repair);
        let lines = repaired.lines();
        let decisions = self.classifier.classify(&lines);
        let mut rec = crate::assemble::assemble(&lines, &decisions);
        rec.fixes = repaired.fixes;
        (rec, decisions)
    }
}
