//! The `trustmap` binary: parses the command line, runs the library, prints the error chain and
//! maps the outcome to an exit code (0 ok, 1 problems in the inputs, 2 usage or setup error).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use trustmap::cli::Cli;
use trustmap::commands::{Outcome, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = run(cli, &mut out);
    let flushed = out.flush().map_err(trustmap::Error::Io);
    match result.and_then(|outcome| flushed.map(|()| outcome)) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(trustmap::Error::Io(e) | trustmap::Error::Write { cause: e, .. }) if is_broken_pipe(&e) => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let mut message = format!("error: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                message.push_str(&format!("\n  caused by: {cause}"));
                source = cause.source();
            }
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}
