//! The `rinse` command: a thin layer over the library that parses flags,
//! draws progress and reports.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
