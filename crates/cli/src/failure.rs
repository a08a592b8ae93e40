//! Errors at the binary's edge, with their exit codes: 1 for a failure (invalid feed, no
//! route), 2 for bad usage or unknown input (unknown place, bad scenario).

/// An error and the exit code it maps to.
pub struct Failure {
    pub code: u8,
    pub error: anyhow::Error,
}

impl Failure {
    /// Exit code 1: the command ran but failed.
    pub fn failed(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: 1,
            error: error.into(),
        }
    }

    /// Exit code 2: the user asked for something that does not exist or makes no sense.
    pub fn usage(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: 2,
            error: error.into(),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::failed(e)
    }
}

/// Result of a command.
pub type CmdResult = Result<std::process::ExitCode, Failure>;

/// Prints a value as pretty JSON on standard output.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(Failure::failed)?;
    say!("{text}");
    Ok(())
}
