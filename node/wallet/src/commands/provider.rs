//! `sable provider ...`: a proof-of-inference provider's bond (docs/poi.md, "Job lifecycle")
//! — register, bond-extra, unbond, withdraw — and its record.

use sable_wallet::{error::Result, poi::chain::PoiCall};
use serde_json::json;

use super::{account, send_poi, to_json, Context, Reply};
use crate::cli::ProviderCommand;

/// Runs a `provider` command.
pub(crate) async fn run(context: &Context, command: &ProviderCommand) -> Result<Reply> {
	match command {
		ProviderCommand::Register { bond, from } => {
			let call = PoiCall::register_provider { bond: *bond };
			send_poi(context, from, call, &format!("registered as a provider with bond {bond}"))
				.await
		},
		ProviderCommand::BondExtra { amount, from } => {
			let call = PoiCall::bond_extra { amount: *amount };
			send_poi(context, from, call, &format!("bonded {amount} more")).await
		},
		ProviderCommand::Unbond { amount, from } => {
			let call = PoiCall::unbond { amount: *amount };
			send_poi(context, from, call, &format!("unbonding {amount}")).await
		},
		ProviderCommand::Withdraw { from } => {
			send_poi(context, from, PoiCall::withdraw_unbonded {}, "withdrew the unbonded amount")
				.await
		},
		ProviderCommand::Show { account: ss58 } => {
			let who = account(ss58)?;
			let node = context.connect().await?;
			let Some(provider) = node.provider(&who).await? else {
				return Ok(Reply::new(json!(null), format!("{ss58} is not a provider")));
			};
			let jobs = node.provider_jobs(&who).await?;
			let mut json = to_json(&provider)?;
			json["jobs"] = json!(jobs);
			let text = format!(
				"provider {ss58}: bond {} ({} locked), {} open jobs, {} completed, {} expired, \
				 {} disputed, slashed {} times",
				provider.bond,
				provider.locked,
				provider.open_jobs,
				provider.completed,
				provider.expired,
				provider.disputed,
				provider.slashed
			);
			Ok(Reply::new(json, text))
		},
	}
}
