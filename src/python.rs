//! Python bindings (PyO3), compiled only with the `python` cargo feature.
//!
//! maturin builds this module into `rinse._rinse` (see `pyproject.toml`); the
//! pure-Python package under `python/rinse/` re-exports it. Four functions:
//!
//! * `clean(text, *, rules=None, disable=(), guess=True) -> dict`: one record;
//! * `clean_batch(texts, *, rules=None, disable=(), guess=True) -> list[dict]`:
//!   many records, cleaned in parallel on rinse's threads with the GIL released,
//!   in input order;
//! * `fix(text, *, guess=True) -> str`: the repair stage alone;
//! * `arrow_schema_ipc(*, fields=None, no_audit=False, error_field=False) -> bytes`:
//!   the record's Arrow schema, which `rinse.arrow_schema()` hands to pyarrow.
//!
//! `clean` and `clean_batch` take `fields=`/`no_audit=` (the record keys
//! kept, as `--fields`/`--no-audit`); `clean` takes `id=` and `source=`.
//!
//! A record is a dict with exactly the keys of [`Record`], in its field order
//! (the conversion names every field, so a new one cannot be forgotten). A [`Cleaner`] is
//! built once per set of options and cached. Bad arguments raise `TypeError`
//! or `ValueError`, unreadable rule folders `OSError`; nothing panics.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyList, PyString};
use rayon::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::cleaner::Cleaner;
use crate::error::Error;
use crate::record::{FieldSet, Fix, Record, Related, Removed};
use crate::repair::{self, RepairOptions};

/// At most this many cleaners are cached; past it the cache starts afresh.
const CACHE_LIMIT: usize = 32;

/// What a cleaner is built from: rule folders, disabled ids, `guess`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    rules: Vec<PathBuf>,
    disable: Vec<String>,
    guess: bool,
}

/// One input document: text, or raw bytes of any encoding.
enum Input {
    Text(String),
    Bytes(Vec<u8>),
}

/// rinse's worker threads for `clean_batch`, one pool per process.
///
/// rayon's global pool does not survive `fork()`: a child forked after the
/// parent used it (multiprocessing, datatrove's local executor, Spark's Python
/// workers) would wait forever on threads that do not exist in it. So the pool
/// is remembered with the id of the process that made it, and a forked child
/// makes its own.
fn pool() -> PyResult<Arc<ThreadPool>> {
    static POOL: Mutex<Option<(u32, Arc<ThreadPool>)>> = Mutex::new(None);
    let pid = std::process::id();
    let mut slot = POOL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((owner, pool)) = slot.as_ref()
        && *owner == pid
    {
        return Ok(pool.clone());
    }
    // Inherited through a fork: its threads are not in this process, so
    // dropping it could wait on them. Leak it instead.
    if let Some(old) = slot.take() {
        std::mem::forget(old);
    }
    let pool = ThreadPoolBuilder::new()
        .thread_name(|i| format!("rinse-{i}"))
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("starting rinse's worker threads: {e}")))?;
    let pool = Arc::new(pool);
    *slot = Some((pid, pool.clone()));
    Ok(pool)
}

fn cache() -> &'static Mutex<HashMap<Key, Arc<Cleaner>>> {
    static CACHE: OnceLock<Mutex<HashMap<Key, Arc<Cleaner>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The Python exception for a library error: `OSError` for a file or
/// folder that cannot be read, else `ValueError`.
fn py_err(e: Error) -> PyErr {
    match e {
        Error::Io { .. } => PyOSError::new_err(e.to_string()),
        Error::RuleDir { ref error, .. } if matches!(**error, Error::Io { .. }) => {
            PyOSError::new_err(e.to_string())
        }
        Error::UnknownRule { id } => {
            PyValueError::new_err(format!("disable: no rule has the id {id:?}"))
        }
        other => PyValueError::new_err(other.to_string()),
    }
}

