//! One document through the middle stages: decode → repair → segment →
//! classify → assemble. [`CleanerBuilder`] makes a [`Cleaner`]; the CLI, the
//! Python module and library users all build theirs with it.

use std::borrow::Cow;
use std::sync::Arc;

use std::path::PathBuf;

use crate::classify::model::LineModel;
use crate::classify::{Classifier, Decision, LineScore};
use crate::corpus::RepeatedLines;
use crate::decode;
use crate::error::{Error, Result};
use crate::record::Record;
use crate::repair::{self, RepairOptions};
use crate::rules::{self, Rule, RuleSet};
use crate::segment;

/// The default size limit of [`CleanerBuilder::max_doc_bytes`]: 64 MiB.
pub const DEFAULT_MAX_DOC_BYTES: u64 = 64 << 20;

/// What a line counts for against [`CleanerBuilder::max_doc_bytes`], however short:
/// cleaning holds some tens of bytes per line (its place, measures, decision
/// and, when removed, its audit entry), so a document of millions of empty
/// or one-letter lines takes far more memory than its bytes. Counted so, a
/// document within the limit takes at most a few times the limit.
pub const LINE_BYTES: u64 = 64;

/// Options of a [`Cleaner`], set through [`CleanerBuilder`].
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// Options of the repair stage.
    pub(crate) repair: RepairOptions,
    /// Documents larger than this are refused with [`Error::TooLarge`], and
    /// documents of more than this many bytes' worth of lines at
    /// [`LINE_BYTES`] a line with [`Error::TooManyLines`].
    pub(crate) max_doc_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            repair: RepairOptions::default(),
            max_doc_bytes: DEFAULT_MAX_DOC_BYTES,
        }
    }
}

/// One document to clean: text already decoded, or bytes of any encoding.
///
/// Made from `&str`, `&String`, `&[u8]`, `&[u8; N]` or `&Vec<u8>`, so that
/// [`Cleaner::clean`] and [`Cleaner::explain`] take any of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input<'a> {
    /// Decoded text (a JSONL `text` field, a Python `str`): the record's
    /// `encoding` is `UTF-8`.
    Text(&'a str),
    /// Raw bytes: the encoding is detected (and named in the record), and
    /// binary data is refused with [`Error::Binary`].
    Bytes(&'a [u8]),
}

impl<'a> From<&'a str> for Input<'a> {
    fn from(text: &'a str) -> Self {
        Input::Text(text)
    }
}

impl<'a> From<&'a String> for Input<'a> {
    fn from(text: &'a String) -> Self {
        Input::Text(text)
    }
}

impl<'a> From<&'a [u8]> for Input<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        Input::Bytes(bytes)
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for Input<'a> {
    fn from(bytes: &'a [u8; N]) -> Self {
        Input::Bytes(bytes)
    }
}

impl<'a> From<&'a Vec<u8>> for Input<'a> {
    fn from(bytes: &'a Vec<u8>) -> Self {
        Input::Bytes(bytes)
    }
}

impl Input<'_> {
    /// The input's bytes, for the size limit.
    fn bytes(&self) -> &[u8] {
        match self {
            Input::Text(t) => t.as_bytes(),
            Input::Bytes(b) => b,
        }
    }
}

/// A document's repaired text and the decision on each of its lines: why
/// each line was kept, moved or dropped (what `rinse explain` shows).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Explanation {
    /// The repaired text, whose lines (split at `\n`, a `\r` before it
    /// dropped) are the lines decided.
    pub text: String,
    /// One decision per line of `text`.
    pub decisions: Vec<Decision>,
    /// The line model's score of each line it decided (`None` for the lines
    /// that rules, the headline or related lists decided, and for all lines
    /// without a line model).
    pub scores: Vec<Option<LineScore>>,
}

/// Builds a [`Cleaner`]: the rules (built-in, plus folders of rule files,
/// minus disabled ids), the repair options and the size limit. The one place
/// where `rinse clean`'s `--rules`/`--disable`/`--no-guess`/`--max-doc-bytes`
/// and the Python module's `rules=`/`disable=`/`guess=` become a cleaner.
///
/// ```
/// let cleaner = rinse::Cleaner::builder()
///     .disable("promo.follow-channel") // a classification rule
///     .disable("repair.fffd-space") // a repair rule
///     .guess(false)
///     .max_doc_bytes(1 << 20)
///     .build()?;
/// let record = cleaner.clean("Council backs the budget\n\nThe council approved the budget on Tuesday after a long debate.\n")?;
/// assert_eq!(record.title, "Council backs the budget");
/// # Ok::<(), rinse::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct CleanerBuilder {
    rule_dirs: Vec<PathBuf>,
    extra_rules: Vec<Rule>,
    disable: Vec<String>,
    options: Options,
    line_model: Option<Option<Arc<LineModel>>>,
}

