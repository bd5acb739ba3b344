// polkadot.js against a Sable dev node it starts itself: plain metadata-driven connection,
// a balances transfer, shielded calls whose proofs come from the `sable` CLI, a
// proof-of-inference job on the genesis digits model (request and proof from the CLI, calls
// from polkadot.js), the custom RPC, and refusal of malformed zk extrinsics.
// Run through ../run.sh (which finds the binaries) or `npm test` with SABLE_NODE_BIN,
// SABLE_BIN and SABLE_PROVER_BIN set.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { merkleizeMetadata } from '@polkadot-api/merkleize-metadata';
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { httpRpc, startDevNode } from '../lib/dev-node.js';
import { sable } from '../lib/sable-cli.js';
import { finalize, findEvent } from '../lib/submit.js';
import { rpc } from '../rpc.js';

const release = join(process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/sable-target'), 'release');
const BIN = {
  node: process.env.SABLE_NODE_BIN || join(release, 'sable-node'),
  prover: process.env.SABLE_PROVER_BIN || join(release, 'sable-zk-prover'),
  sable: process.env.SABLE_BIN || join(release, 'sable')
};

const UNITS = 10n ** 12n;

describe('polkadot.js against a dev node', () => {
  let node, provider, api, alice, bob, walletA, walletB;
  const work = mkdtempSync(join(tmpdir(), 'sable-e2e-work-'));

  before(async () => {
    await cryptoWaitReady();
    node = await startDevNode(BIN.node);
    // No custom types and no rpc definitions: everything comes from the runtime's metadata.
    provider = new WsProvider(node.url);
    api = await ApiPromise.create({ noInitWarn: true, provider });
    const keyring = new Keyring({ type: 'sr25519' });
    alice = keyring.addFromUri('//Alice');
    bob = keyring.addFromUri('//Bob');
    walletA = { dataDir: join(work, 'wallet-a'), node: node.url };
    walletB = { dataDir: join(work, 'wallet-b'), node: node.url };
    await sable(BIN.sable, walletA, ['keys', 'new']);
    await sable(BIN.sable, walletB, ['keys', 'new']);
  });

  after(async () => {
    await api?.disconnect();
    node?.stop();
  });

  test('connects from metadata alone', async () => {
    assert.ok(api.runtimeMetadata.version >= 15, `metadata v${api.runtimeMetadata.version}`);
    assert.equal(api.runtimeVersion.specName.toString(), 'sable');
    assert.equal(api.genesisHash.toHex(), await httpRpc(node.rpcPort, 'chain_getBlockHash', [0]));
    for (const call of [api.tx.zk.shield, api.tx.zk.transfer, api.tx.proofOfInference.createJob]) {
      assert.equal(typeof call, 'function');
    }
    // The signed extensions polkadot.js will build are the runtime's.
    const declared = api.runtimeMetadata.asLatest.extrinsic.transactionExtensions ??
      api.runtimeMetadata.asLatest.extrinsic.signedExtensions;
    assert.deepEqual(
      api.registry.signedExtensions,
      declared.map((e) => e.identifier.toString())
    );
    // Without `rpc:` definitions the custom methods are not decorated.
    assert.equal(api.rpc.zk, undefined);
  });

  test('a balances transfer is finalized and its fee matches paymentInfo', async () => {
    const dest = new Keyring({ type: 'sr25519' }).addFromUri('//E2E-Transfer-Dest').address;
    const amount = 3n * UNITS;
    const tx = api.tx.balances.transferKeepAlive(dest, amount);
    const { partialFee } = await tx.paymentInfo(alice);
    assert.ok(partialFee.toBigInt() > 0n);

    const { blockHash, events } = await finalize(api, tx, alice);
    const paid = findEvent(events, 'transactionPayment', 'TransactionFeePaid');
    assert.ok(paid, 'TransactionFeePaid');
    const actualFee = paid.data.actualFee.toBigInt();
    assert.ok(actualFee > 0n && actualFee <= partialFee.toBigInt(),
      `fee ${actualFee} vs estimate ${partialFee}`);
    const transfer = findEvent(events, 'balances', 'Transfer');
    assert.equal(transfer.data.amount.toBigInt(), amount);

    const parent = (await api.rpc.chain.getHeader(blockHash)).parentHash;
    const [before, after] = await Promise.all([
      api.query.system.account.at(parent, alice.address),
      api.query.system.account.at(blockHash, alice.address)
    ]);
    assert.equal(before.data.free.toBigInt() - after.data.free.toBigInt(), amount + actualFee);
    const received = await api.query.system.account.at(blockHash, dest);
    assert.equal(received.data.free.toBigInt(), amount);
  });

  test('a transfer signed over the metadata hash (CheckMetadataHash mode 1) is accepted; a wrong hash is refused', async () => {
    // What an offline signer does: merkleize the metadata it was shown (RFC 78) and sign
    // over its digest; the runtime adds the hash built into it and the signature only
    // checks if the two agree.
    assert.ok(api.registry.signedExtensions.includes('CheckMetadataHash'));
    const opaque = await api.call.metadata.metadataAtVersion(15);
    const metadataHash = u8aToHex(
      merkleizeMetadata(opaque.unwrap().toU8a(true), { decimals: 12, tokenSymbol: 'SBL' }).digest()
    );
    const dest = new Keyring({ type: 'sr25519' }).addFromUri('//E2E-Metadata-Hash').address;
    const { events } = await finalize(
      api, api.tx.balances.transferKeepAlive(dest, UNITS), alice, { metadataHash, mode: 1 }
    );
    assert.equal(findEvent(events, 'balances', 'Transfer').data.amount.toBigInt(), UNITS);

    const wrong = u8aToHex(new Uint8Array(32).fill(0x11));
    await assert.rejects(
      finalize(api, api.tx.balances.transferKeepAlive(dest, UNITS), alice, { metadataHash: wrong, mode: 1 }),
      /bad signature/i
    );
    const account = await api.query.system.account(dest);
    assert.equal(account.data.free.toBigInt(), UNITS, 'the refused transfer moved nothing');
  });

  const shielded = 5n * UNITS;

  test('zk.shield with the CLI\'s proof, signed and submitted by polkadot.js', async () => {
    const prepared = await sable(BIN.sable, walletA, ['shield', String(shielded), '--no-submit']);
    assert.equal(prepared.call, 'shield');
    const tx = api.tx.zk.shield(prepared.payload);
    // polkadot.js encodes the CLI's payload into exactly the CLI's call.
    assert.ok(tx.method.toHex() === prepared.call_data, 'polkadot.js encodes the same call');

    const { leafCount } = await httpRpc(node.rpcPort, 'zk_treeState');
    const { events } = await finalize(api, tx, alice);
    const event = findEvent(events, 'zk', 'Shielded');
    assert.ok(event, 'zk.Shielded');
    assert.equal(event.data.who.toString(), alice.address);
    assert.equal(event.data.value.toBigInt(), shielded);
    assert.equal(event.data.notes.firstIndex.toNumber(), leafCount);
    assert.deepEqual(event.data.notes.commitments.map((c) => c.toHex()),
      prepared.payload.public_inputs.commitments);

    const synced = await sable(BIN.sable, walletA, ['sync']);
    assert.deepEqual(synced.received, [leafCount]);
    assert.equal(BigInt(synced.balance), shielded);
  });

  const sent = 2n * UNITS;
  let transfer;
  let transferFee;

  test('malformed zk extrinsics are refused with a readable error; the chain goes on', async () => {
    const { address } = await sable(BIN.sable, walletB, ['keys', 'show']);
    // The CLI offers the chain's price of a transfer (what a signed transaction of its length
    // and weight pays), read here through the runtime API, plus 1% (docs/zk.md, "Fees and
    // priority"). The price follows the fee multiplier, which moves every block, so the CLI's
    // offer lies between the offers made from the prices before and after it ran.
    const price = async () => (await api.call.zkApi.minimumFee('Transfer')).unwrap().toBigInt();
    const offer = (p) => p + (p + 99n) / 100n;
    const priceBefore = await price();
    transfer = await sable(BIN.sable, walletA, ['send', address, String(sent), '--no-submit']);
    const priceAfter = await price();
    assert.equal(transfer.call, 'transfer');
    assert.ok(priceAfter > 10n ** 10n, `a transfer of about 5 KB costs more than 0.01 SBL: ${priceAfter}`);
    transferFee = BigInt(transfer.payload.public_inputs.fee);
    const [low, high] = priceBefore < priceAfter ? [priceBefore, priceAfter] : [priceAfter, priceBefore];
    assert.ok(offer(low) <= transferFee && transferFee <= offer(high),
      `the CLI offers ${transferFee}, the chain's price plus 1% is ${offer(priceBefore)}..${offer(priceAfter)}`);

    // One flipped proof byte: the pool refuses it (docs/zk.md: 13, the proof does not verify).
    const proof = Buffer.from(transfer.payload.proof.slice(2), 'hex');
    proof[100] ^= 1;
    const tampered = { ...transfer.payload, proof: '0x' + proof.toString('hex') };
    await assert.rejects(api.tx.zk.transfer(tampered).send(),
      /1010: Invalid Transaction: Custom error: 13/);

    // Public inputs that do not belong to the proof (another fee): also refused.
    const refee = { ...transfer.payload, public_inputs: { ...transfer.payload.public_inputs, fee: String(2n * transferFee) } };
    await assert.rejects(api.tx.zk.transfer(refee).send(), /1010: Invalid Transaction/);

    // An anchor the chain never had (an expired one is refused the same way): code 4, the
    // refusal on which the CLI syncs and proves again.
    const reanchored = { ...transfer.payload, public_inputs: { ...transfer.payload.public_inputs, anchor: '0x' + '07'.repeat(32) } };
    await assert.rejects(api.tx.zk.transfer(reanchored).send(),
      /1010: Invalid Transaction: Custom error: 4/);

    // The valid proof with one byte appended (a new extrinsic hash, the same nullifiers):
    // refused before verification (code 16, not exactly a transfer proof's length).
    const padded = { ...transfer.payload, proof: transfer.payload.proof + '00' };
    await assert.rejects(api.tx.zk.transfer(padded).send(),
      /1010: Invalid Transaction: Custom error: 16/);

    // A proof longer than the runtime's bound (4,992 bytes, the longest registered proof,
    // poi_inference_64x32x16_v4's): polkadot.js encodes it, the runtime cannot decode it
    // (docs/zk.md, "Refusal codes": 1002).
    const oversized = { ...transfer.payload, proof: '0x' + '00'.repeat(4992 + 1) };
    await assert.rejects(api.tx.zk.transfer(oversized).send(), /1002: Verification Error/);
    // Bytes that are no extrinsic at all, sent raw (polkadot.js would not encode them).
    await assert.rejects(provider.send('author_submitExtrinsic', ['0x10deadbeef']),
      /1002: Verification Error/);

    // Nothing was applied, and blocks keep coming.
    const { number: before } = await api.rpc.chain.getHeader();
    const { leafCount } = await httpRpc(node.rpcPort, 'zk_treeState');
    assert.equal(leafCount, 2);
    await new Promise((resolve) => {
      const unsubscribe = api.rpc.chain.subscribeNewHeads((header) => {
        if (header.number.toNumber() >= before.toNumber() + 2) {
          unsubscribe.then((u) => u());
          resolve();
        }
      });
    });
  });

  test('an unsigned zk.transfer made by the CLI is submitted by polkadot.js', async () => {
    // polkadot.js builds, from the CLI's payload, byte for byte the CLI's unsigned extrinsic.
    const built = api.tx.zk.transfer(transfer.payload);
    assert.ok(built.method.toHex() === transfer.call_data, 'the same call');
    assert.ok(built.toHex() === transfer.extrinsic, 'the same unsigned extrinsic');
    // The CLI's extrinsic, decoded by polkadot.js and submitted unsigned.
    const tx = api.tx(transfer.extrinsic);
    assert.equal(tx.isSigned, false);
    assert.equal(`${tx.method.section}.${tx.method.method}`, 'zk.transfer');

    const { events } = await finalize(api, tx);
    const event = findEvent(events, 'zk', 'Transferred');
    assert.ok(event, 'zk.Transferred');
    assert.equal(event.data.fee.toBigInt(), transferFee);

    const b = await sable(BIN.sable, walletB, ['sync']);
    assert.equal(BigInt(b.balance), sent);
    const a = await sable(BIN.sable, walletA, ['sync']);
    assert.equal(BigInt(a.balance), shielded - sent - transferFee);
    assert.equal(a.spent.length, 1, 'the shielded note is now seen spent');
  });

  test('the custom RPC methods work from polkadot.js with rpc definitions', async () => {
    const rpcApi = await ApiPromise.create({ noInitWarn: true, provider: new WsProvider(node.url), rpc });
    try {
      const state = (await rpcApi.rpc.zk.treeState()).toJSON();
      assert.equal(state.leafCount, 4);
      assert.deepEqual(state, await httpRpc(node.rpcPort, 'zk_treeState'));
      assert.equal((await rpcApi.rpc.zk.isKnownAnchor(state.root)).isTrue, true);
      const page = (await rpcApi.rpc.zk.leaves(0, 10)).toJSON();
      assert.equal(page.leaves.length, 4);
      assert.equal(page.leaves[2].commitment, transfer.payload.public_inputs.commitments[0]);
      // Each leaf carries the nullifier its action revealed in the same slot (docs/zk.md,
      // "Wallet sync").
      assert.deepEqual([page.leaves[2].nullifier, page.leaves[3].nullifier],
        transfer.payload.public_inputs.nullifiers);
      for (const nullifier of transfer.payload.public_inputs.nullifiers) {
        assert.equal((await rpcApi.rpc.zk.isSpent(nullifier)).isTrue, true);
      }
      assert.equal((await rpcApi.rpc.zk.isSpent('0x' + '11'.repeat(32))).isTrue, false);
      assert.equal(BigInt((await rpcApi.rpc.zk.poolTotal()).toString()), shielded - transferFee);
      const missing = await rpcApi.rpc.poi.job(999);
      assert.equal(missing.isNone, true);
      assert.equal(missing.toJSON(), null);
      assert.deepEqual((await rpcApi.rpc.poi.providerJobs(bob.address)).toJSON(), []);
    } finally {
      await rpcApi.disconnect();
    }
  });

  test('a proof-of-inference job on the genesis digits model, created and settled from polkadot.js', async () => {
    const rpcApi = await ApiPromise.create({ noInitWarn: true, provider: new WsProvider(node.url), rpc });
    try {
      // Model 0 from genesis: Ferdie's handwritten-digits model, proven by circuit 4.3.
      const ferdie = new Keyring({ type: 'sr25519' }).addFromUri('//Ferdie');
      const model = (await rpcApi.rpc.poi.model(0)).toJSON();
      assert.equal(model.provider, ferdie.address);
      assert.deepEqual([model.kind, model.circuit, model.circuitVersion], ['inference', 4, 3]);
      assert.equal((await rpcApi.rpc.poi.model(999)).isNone, true);

      // The client's request and commitments come from the CLI, which keeps the secrets;
      // polkadot.js builds exactly the CLI's call from its arguments, signs and submits it.
      const digits = join(import.meta.dirname, '../../../models/digits');
      const modelJson = JSON.parse(readFileSync(join(digits, 'model.json'), 'utf8'));
      const { input } = JSON.parse(readFileSync(join(digits, 'example_input.json'), 'utf8'));
      const inputFile = join(work, 'input.json');
      writeFileSync(inputFile, JSON.stringify({ input }));
      const payment = 10n * UNITS;
      const prepared = await sable(BIN.sable, walletA, ['job', 'create', '--model', '0',
        '--input', inputFile, '--payment', String(payment), '--no-submit']);
      const { args } = prepared;
      assert.equal(prepared.call, 'create_job');
      const create = api.tx.proofOfInference.createJob(args.model_id, args.input, args.delivery,
        args.request, args.payment, args.deadline);
      assert.ok(create.method.toHex() === prepared.call_data, 'polkadot.js encodes the same call');
      const created = findEvent((await finalize(api, create, alice)).events, 'proofOfInference', 'JobCreated');
      assert.ok(created, 'JobCreated');
      const jobId = created.data.jobId.toNumber();
      assert.equal(created.data.client.toString(), alice.address);
      assert.equal(created.data.modelId.toNumber(), 0);
      assert.equal(created.data.payment.toBigInt(), payment);
      let job = (await rpcApi.rpc.poi.job(jobId)).toJSON();
      assert.equal(job.status.state, 'open');
      assert.deepEqual([job.input, job.delivery, job.request], [args.input, args.delivery, args.request]);
      assert.equal(job.provider, ferdie.address);

      // Ferdie opens and checks the request and accepts with the CLI, then proves.
      const walletF = { dataDir: join(work, 'wallet-ferdie'), node: node.url };
      await sable(BIN.sable, walletF, ['job', 'accept', String(jobId), '--from', '//Ferdie']);
      assert.deepEqual((await rpcApi.rpc.poi.providerJobs(ferdie.address)).toJSON(), [jobId]);
      const proofFile = join(work, 'proof.json');
      const proven = await sable(BIN.sable, walletF, ['job', 'prove', String(jobId), '--model-file',
        join(digits, 'model.json'), '--from', '//Ferdie', '--out', proofFile]);
      assert.equal(proven.circuit, 'poi_inference_64x32x10_v3');
      assert.equal((await rpcApi.rpc.poi.job(jobId)).toJSON().status.state, 'accepted');

      // polkadot.js submits the result; it settles on the proof alone.
      const submit = api.tx.proofOfInference.submitResult(jobId, proven.output, proven.proof);
      const { events } = await finalize(api, submit, ferdie);
      const completed = findEvent(events, 'proofOfInference', 'JobCompleted');
      assert.ok(completed, 'JobCompleted');
      assert.equal(completed.data.provider.toString(), ferdie.address);
      assert.deepEqual(completed.data.output.map((e) => e.toHex()), proven.output);
      assert.equal(completed.data.fee.toBigInt(), payment * 2n / 100n);
      assert.equal(completed.data.paid.toBigInt() + completed.data.fee.toBigInt(), payment);
      assert.equal(findEvent(events, 'proofOfInference', 'ResultSubmitted'), undefined);

      job = (await rpcApi.rpc.poi.job(jobId)).toJSON();
      assert.equal(job.status.state, 'completed');
      assert.deepEqual(job.result, proven.output);
      assert.equal(job.request, null);
      const record = (await rpcApi.rpc.poi.provider(ferdie.address)).toJSON();
      assert.equal(record.locked, '0');
      assert.equal(record.openJobs, 0);

      // The client decrypts exactly the integer model's output on its image, a "2".
      const hidden = modelJson.w1.map((row, i) => Math.min(Math.floor(Math.max(
        modelJson.b1[i] + row.reduce((sum, w, j) => sum + w * input[j], 0), 0) / modelJson.divisor), 127));
      const expected = modelJson.w2.map((row, k) =>
        modelJson.b2[k] + row.reduce((sum, w, i) => sum + w * hidden[i], 0));
      const result = await sable(BIN.sable, walletA, ['job', 'result', String(jobId)]);
      assert.deepEqual(result.output, expected);
      assert.equal(result.class, modelJson.example.label);
    } finally {
      await rpcApi.disconnect();
    }
  });
});