/// Builds a cleaner as `rinse clean --rules … --disable … [--no-guess]`
/// does: with [`Cleaner::builder`], so that `disable` takes the ids of
/// classification and repair rules alike.
fn build(key: &Key) -> PyResult<Cleaner> {
    let mut builder = Cleaner::builder().guess(key.guess);
    for dir in &key.rules {
        builder = builder.rules_dir(dir);
    }
    for id in &key.disable {
        builder = builder.disable(id);
    }
    // On rinse's own threads: compiling the rules spreads over the worker
    // pool, and outside it rayon would start a second, global one.
    pool()?.install(|| builder.build()).map_err(py_err)
}

/// The cached cleaner for these options, built on first use.
fn cleaner(
    rules: Option<&Bound<'_, PyAny>>,
    disable: &Bound<'_, PyAny>,
    guess: bool,
) -> PyResult<Arc<Cleaner>> {
    let key = Key {
        rules: rule_dirs(rules)?,
        disable: strings(disable, "disable")?,
        guess,
    };
    let mut map = cache().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(c) = map.get(&key) {
        return Ok(c.clone());
    }
    let c = Arc::new(build(&key)?);
    if map.len() >= CACHE_LIMIT {
        map.clear();
    }
    map.insert(key, c.clone());
    Ok(c)
}

/// `rules`: `None`, one folder (`str` or `os.PathLike`), or a sequence of them.
fn rule_dirs(rules: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<PathBuf>> {
    let Some(rules) = rules else {
        return Ok(Vec::new());
    };
    if rules.is_none() {
        return Ok(Vec::new());
    }
    if let Ok(one) = rules.extract::<PathBuf>() {
        return Ok(vec![one]);
    }
    let err = || {
        PyTypeError::new_err(format!(
            "rules must be None, a folder path or a list of folder paths, not {}",
            type_name(rules)
        ))
    };
    let mut out = Vec::new();
    for item in rules.try_iter().map_err(|_| err())? {
        out.push(item?.extract::<PathBuf>().map_err(|_| err())?);
    }
    Ok(out)
}

/// A sequence of `str` (a lone `str` is refused: it would be split into letters).
fn strings(v: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    let err = || {
        PyTypeError::new_err(format!(
            "{what} must be a list or tuple of rule ids (str), not {}",
            type_name(v)
        ))
    };
    if v.is_instance_of::<PyString>() {
        return Err(err());
    }
    let mut out = Vec::new();
    for item in v.try_iter().map_err(|_| err())? {
        let item = item?;
        let s = item.cast::<PyString>().map_err(|_| err())?;
        out.push(s.to_cow()?.into_owned());
    }
    Ok(out)
}

fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A `str` as Rust text; each lone surrogate (which UTF-8 cannot hold) becomes
/// one U+FFFD, as a decoder would make of it.
fn text_of(s: &Bound<'_, PyString>) -> PyResult<String> {
    if let Ok(t) = s.to_cow() {
        return Ok(t.into_owned());
    }
    let units = s.call_method1("encode", ("utf-16-le", "surrogatepass"))?;
    let bytes = units.cast::<PyBytes>()?.as_bytes();
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    Ok(String::from_utf16_lossy(&units))
}

/// A `bool` argument, `default` when not given; anything else is refused
/// rather than judged truthy.
fn flag(v: Option<&Bound<'_, PyAny>>, what: &str, default: bool) -> PyResult<bool> {
    let Some(v) = v else {
        return Ok(default);
    };
    v.cast::<PyBool>().map(|b| b.is_true()).map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be True or False, not {}",
            type_name(v)
        ))
    })
}

/// A document: `str` (lone surrogates become U+FFFD) or `bytes`.
fn input(v: &Bound<'_, PyAny>, what: &str) -> PyResult<Input> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Input::Text(text_of(s)?));
    }
    if let Ok(b) = v.cast::<PyBytes>() {
        return Ok(Input::Bytes(b.as_bytes().to_vec()));
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be str or bytes, not {}",
        type_name(v)
    )))
}

