//! `silkroute`: the command line over the silkroute pipeline
//! (feed → compile → query → present).

/// Prints a line to standard output; exits quietly (status 0) when the reader has gone away
/// (`silkroute ... | head`), instead of panicking on a broken pipe.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

/// Prints a line of prose wrapped to the output width (continuation lines indented).
macro_rules! tell {
    ($($arg:tt)*) => {{
        say!("{}", $crate::table::wrap(&format!($($arg)*), 4))
    }};
}

/// [`say!`] without the newline.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if write!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

mod args;
mod assign;
mod build;
mod compare;
mod context;
mod export;
mod failure;
mod import;
mod matrix;
mod places;
mod reach;
mod route;
mod serve;
mod table;
mod trip;
mod validate;
mod write;

use clap::Parser;
use failure::Failure;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Route(a) => route::run(&cli.feed, a),
        args::Command::Trip(a) => trip::run(&cli.feed, a),
        args::Command::Validate(a) => validate::run(a),
        args::Command::Places(a) => places::run(&cli.feed, a),
        args::Command::Export(a) => export::run(&cli.feed, a),
        args::Command::Matrix(a) => matrix::run(&cli.feed, a),
        args::Command::Reach(a) => reach::run(&cli.feed, a),
        args::Command::Compare(a) => compare::run(&cli.feed, a),
        args::Command::Assign(a) => assign::run(&cli.feed, a, false),
        args::Command::Critical(a) => assign::run(&cli.feed, a, true),
        args::Command::Scenarios(a) => context::list_scenarios(&cli.feed, a.json),
        args::Command::Serve(a) => serve::run(&cli.feed, a),
        args::Command::Openapi => {
            failure::print_json(&silkroute_server::openapi_document()).map(|_| ExitCode::SUCCESS)
        }
        args::Command::Build(a) => build::run(a),
        args::Command::Import(args::ImportCommand::Osm(a)) => import::osm(a),
        args::Command::Import(args::ImportCommand::Gtfs(a)) => import::gtfs(a),
        args::Command::Gen(a) => import::gen(a),
    };
    match result {
        Ok(code) => code,
        Err(Failure { code, error }) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {}", message_of(&error));
            ExitCode::from(code)
        }
    }
}

/// The error and its causes, `: `-separated, without a cause whose text the message already
/// holds (an error that names its source in its own message, as `path: io error` does, would
/// otherwise print the io error twice).
fn message_of(e: &anyhow::Error) -> String {
    let mut message = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    message
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