impl CleanerBuilder {
    /// Adds the rules of every `*.toml` file in `dir` (in file-name order) to
    /// the built-in ones; a rule with an id already present replaces it in
    /// place. Folders are read by [`CleanerBuilder::build`], in the order added.
    pub fn rules_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.rule_dirs.push(dir.into());
        self
    }

    /// Adds `rules` after those of the folders, as a folder's would be added.
    pub fn rules(mut self, rules: impl IntoIterator<Item = Rule>) -> Self {
        self.extra_rules.extend(rules);
        self
    }

    /// Turns off the rule `id`: a classification rule (`promo.app`, listed
    /// by `rinse rules list`) or a repair rule (`repair.mojibake`). An id
    /// that names neither is an error of [`CleanerBuilder::build`].
    pub fn disable(mut self, id: impl Into<String>) -> Self {
        self.disable.push(id.into());
        self
    }

    /// Whether to guess characters lost to U+FFFD (default `true`;
    /// `--no-guess` sets it `false`).
    pub fn guess(mut self, guess: bool) -> Self {
        self.options.repair.guess = guess;
        self
    }

    /// Refuses documents over `bytes` bytes ([`Error::TooLarge`]), or of more
    /// than `bytes / 64` lines ([`Error::TooManyLines`]: a line takes memory
    /// however short it is). Default [`DEFAULT_MAX_DOC_BYTES`].
    pub fn max_doc_bytes(mut self, bytes: u64) -> Self {
        self.options.max_doc_bytes = bytes;
        self
    }

    /// Decides the article body with `model` instead of the built-in line
    /// model; `None` leaves it to the heuristic span alone (`--line-model`).
    #[doc(hidden)]
    pub fn line_model(mut self, model: Option<Arc<LineModel>>) -> Self {
        self.line_model = Some(model);
        self
    }

    /// The classification rules the cleaner would apply, in priority order:
    /// the built-in ones, those of the folders and of
    /// [`CleanerBuilder::rules`] merged in, the disabled ids removed (not yet
    /// compiled). A disabled id that is no rule's, classification or repair,
    /// is [`Error::UnknownRule`]; a folder that cannot be read or holds a bad
    /// rule file is [`Error::RuleDir`].
    ///
    /// With [`crate::test_rule`], the way to test rules as `rinse rules test`
    /// does:
    ///
    /// ```
    /// for rule in rinse::Cleaner::builder().rule_list()?.iter().take(5) {
    ///     assert!(rinse::test_rule(rule)?.passed(), "{} fails its examples", rule.id);
    /// }
    /// # Ok::<(), rinse::Error>(())
    /// ```
    pub fn rule_list(&self) -> Result<Vec<Rule>> {
        let mut all = rules::builtin_rules()?;
        for dir in &self.rule_dirs {
            let extra = rules::load_dir(dir).map_err(|e| Error::RuleDir {
                dir: dir.clone(),
                error: Box::new(e),
            })?;
            rules::merge(&mut all, extra);
        }
        rules::merge(&mut all, self.extra_rules.clone());
        for id in &self.disable {
            if repair::is_rule(id) {
                continue; // a repair rule: goes to the repair options
            }
            let before = all.len();
            all.retain(|r| &r.id != id);
            if all.len() == before {
                return Err(Error::UnknownRule { id: id.clone() });
            }
        }
        Ok(all)
    }

    /// Reads the rule folders, compiles the rules and makes the cleaner.
    /// Errors as [`CleanerBuilder::rule_list`], and [`Error::Rule`] for a
    /// rule that does not compile.
    pub fn build(self) -> Result<Cleaner> {
        let rules = RuleSet::compile(self.rule_list()?)?;
        Ok(self.build_with(rules))
    }

    /// The cleaner with `rules` already compiled (from
    /// [`CleanerBuilder::rule_list`]) and this builder's other settings.
    #[doc(hidden)]
    pub fn build_with(self, rules: RuleSet) -> Cleaner {
        let mut options = self.options;
        options.repair.disabled = self
            .disable
            .iter()
            .filter(|id| repair::is_rule(id))
            .cloned()
            .collect();
        let mut classifier = Classifier::new(rules);
        if let Some(model) = self.line_model {
            classifier = classifier.with_model(model);
        }
        Cleaner {
            classifier,
            options,
        }
    }
}

/// Cleans single documents. Build it once (it compiles the rules) and share it
/// between threads.
#[derive(Debug)]
pub struct Cleaner {
    classifier: Classifier,
    options: Options,
}