/// Cleans one document.
fn clean_one(cleaner: &Cleaner, doc: &Input) -> Result<Record, Error> {
    match doc {
        Input::Text(t) => cleaner.clean(t),
        Input::Bytes(b) => cleaner.clean(b),
    }
}

/// A record as a dict with the record's keys in its field order (interned key
/// strings: this runs with the GIL held, so it is kept lean). The patterns
/// name every field, so a new field fails to compile here until it is added.
fn record_to_py<'py>(
    py: Python<'py>,
    rec: &Record,
    fields: FieldSet,
) -> PyResult<Bound<'py, PyDict>> {
    let Record {
        id,
        source,
        title,
        dateline,
        text,
        captions,
        credits,
        related,
        removed,
        fixes,
        encoding,
    } = rec;
    let d = PyDict::new(py);
    let on = |k: &str| fields.contains(k);
    if on("id") {
        d.set_item(intern!(py, "id"), id)?;
    }
    if on("source") {
        d.set_item(intern!(py, "source"), source)?;
    }
    if on("title") {
        d.set_item(intern!(py, "title"), title)?;
    }
    if on("dateline") {
        d.set_item(intern!(py, "dateline"), dateline)?;
    }
    if on("text") {
        d.set_item(intern!(py, "text"), text)?;
    }
    if on("captions") {
        d.set_item(intern!(py, "captions"), PyList::new(py, captions)?)?;
    }
    if on("credits") {
        d.set_item(intern!(py, "credits"), PyList::new(py, credits)?)?;
    }
    if on("related") {
        let items = PyList::empty(py);
        for Related { section, title } in related {
            let r = PyDict::new(py);
            r.set_item(intern!(py, "section"), section)?;
            r.set_item(intern!(py, "title"), title)?;
            items.append(r)?;
        }
        d.set_item(intern!(py, "related"), items)?;
    }
    if on("removed") {
        let items = PyList::empty(py);
        for Removed { rule, line, text } in removed {
            let r = PyDict::new(py);
            r.set_item(intern!(py, "rule"), rule)?;
            r.set_item(intern!(py, "line"), line)?;
            r.set_item(intern!(py, "text"), text)?;
            items.append(r)?;
        }
        d.set_item(intern!(py, "removed"), items)?;
    }
    if on("fixes") {
        let items = PyList::empty(py);
        for Fix {
            rule,
            line,
            before,
            after,
        } in fixes
        {
            let r = PyDict::new(py);
            r.set_item(intern!(py, "rule"), rule)?;
            r.set_item(intern!(py, "line"), line)?;
            r.set_item(intern!(py, "before"), before)?;
            r.set_item(intern!(py, "after"), after)?;
            items.append(r)?;
        }
        d.set_item(intern!(py, "fixes"), items)?;
    }
    if on("encoding") {
        d.set_item(intern!(py, "encoding"), encoding)?;
    }
    Ok(d)
}

/// The record fields a `fields=`/`no_audit=` pair asks for: `None` is every
/// field; a string is a comma-separated list, else an iterable of names.
fn field_set(fields: Option<&Bound<'_, PyAny>>, no_audit: bool) -> PyResult<FieldSet> {
    let Some(f) = fields.filter(|f| !f.is_none()) else {
        return Ok(if no_audit {
            FieldSet::without_audit()
        } else {
            FieldSet::ALL
        });
    };
    if no_audit {
        return Err(PyValueError::new_err("give fields or no_audit, not both"));
    }
    let spec = match f.cast::<PyString>() {
        Ok(s) => text_of(s)?,
        Err(_) => strings(f, "fields")?.join(","),
    };
    FieldSet::parse(&spec).map_err(PyValueError::new_err)
}

