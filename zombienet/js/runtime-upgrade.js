// A runtime upgrade of the running net, enacted by the chain's governance origin (Root: the
// `local` chain's sudo key, Alice), with work in flight across it:
//
// 1. before: wallet A shields 10 SBL from //Alice; A proves a private transfer of 4 SBL to
//    wallet B without submitting it; Alice creates a job on the genesis digits model;
// 2. upgrade: `sudo(system.authorize_upgrade(hash))` signed by Alice, then anyone submits
//    `system.apply_authorized_upgrade(code)` (unsigned, free) with the runtime one spec
//    version later ($SABLE_NEXT_RUNTIME, built by runtime/build.rs);
// 3. after: polkadot.js has fetched the new metadata (its `system.version` constant holds the
//    new spec version) and every node reports the new version; the transfer proved before
//    the upgrade is submitted and finalized, and B's wallet holds 4 SBL; Ferdie accepts and
//    proves the job and it completes; every node finalizes blocks past the upgrade.
// Returns 1 (throws on any difference).

const fs = require('fs');
const path = require('path');
const { finalized, rpc, until } = require('./rpc.js');
const { sable } = require('./sable-cli.js');

const UNIT = 10n ** 12n;
const DIGITS = path.join(__dirname, '../../models/digits');

async function run (nodeName, networkInfo) {
  // The e2e suite's polkadot.js helpers (an ES module, so imported, not required).
  const { finalize, findEvent } = await import('../../scripts/e2e/lib/submit.js');
  const { wsUri } = networkInfo.nodesByName[nodeName];
  const wasm = fs.readFileSync(process.env.SABLE_NEXT_RUNTIME);
  // As hex: polkadot.js reads a Uint8Array given for `Bytes` as already length-prefixed.
  const code = '0x' + wasm.toString('hex');
  const api = await zombie.connect(wsUri);
  const keyring = new zombie.Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const ferdie = keyring.addFromUri('//Ferdie');
  const specBefore = api.runtimeVersion.specVersion.toNumber();
  const dir = fs.mkdtempSync(path.join(networkInfo.tmpDir, 'upgrade-'));
  const [a, b, f] = ['a', 'b', 'ferdie'].map((name) => path.join(dir, name));

  // 1. Work started before the upgrade.
  sable(a, wsUri, 'keys', 'new');
  const { address } = sable(b, wsUri, 'keys', 'new');
  sable(a, wsUri, 'shield', String(10n * UNIT), '--from', '//Alice');
  const transfer = sable(a, wsUri, 'send', address, String(4n * UNIT), '--no-submit');
  const inputFile = path.join(dir, 'input.json');
  const { input } = JSON.parse(fs.readFileSync(path.join(DIGITS, 'example_input.json'), 'utf8'));
  fs.writeFileSync(inputFile, JSON.stringify({ input }));
  const { args } = sable(a, wsUri, 'job', 'create', '--model', '0', '--input', inputFile,
    '--payment', String(10n * UNIT), '--no-submit');
  const create = api.tx.proofOfInference.createJob(args.model_id, args.input, args.delivery,
    args.request, args.payment, args.deadline);
  const created = findEvent((await finalize(api, create, alice)).events, 'proofOfInference', 'JobCreated');
  const jobId = created.data.jobId.toNumber();
  console.log(`before the upgrade (spec ${specBefore}): transfer proved, job ${jobId} created`);

  // 2. The upgrade, through Root.
  const hash = zombie.util.blake2AsHex(wasm, 256);
  const authorize = api.tx.sudo.sudo(api.tx.system.authorizeUpgrade(hash));
  const authorized = await finalize(api, authorize, alice);
  if (!findEvent(authorized.events, 'system', 'UpgradeAuthorized')) throw new Error('no UpgradeAuthorized');
  if (!findEvent(authorized.events, 'sudo', 'Sudid').data.sudoResult.isOk) throw new Error('sudo call failed');
  const applied = await finalize(api, api.tx.system.applyAuthorizedUpgrade(code));
  if (!findEvent(applied.events, 'system', 'CodeUpdated')) throw new Error('no CodeUpdated');
  const upgradeBlock = (await api.rpc.chain.getHeader(applied.blockHash)).number.toNumber();
  console.log(`runtime of ${wasm.length} bytes enacted in #${upgradeBlock}`);

  // 3. After: the new version and metadata everywhere.
  const specAfter = specBefore + 1;
  await until(async () => api.runtimeVersion.specVersion.toNumber() === specAfter);
  await until(async () => api.consts.system.version.specVersion.toNumber() === specAfter);
  const pallets = (await api.rpc.state.getMetadata()).asLatest.pallets.length;
  console.log(`polkadot.js: spec ${api.runtimeVersion.specVersion}, metadata of ${pallets} pallets`);
  for (const node of networkInfo.relay) {
    const version = await until(async () => {
      const v = await rpc(node.wsUri, 'state_getRuntimeVersion');
      return v.specVersion === specAfter ? v : null;
    });
    console.log(`${node.name}: spec ${version.specVersion}`);
  }

  // The transfer proved before the upgrade settles after it.
  const moved = await finalize(api, api.tx(transfer.extrinsic));
  if (!findEvent(moved.events, 'zk', 'Transferred')) throw new Error('no zk.Transferred');
  const synced = sable(b, wsUri, 'sync');
  if (BigInt(synced.balance) !== 4n * UNIT) throw new Error(`B's balance ${synced.balance}`);

  // So does the job created before it.
  sable(f, wsUri, 'job', 'accept', String(jobId), '--from', '//Ferdie');
  const proofFile = path.join(dir, 'proof.json');
  const proven = sable(f, wsUri, 'job', 'prove', String(jobId), '--model-file',
    path.join(DIGITS, 'model.json'), '--from', '//Ferdie', '--out', proofFile);
  const submitted = await finalize(api, api.tx.proofOfInference.submitResult(jobId, proven.output, proven.proof), ferdie);
  const completed = findEvent(submitted.events, 'proofOfInference', 'JobCompleted');
  if (!completed) throw new Error(`job ${jobId} did not complete`);
  console.log(`after the upgrade: transfer finalized, B holds ${synced.balance}; job ${jobId} paid ${completed.data.paid}`);

  // Finality goes on past the upgrade on every node.
  for (const node of networkInfo.relay) {
    const head = await until(async () => {
      const f = await finalized(node.wsUri);
      return f.number >= upgradeBlock + 5 ? f : null;
    });
    console.log(`${node.name}: finalized #${head.number}`);
  }
  await api.disconnect();
  return 1;
}

module.exports = { run };
