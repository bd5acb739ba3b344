//! The alert rules and the Grafana dashboard in `scripts/monitoring/` only use metrics that a
//! running node exports: every `sable_*` and `substrate_*` name they mention is served by a
//! `--dev` node's Prometheus endpoint (zero-valued series included). `up`, which Prometheus
//! itself makes, is the only other series they use.

mod common;

use std::{collections::BTreeSet, path::Path, time::Duration};

use common::Node;

/// Every metric name (`sable_...` or `substrate_...`) mentioned in `text`.
fn metric_names(text: &str) -> BTreeSet<String> {
	let is_name_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
	let mut names = BTreeSet::new();
	for (start, _) in text.char_indices() {
		let rest = &text[start..];
		let preceded_by_name = text[..start].chars().next_back().is_some_and(is_name_char);
		if preceded_by_name || !(rest.starts_with("sable_") || rest.starts_with("substrate_")) {
			continue;
		}
		let end = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
		names.insert(rest[..end].to_string());
	}
	names
}

/// Names of the series in a Prometheus text exposition.
fn exported_names(exposition: &str) -> BTreeSet<String> {
	exposition
		.lines()
		.filter(|line| !line.starts_with('#') && !line.is_empty())
		.filter_map(|line| line.split(['{', ' ']).next())
		.map(str::to_string)
		.collect()
}

fn read(relative: &str) -> String {
	let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative);
	std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn alerts_and_dashboard_use_only_exported_metrics() {
	let alerts = read("scripts/monitoring/alerts.yml");
	let dashboard = read("scripts/monitoring/grafana-dashboard.json");
	let parsed: serde_json::Value = serde_json::from_str(&dashboard).expect("dashboard is JSON");
	let panels = parsed["panels"].as_array().expect("panels");
	assert!(panels.len() >= 10, "the dashboard has its panels");
	for panel in panels {
		let targets = panel["targets"].as_array().map(Vec::len).unwrap_or(0);
		assert!(targets > 0, "panel {} queries something", panel["title"]);
	}

	let in_alerts = metric_names(&alerts);
	let in_dashboard = metric_names(&dashboard);
	// The scan itself works: the names these files are known to use are found.
	for name in ["substrate_block_height", "sable_zk_verifications_total", "sable_zk_pool_leaves"] {
		assert!(in_alerts.contains(name) || in_dashboard.contains(name), "{name} found");
	}
	assert!(in_alerts.len() >= 5 && in_dashboard.len() >= 12, "{in_alerts:?} {in_dashboard:?}");

	let dir = tempfile::Builder::new().prefix("sable-monitoring-").tempdir().expect("temp dir");
	let node = Node::start("dev-monitoring", dir.path(), &["--dev"]);
	node.wait_for("a finalized block", Duration::from_secs(120), |n| {
		n.finalized_number().unwrap_or(0) >= 1
	});
	let exported = exported_names(&node.metrics().expect("metrics endpoint answers"));
	let missing: Vec<_> = in_alerts
		.iter()
		.map(|name| ("alerts.yml", name))
		.chain(in_dashboard.iter().map(|name| ("grafana-dashboard.json", name)))
		.filter(|(_, name)| !exported.contains(*name))
		.collect();
	assert!(missing.is_empty(), "used but not exported: {missing:?}");
}

#[test]
fn the_scan_finds_names_and_only_names() {
	let names = metric_names(
		"rate(sable_zk_verifications_total{job=\"sable\"}[5m]) / my_sable_x + substrate_block_height",
	);
	assert_eq!(
		names.into_iter().collect::<Vec<_>>(),
		vec!["sable_zk_verifications_total".to_string(), "substrate_block_height".to_string()]
	);
}
