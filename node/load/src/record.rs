//! The `load-test` section of docs/PERFORMANCE.md (`sable-load record`): where and how the
//! load ran, then the table of its summaries.

use sable_report::section::Section;

/// How a recorded load test ran (`sable-load record`'s options).
#[derive(clap::Args)]
pub struct Run {
	/// The day it ran (`YYYY-MM-DD`).
	#[arg(long)]
	pub date: String,
	/// The commit it ran at.
	#[arg(long)]
	pub commit: String,
	/// What it ran against ("a dev node").
	#[arg(long)]
	pub network: String,
	/// The document's section it is recorded in (`load-test` for a dev node).
	#[arg(long, default_value = "load-test")]
	pub section: String,
	/// Blocks watched at rest before the load.
	#[arg(long)]
	pub idle_blocks: u64,
	/// Sending accounts of the balance transfers.
	#[arg(long)]
	pub accounts: usize,
	/// Seconds of balance transfers.
	#[arg(long)]
	pub duration: u64,
	/// Private transfers, sent singly and again in batches of 32.
	#[arg(long)]
	pub private: usize,
}

/// The section for `run` on `machine` (as [`machine`] describes it), showing `table`.
pub fn section(run: &Run, machine: &str, table: &str) -> Section {
	let Run { date, commit, network, section, idle_blocks, accounts, duration, private } = run;
	Section {
		name: section.clone(),
		note: Some("written by scripts/load-test.sh --record".into()),
		body: format!(
			"Measured {date} at commit {commit} against {network}, on\n\
			 {machine},\n\
			 with the load generator on the same machine: {idle_blocks} blocks watched at rest, \
			 then\n\
			 {accounts} accounts for {duration} s; {private}\n\
			 private transfers proved beforehand, sent singly, then {private} more in batches of \
			 32.\n\
			 \n\
			 {table}"
		),
	}
}

/// This machine: "N cores of MODEL", from the cores this process may use and the first
/// `model name` of /proc/cpuinfo.
pub fn machine() -> String {
	let cores = std::thread::available_parallelism()
		.map_or_else(|_| "an unknown number of".into(), |n| n.to_string());
	let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
	format!("{cores} cores of {}", cpu_model(&cpuinfo).unwrap_or("an unknown CPU"))
}

/// The first `model name` in /proc/cpuinfo text.
pub fn cpu_model(cpuinfo: &str) -> Option<&str> {
	cpuinfo.lines().find_map(|line| {
		let (key, value) = line.split_once(':')?;
		(key.trim() == "model name").then(|| value.trim())
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn reads_the_first_model_name() {
		let cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel\t\t: 85\n\
			model name\t: Intel(R) Xeon(R) Processor\nprocessor\t: 1\n\
			model name\t: Other: CPU\n";
		assert_eq!(cpu_model(cpuinfo), Some("Intel(R) Xeon(R) Processor"));
		assert_eq!(cpu_model("processor\t: 0\nmodel\t\t: 85\n"), None);
	}

	#[test]
	fn section_says_where_and_how_the_load_ran() {
		let run = Run {
			date: "2026-11-22".into(),
			commit: "9f7e2cf".into(),
			network: "a dev node".into(),
			section: "load-test".into(),
			idle_blocks: 100,
			accounts: 1000,
			duration: 60,
			private: 150,
		};
		let table = "| load |\n| --- |\n| balance transfers |\n";
		let section = section(&run, "2 cores of Intel(R) Xeon(R) Processor", table);
		assert_eq!(
			section.render(),
			"<!-- load-test:begin (written by scripts/load-test.sh --record) -->\n\
			 Measured 2026-11-22 at commit 9f7e2cf against a dev node, on\n\
			 2 cores of Intel(R) Xeon(R) Processor,\n\
			 with the load generator on the same machine: 100 blocks watched at rest, then\n\
			 1000 accounts for 60 s; 150\n\
			 private transfers proved beforehand, sent singly, then 150 more in batches of 32.\n\
			 \n\
			 | load |\n| --- |\n| balance transfers |\n\
			 <!-- load-test:end -->"
		);
	}

	#[test]
	fn replaces_the_recorded_section_of_a_document() {
		let run = Run {
			date: "2026-12-01".into(),
			commit: "abc1234".into(),
			network: "a dev node".into(),
			section: "load-test".into(),
			idle_blocks: 0,
			accounts: 10,
			duration: 5,
			private: 0,
		};
		let doc = "# Performance\n\n`--record` writes the table below.\n\n\
			<!-- load-test:begin (written by scripts/load-test.sh --record) -->\n\
			Measured 2026-11-22 at commit 9f7e2cf against a dev node, on\n| old |\n\
			<!-- load-test:end -->\n\n**What limits it.**\n";
		let written = section(&run, "1 cores of X", "| new |").replace_in(doc);
		assert_eq!(
			written.ok().as_deref(),
			Some(
				"# Performance\n\n`--record` writes the table below.\n\n\
				 <!-- load-test:begin (written by scripts/load-test.sh --record) -->\n\
				 Measured 2026-12-01 at commit abc1234 against a dev node, on\n1 cores of X,\n\
				 with the load generator on the same machine: 0 blocks watched at rest, then\n\
				 10 accounts for 5 s; 0\n\
				 private transfers proved beforehand, sent singly, then 0 more in batches of 32.\n\
				 \n| new |\n<!-- load-test:end -->\n\n**What limits it.**\n"
			)
		);
	}
}
