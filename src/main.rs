//! The `rinse` command: a thin layer over the library that parses flags,
//! draws progress and reports.
//!
//! Nothing here prints with `println!` or `eprintln!`, which panic when the
//! stream is closed or full: reports go through `cli::to_stdout` (a write
//! error is exit status 2, a closed pipe ends quietly) and messages through
//! `cli::say` (a closed stderr never stops a run).
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod cli;

use std::process::ExitCode;

#[cfg(all(feature = "jemalloc", unix, not(target_os = "openbsd")))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    cli::main()
}
