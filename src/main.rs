//! The `powkg` binary: parse arguments, run the command, map the result to an exit code.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser as _;

/// Every allocation goes to mimalloc (bulk loads free batches of quads on other threads than made them, which
/// glibc's malloc serialises); those of query threads are also counted against their memory budget. The binary
/// chooses its allocator, not the library: a program embedding powkg keeps its own.
#[global_allocator]
static ALLOCATOR: powkg::query::sparql::Accounting<mimalloc::MiMalloc> =
    powkg::query::sparql::Accounting(mimalloc::MiMalloc);

fn main() -> ExitCode {
    survive_file_size_limit();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match commands::run(cli.command) {
        Ok(commands::Status::Success) => ExitCode::SUCCESS,
        Ok(commands::Status::Problems) => ExitCode::from(1),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

/// Past a file size limit (`ulimit -f`), the system sends SIGXFSZ, whose default action ends the process at once and
/// silently, leaving a half-written temporary file. Caught (by a handler that only sets a flag no one reads), the
/// signal does nothing and the write fails with EFBIG instead: an output error naming the file, exit 2, and the
/// temporary file removed like after any failed write.
fn survive_file_size_limit() {
    #[cfg(unix)]
    {
        static SEEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        // Registration fails only for signals that cannot be caught, which SIGXFSZ is not.
        let _ = signal_hook::flag::register(signal_hook::consts::SIGXFSZ, &SEEN);
    }
}
