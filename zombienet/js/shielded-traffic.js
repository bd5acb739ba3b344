// Shielded traffic through one node, seen by all: wallet A shields 10 SBL from //Alice and
// sends 4 SBL privately to wallet B, both submitted to this node with the `sable` CLI
// ($SABLE_BIN) and followed to finality. Then every other node's zk RPC must serve the same
// note tree (root and leaves), report A's spent nullifier, and let a copy of B's wallet sync
// through it to exactly 4 SBL. Returns 1 (throws on any difference).

const fs = require('fs');
const path = require('path');
const { rpc, until } = require('./rpc.js');
const { sable } = require('./sable-cli.js');

const UNIT = 10n ** 12n;

async function run (nodeName, networkInfo) {
  const { wsUri } = networkInfo.nodesByName[nodeName];
  const dir = fs.mkdtempSync(path.join(networkInfo.tmpDir, 'wallets-'));
  const [a, b] = [path.join(dir, 'a'), path.join(dir, 'b')];
  sable(a, wsUri, 'keys', 'new');
  const { address } = sable(b, wsUri, 'keys', 'new');

  const shielded = sable(a, wsUri, 'shield', String(10n * UNIT), '--from', '//Alice');
  console.log(`shield finalized in #${shielded.block_number} via ${nodeName}`);
  const spentNullifier = sable(a, wsUri, 'notes').notes[0].nullifier;
  const sent = sable(a, wsUri, 'send', address, String(4n * UNIT));
  console.log(`private transfer finalized in #${sent.block_number} via ${nodeName}`);

  const state = await rpc(wsUri, 'zk_treeState');
  if (state.leafCount !== 4) throw new Error(`${nodeName}: ${state.leafCount} leaves, expected 4`);
  const leaves = await rpc(wsUri, 'zk_leaves', [0, 16]);

  for (const other of networkInfo.relay.filter((node) => node.name !== nodeName)) {
    // The other node has the blocks once it has finalized them.
    const theirs = await until(async () => {
      const s = await rpc(other.wsUri, 'zk_treeState');
      return s.leafCount === 4 ? s : null;
    });
    if (theirs.root !== state.root) throw new Error(`${other.name}: root ${theirs.root}, ${nodeName} has ${state.root}`);
    const page = await rpc(other.wsUri, 'zk_leaves', [0, 16]);
    if (JSON.stringify(page.leaves) !== JSON.stringify(leaves.leaves)) throw new Error(`${other.name}: other leaves`);
    if (!(await rpc(other.wsUri, 'zk_isSpent', [spentNullifier]))) throw new Error(`${other.name}: nullifier not spent`);
    // B's wallet, synced through this node, holds exactly what was sent.
    const copy = path.join(dir, `b-via-${other.name}`);
    fs.mkdirSync(copy);
    fs.copyFileSync(path.join(b, 'keys.json'), path.join(copy, 'keys.json'));
    const synced = sable(copy, other.wsUri, 'sync');
    if (BigInt(synced.balance) !== 4n * UNIT) throw new Error(`${other.name}: B's balance ${synced.balance}`);
    console.log(`${other.name}: same tree (root ${theirs.root}), nullifier spent, B's balance ${synced.balance}`);
  }
  return 1;
}

module.exports = { run };