/// Pauses Python's cyclic garbage collector while a batch of records is built
/// (resumed on drop, also on error).
///
/// The records hold only strings and integers, so they make no cycles, but
/// allocating hundreds of thousands of dicts and lists triggers collection after
/// collection, each walking the whole heap, and all of it with the GIL held: in
/// a batch of 20,000 small documents that was most of the time other threads
/// were stalled. Nothing else runs Python meanwhile (the GIL is held
/// throughout), so the pause cannot be seen from outside.
struct GcPause<'py> {
    gc: Option<Bound<'py, PyModule>>,
}

impl<'py> GcPause<'py> {
    fn new(py: Python<'py>) -> Self {
        let gc = py.import("gc").ok().filter(|gc| {
            gc.call_method0("isenabled")
                .and_then(|on| on.is_truthy())
                .unwrap_or(false)
                && gc.call_method0("disable").is_ok()
        });
        GcPause { gc }
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        if let Some(gc) = &self.gc {
            let _ = gc.call_method0("enable");
        }
    }
}

/// Cleans one document (`str`, or `bytes` of any encoding) into a record dict.
///
/// `rules`: extra rule folders (like `--rules`); `disable`: rule ids to turn
/// off, of line and repair rules alike (`repair.nbsp`; like `--disable`);
/// `guess=False` is `--no-guess`. `id` and `source`
/// fill the record's (`""` when not given). `fields` (names, or a
/// comma-separated string) keeps only those keys, `no_audit=True` all but
/// `removed` and `fixes` (like `--fields`, `--no-audit`). Raises `ValueError` for an unknown rule id, a malformed rule file, a
/// binary or oversized document; `OSError` for an unreadable rule folder.
#[pyfunction]
#[pyo3(signature = (text, *, rules=None, disable=None, guess=None, id=None, source=None, fields=None, no_audit=None),
       text_signature = "(text, *, rules=None, disable=(), guess=True, id='', source='', fields=None, no_audit=False)")]
#[allow(clippy::too_many_arguments)]
fn clean<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    rules: Option<&Bound<'py, PyAny>>,
    disable: Option<&Bound<'py, PyAny>>,
    guess: Option<&Bound<'py, PyAny>>,
    id: Option<&Bound<'py, PyAny>>,
    source: Option<&Bound<'py, PyAny>>,
    fields: Option<&Bound<'py, PyAny>>,
    no_audit: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let doc = input(text, "text")?;
    let empty = pyo3::types::PyTuple::empty(py);
    let guess = flag(guess, "guess", true)?;
    let fields = field_set(fields, flag(no_audit, "no_audit", false)?)?;
    let id = optional_str(id, "id")?;
    let source = optional_str(source, "source")?;
    let c = cleaner(rules, disable.unwrap_or(empty.as_any()), guess)?;
    let mut rec = py.detach(|| clean_one(&c, &doc)).map_err(py_err)?;
    rec.id = id;
    rec.source = source;
    Ok(record_to_py(py, &rec, fields)?.into_any())
}

/// A `str` argument that may be left out or `None` (then `""`).
fn optional_str(v: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<String> {
    match v.filter(|v| !v.is_none()) {
        None => Ok(String::new()),
        Some(v) => v
            .cast::<PyString>()
            .map_err(|_| PyTypeError::new_err(format!("{what} must be str, not {}", type_name(v))))
            .and_then(|s| text_of(s)),
    }
}

/// Cleans many documents in parallel, with the GIL released, into a list of
/// record dicts in input order. Same options as `clean` but `id` and
/// `source`. `texts` is any iterable of `str`/`bytes`; an error names the
/// index of the document.
#[pyfunction]
#[pyo3(signature = (texts, *, rules=None, disable=None, guess=None, fields=None, no_audit=None),
       text_signature = "(texts, *, rules=None, disable=(), guess=True, fields=None, no_audit=False)")]