impl Cleaner {
    /// A builder, to choose rules, repairs and limits.
    pub fn builder() -> CleanerBuilder {
        CleanerBuilder::default()
    }

    /// A cleaner with the built-in rules and default options (the same as
    /// `Cleaner::builder().build()`).
    pub fn builtin() -> Result<Self> {
        Self::builder().build()
    }

    /// Cleans one document, text or bytes of any encoding, into a record
    /// (its `id` and `source` left empty for the caller to fill).
    ///
    /// A document over the size limit is [`Error::TooLarge`] or
    /// [`Error::TooManyLines`]; bytes that look binary are [`Error::Binary`].
    ///
    /// ```
    /// let cleaner = rinse::Cleaner::builtin()?;
    /// let page = "Council backs the budget\n\nThe council approved the budget on Tuesday after a long debate.\nShare this\n";
    /// let from_text = cleaner.clean(page)?;
    /// let from_bytes = cleaner.clean(page.as_bytes())?;
    /// assert_eq!(from_text.title, "Council backs the budget");
    /// assert_eq!(from_text.removed[0].rule, from_bytes.removed[0].rule);
    /// # Ok::<(), rinse::Error>(())
    /// ```
    pub fn clean<'a>(&self, input: impl Into<Input<'a>>) -> Result<Record> {
        match input.into() {
            Input::Text(text) => Ok(self.clean_text_detailed(text)?.0),
            Input::Bytes(bytes) => Ok(self.clean_bytes_borrowed(bytes, None)?.0),
        }
    }

    /// Repairs one document and decides each of its lines, without
    /// assembling a record: why each line is kept, moved or dropped. Errors
    /// as [`Cleaner::clean`].
    ///
    /// ```
    /// let cleaner = rinse::Cleaner::builtin()?;
    /// let e = cleaner.explain("Council backs the budget\n\nThe council approved the budget on Tuesday after a long debate.\n")?;
    /// assert_eq!(e.decisions[0].class, rinse::Class::Title);
    /// # Ok::<(), rinse::Error>(())
    /// ```
    pub fn explain<'a>(&self, input: impl Into<Input<'a>>) -> Result<Explanation> {
        let input = input.into();
        self.check_size(input.bytes())?;
        let decoded;
        let text = match input {
            Input::Text(text) => text,
            Input::Bytes(bytes) => {
                decoded = decode::decode(bytes, None)?;
                &decoded.text
            }
        };
        let repaired = repair::repair(text, &self.options.repair).text;
        let (decisions, scores) = self.classifier.explain(&segment::lines(&repaired));
        Ok(Explanation {
            text: repaired,
            decisions,
            scores,
        })
    }

    /// The size limit in bytes ([`CleanerBuilder::max_doc_bytes`]).
    pub fn max_doc_bytes(&self) -> u64 {
        self.options.max_doc_bytes
    }

    /// Adds the corpus pass (`--repeated-lines`): lines in `repeated` count as
    /// boilerplate outside the article span.
    #[doc(hidden)]
    pub fn with_repeated_lines(mut self, repeated: Arc<RepeatedLines>) -> Self {
        self.classifier = self.classifier.with_repeated_lines(repeated);
        self
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
    #[doc(hidden)]
    pub fn repaired_text(&self, bytes: &[u8]) -> Result<String> {
        self.check_size(bytes)?;
        let decoded = decode::decode(bytes, None)?;
        Ok(repair::repair(&decoded.text, &self.options.repair).text)
    }

    /// Each line's decision as [`Cleaner::clean`] makes it on `bytes` (for
    /// `rinse coverage`).
    #[doc(hidden)]
    pub fn line_decisions(&self, bytes: &[u8]) -> Result<Vec<Decision>> {
        Ok(self.clean_bytes_borrowed(bytes, None)?.1)
    }

    /// The classifier (and through it, the rules).
    #[doc(hidden)]
    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    /// Cleans bytes of any encoding, also returning each line's decision and
    /// the decoded text, borrowed from `bytes` when they are UTF-8 (no copy
    /// of the input). `tld_hint` is the top-level domain of the page's URL,
    /// when known.
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

    /// Cleans decoded text, refusing it when over the size limit, also
    /// returning each line's decision. The record's `encoding` is `UTF-8`.
    pub(crate) fn clean_text_detailed(&self, text: &str) -> Result<(Record, Vec<Decision>)> {
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
    fn clean_decoded_lines(&self, text: &str) -> (Record, Vec<Decision>) {
        let repaired = repair::repair(text, &self.options.repair);
        let lines = repaired.lines();
        let decisions = self.classifier.classify(&lines);
        let mut rec = crate::assemble::assemble(&lines, &decisions);
        rec.fixes = repaired.fixes;
        (rec, decisions)
    }
}
