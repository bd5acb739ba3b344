// dave double-signs (dave and dave-twin hold the same session keys): the other validators'
// nodes report the equivocation, the offence is recorded, dave's stash is slashed with the
// slash pending for the deferral (`SlashDeferDuration` eras, during which Root may cancel
// it), dave is disabled, and the chain keeps finalizing. Returns 1 (throws otherwise).

const { finalized, sleep, until } = require('./rpc.js');

async function run (nodeName, networkInfo) {
  const { wsUri } = networkInfo.nodesByName[nodeName];
  const api = await zombie.connect(wsUri);
  const keyring = new zombie.Keyring({ type: 'sr25519' });
  // zombienet bonds each validator from //Name//stash, which is also its validator id.
  const dave = keyring.addFromUri('//Dave//stash').address;

  // Scan finalized blocks for the offence and dave's slash report.
  let next = 1;
  let offence = null;
  let reported = null;
  const deadline = Date.now() + 300_000;
  while (!offence || !reported) {
    if (Date.now() > deadline) throw new Error(`no offence (${!!offence}) or slash report (${!!reported}) in 300 s`);
    const head = (await finalized(wsUri)).number;
    for (; next <= head; next++) {
      const events = await api.query.system.events.at(await api.rpc.chain.getBlockHash(next));
      for (const { event } of events) {
        if (!offence && event.section === 'offences' && event.method === 'Offence') {
          offence = { block: next, kind: Buffer.from(event.data.kind.toU8a()).toString('latin1') };
        }
        if (!reported && event.section === 'staking' && event.method === 'SlashReported' &&
            event.data.validator.toString() === dave) {
          reported = { block: next, era: event.data.slashEra.toNumber(), fraction: event.data.fraction.toHuman() };
        }
      }
    }
    await sleep(1000);
  }
  console.log(`offence "${offence.kind}" recorded in #${offence.block}; dave slashed ${reported.fraction} for era ${reported.era} in #${reported.block}`);

  // The slash waits for the deferral; dave no longer takes part in this session.
  // pallet-staking queues it for the era after the deferral ends.
  const applyAt = reported.era + api.consts.staking.slashDeferDuration.toNumber() + 1;
  const pending = await api.query.staking.unappliedSlashes(applyAt);
  const slash = pending.find((s) => s.validator.toString() === dave);
  if (!slash) throw new Error(`no pending slash of dave for era ${applyAt}`);
  if (slash.own.toBigInt() <= 0n) throw new Error('the pending slash takes nothing');
  const validators = (await api.query.session.validators()).map((v) => v.toString());
  const disabled = (await api.query.session.disabledValidators()).map(([index]) => index.toNumber());
  if (!disabled.includes(validators.indexOf(dave))) throw new Error(`dave is not disabled: ${disabled}`);
  console.log(`pending: ${slash.own} of dave's own stake, applied in era ${applyAt}; dave disabled`);

  // The chain keeps finalizing with three honest validators.
  const after = await until(async () => {
    const head = await finalized(wsUri);
    return head.number >= reported.block + 10 ? head : null;
  });
  console.log(`finalized #${after.number}, 10 blocks past the report`);
  await api.disconnect();
  return 1;
}

module.exports = { run };