fn clean_batch<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    rules: Option<&Bound<'py, PyAny>>,
    disable: Option<&Bound<'py, PyAny>>,
    guess: Option<&Bound<'py, PyAny>>,
    fields: Option<&Bound<'py, PyAny>>,
    no_audit: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let fields = field_set(fields, flag(no_audit, "no_audit", false)?)?;
    if texts.is_instance_of::<PyString>() || texts.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(
            "texts must be a list (or other iterable) of str or bytes, not a single document; \
             use rinse.clean for one",
        ));
    }
    let iter = texts.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "texts must be an iterable of str or bytes, not {}",
            type_name(texts)
        ))
    })?;
    let mut docs = Vec::new();
    for (i, item) in iter.enumerate() {
        docs.push(input(&item?, &format!("texts[{i}]"))?);
    }
    let empty = pyo3::types::PyTuple::empty(py);
    let guess = flag(guess, "guess", true)?;
    let c = cleaner(rules, disable.unwrap_or(empty.as_any()), guess)?;
    // The inputs are consumed (and freed) without the GIL, too.
    let pool = pool()?;
    let values: Vec<Result<Record, Error>> = py
        .detach(move || pool.install(|| docs.into_par_iter().map(|d| clean_one(&c, &d)).collect()));
    let out = PyList::empty(py);
    let _paused = GcPause::new(py);
    for (i, v) in values.into_iter().enumerate() {
        match v {
            Ok(rec) => out.append(record_to_py(py, &rec, fields)?)?,
            Err(e) => {
                let err = py_err(e);
                let msg = format!("texts[{i}]: {}", err.value(py));
                return Err(if err.is_instance_of::<PyOSError>(py) {
                    PyOSError::new_err(msg)
                } else {
                    PyValueError::new_err(msg)
                });
            }
        }
    }
    Ok(out)
}

/// Repairs mis-encoded text (the repair stage alone) and returns it. Lines are
/// neither added nor removed; `guess=False` does not guess characters lost to
/// U+FFFD.
#[pyfunction]
#[pyo3(signature = (text, *, guess=None), text_signature = "(text, *, guess=True)")]
fn fix(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    guess: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let s = text
        .cast::<PyString>()
        .map_err(|_| PyTypeError::new_err(format!("text must be str, not {}", type_name(text))))?;
    let s = text_of(s)?;
    let opts = RepairOptions {
        guess: flag(guess, "guess", true)?,
        ..RepairOptions::default()
    };
    Ok(py.detach(|| repair::repair(&s, &opts).text))
}

/// The record's Arrow schema ([`crate::columnar::output_schema`]) as an
/// Arrow IPC stream without batches, which `rinse.arrow_schema()` reads with
/// pyarrow. `fields`/`no_audit` as for `clean`; `error_field` adds the
/// `error` column of `--on-error record` output.
#[pyfunction]
#[pyo3(signature = (*, fields=None, no_audit=None, error_field=None))]
fn arrow_schema_ipc<'py>(
    py: Python<'py>,
    fields: Option<&Bound<'py, PyAny>>,
    no_audit: Option<&Bound<'py, PyAny>>,
    error_field: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let fields = field_set(fields, flag(no_audit, "no_audit", false)?)?;
    let error_field = flag(error_field, "error_field", false)?;
    let schema = crate::columnar::output_schema(error_field, fields, None, "text");
    Ok(PyBytes::new(py, &crate::columnar::schema_ipc(&schema)))
}

/// rinse's Rust core: `clean`, `clean_batch`, `fix`, `arrow_schema_ipc`, and
/// `FIELDS`, the keys of a record in order.
#[pymodule(name = "_rinse")]
mod rinse_module {
    #[pymodule_export]
    use super::{arrow_schema_ipc, clean, clean_batch, fix};
    use pyo3::prelude::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("FIELDS", crate::record::FIELDS.to_vec())?;
        m.add("AUDIT_FIELDS", crate::record::AUDIT_FIELDS.to_vec())?;
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        Ok(())
    }
}
