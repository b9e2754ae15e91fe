//! The `rinse` command: a thin layer over the library that parses flags,
//! draws progress and reports.

mod cli;

use std::process::ExitCode;

#[cfg(all(feature = "jemalloc", unix, not(target_os = "openbsd")))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    cli::main()
}
