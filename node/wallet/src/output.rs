//! Printing a command's outcome: its text on stdout, or with `--output json` one JSON object
//! on stdout (errors as `{"error": "..."}`); errors exit with code 2.

use std::process::ExitCode;

use sable_wallet::error::Result;
use serde_json::json;

use crate::{cli::Output, commands::Reply};

/// The exit code of a command that failed.
const FAILED: u8 = 2;

/// Prints `outcome` in `format` and returns the process's exit code.
pub(crate) fn print(format: Output, outcome: Result<Reply>) -> ExitCode {
	match outcome {
		Ok(reply) => {
			match format {
				Output::Json => println!("{}", reply.json),
				Output::Text => println!("{}", reply.text),
			}
			ExitCode::SUCCESS
		},
		Err(error) => {
			match format {
				Output::Json => println!("{}", json!({ "error": error.to_string() })),
				Output::Text => eprintln!("error: {error}"),
			}
			ExitCode::from(FAILED)
		},
	}
}
