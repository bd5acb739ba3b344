// No finalized block was reverted and no two nodes finalized different blocks: every block
// recorded by earlier `record` calls is still the one each node has at that height, below
// its finalized head; and all nodes agree on every height up to the lowest finalized head
// (heights a warp-synced node has not downloaded yet are skipped for that node).
// With the argument `record`, stores this node's finalized head for later checks instead.
// Returns 1 if consistent (throws otherwise).

const fs = require('fs');
const path = require('path');
const { finalized, rpc } = require('./rpc.js');

async function run (nodeName, networkInfo, args) {
  const file = path.join(networkInfo.tmpDir, 'finalized-record.json');
  const recorded = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : [];
  const nodes = networkInfo.relay;
  if (args[0] === 'record') {
    const head = await finalized(networkInfo.nodesByName[nodeName].wsUri);
    recorded.push({ ...head, node: nodeName });
    fs.writeFileSync(file, JSON.stringify(recorded));
    console.log(`recorded ${nodeName}'s finalized #${head.number} ${head.hash}`);
    return 1;
  }
  const heads = await Promise.all(nodes.map((node) => finalized(node.wsUri)));
  for (const { hash, node: who, number } of recorded) {
    for (const [i, node] of nodes.entries()) {
      if (heads[i].number < number) throw new Error(`${node.name} finalized #${heads[i].number}, below #${number} recorded on ${who}`);
      const now = await rpc(node.wsUri, 'chain_getBlockHash', [number]);
      if (now !== hash) throw new Error(`${node.name} has ${now} at #${number}; ${who} finalized ${hash}`);
    }
  }
  const lowest = Math.min(...heads.map((head) => head.number));
  for (let height = 1; height <= lowest; height++) {
    const hashes = await Promise.all(nodes.map((node) => rpc(node.wsUri, 'chain_getBlockHash', [height])));
    // A warp-synced node may not have downloaded old blocks yet (null): it cannot disagree.
    const known = hashes.filter((hash) => hash !== null);
    if (height === lowest && known.length !== hashes.length) throw new Error(`a node lacks its finalized #${height}`);
    if (new Set(known).size !== 1) throw new Error(`nodes disagree at finalized #${height}: ${hashes}`);
  }
  console.log(`${nodes.length} nodes agree on finalized #1..#${lowest}; ${recorded.length} recorded heads still final`);
  return 1;
}

module.exports = { run };
