//! Where a run's records go: standard output, or a file written atomically
//! ([`Destination`]) and compressed according to its extension, or Parquet.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::Destination;
use crate::error::{Error, Result};

/// Compression of an output file, chosen by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// No compression.
    None,
    /// gzip (`.gz`).
    Gzip,
    /// Zstandard (`.zst`).
    Zstd,
}

impl Compression {
    /// The compression `path`'s extension asks for.
    pub fn from_path(path: &Path) -> Compression {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("gz") => Compression::Gzip,
            Some(e) if e.eq_ignore_ascii_case("zst") => Compression::Zstd,
            _ => Compression::None,
        }
    }
}

enum Sink {
    Discard,
    Stdout(BufWriter<io::Stdout>),
    Plain(Destination),
    Gzip(flate2::write::GzEncoder<Destination>),
    Zstd(zstd::stream::write::Encoder<'static, Destination>),
    #[cfg(feature = "parquet")]
    Parquet(Box<crate::columnar::ParquetSink<Destination>>),
    #[cfg(feature = "parquet")]
    ParquetStdout(Box<crate::columnar::ParquetSink<BufWriter<io::Stdout>>>),
}

/// Where records go: standard output, or a file ([`Destination`]: written
/// atomically, or in place when it is a FIFO or device) compressed according
/// to its extension (`.gz`, `.zst`).
pub struct Output {
    sink: Sink,
    name: PathBuf,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output").field("name", &self.name).finish()
    }
}

impl Output {
    /// Standard output.
    pub fn stdout() -> Self {
        Output {
            sink: Sink::Stdout(BufWriter::with_capacity(1 << 20, io::stdout())),
            name: PathBuf::from("<stdout>"),
        }
    }

    /// No output: records are serialised and dropped (attributes alone).
    pub fn discard() -> Self {
        Output {
            sink: Sink::Discard,
            name: PathBuf::from("<none>"),
        }
    }

    /// A file at `path`, written under a temporary name until [`Output::finish`];
    /// a path [`written_in_place`](super::written_in_place) (`/dev/stdout`, a FIFO) is written directly.
    pub fn create(path: &Path) -> Result<Self> {
        let file = Destination::create(path)?;
        let sink = match Compression::from_path(path) {
            Compression::None => Sink::Plain(file),
            Compression::Gzip => Sink::Gzip(flate2::write::GzEncoder::new(
                file,
                flate2::Compression::default(),
            )),
            Compression::Zstd => Sink::Zstd(
                zstd::stream::write::Encoder::new(file, 3).map_err(|e| Error::io(path, e))?,
            ),
        };
        Ok(Output {
            sink,
            name: path.to_path_buf(),
        })
    }

    /// Parquet with `schema` ([`crate::columnar::output_schema`]) to the
    /// file at `path` (as [`Output::create`] writes one), or to standard
    /// output when `path` is `None`. Takes records serialised by
    /// [`Format::Parquet`](super::Format::Parquet).
    #[cfg(feature = "parquet")]
    pub fn parquet(path: Option<&Path>, schema: arrow_schema::SchemaRef) -> Result<Self> {
        use crate::columnar::ParquetSink;
        let Some(path) = path else {
            let w = BufWriter::with_capacity(1 << 20, io::stdout());
            let sink = ParquetSink::new(w, schema).map_err(|e| Error::io("<stdout>", e))?;
            return Ok(Output {
                sink: Sink::ParquetStdout(Box::new(sink)),
                name: PathBuf::from("<stdout>"),
            });
        };
        let file = Destination::create(path)?;
        let sink = ParquetSink::new(file, schema).map_err(|e| Error::io(path, e))?;
        Ok(Output {
            sink: Sink::Parquet(Box::new(sink)),
            name: path.to_path_buf(),
        })
    }

    /// The output's name for messages (`<stdout>` or the final path).
    pub fn name(&self) -> &Path {
        &self.name
    }

    /// Flushes everything and, for a file, renames it to its final name.
    pub fn finish(self) -> Result<()> {
        let name = self.name;
        let err = |e| Error::io(&name, e);
        match self.sink {
            Sink::Discard => Ok(()),
            Sink::Stdout(mut w) => w.flush().map_err(err),
            Sink::Plain(f) => f.commit(),
            Sink::Gzip(g) => g.finish().map_err(err)?.commit(),
            Sink::Zstd(z) => z.finish().map_err(err)?.commit(),
            #[cfg(feature = "parquet")]
            Sink::Parquet(p) => p.finish().map_err(err)?.commit(),
            #[cfg(feature = "parquet")]
            Sink::ParquetStdout(p) => p.finish().and_then(|mut w| w.flush()).map_err(err),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Discard => Ok(buf.len()),
            Sink::Stdout(w) => w.write(buf),
            Sink::Plain(w) => w.write(buf),
            Sink::Gzip(w) => w.write(buf),
            Sink::Zstd(w) => w.write(buf),
            #[cfg(feature = "parquet")]
            Sink::Parquet(w) => w.write(buf),
            #[cfg(feature = "parquet")]
            Sink::ParquetStdout(w) => w.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.sink {
            Sink::Discard => Ok(()),
            Sink::Stdout(w) => w.write_all(buf),
            Sink::Plain(w) => w.write_all(buf),
            Sink::Gzip(w) => w.write_all(buf),
            Sink::Zstd(w) => w.write_all(buf),
            #[cfg(feature = "parquet")]
            Sink::Parquet(w) => w.write_all(buf),
            #[cfg(feature = "parquet")]
            Sink::ParquetStdout(w) => w.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Discard => Ok(()),
            Sink::Stdout(w) => w.flush(),
            Sink::Plain(w) => w.flush(),
            Sink::Gzip(w) => w.flush(),
            Sink::Zstd(w) => w.flush(),
            #[cfg(feature = "parquet")]
            Sink::Parquet(w) => w.flush(),
            #[cfg(feature = "parquet")]
            Sink::ParquetStdout(w) => w.flush(),
        }
    }
}
