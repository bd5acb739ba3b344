// Waits until this node's finalized head reaches the highest finalized head among the other
// nodes at the time the step started, and that block is the same on both. Returns the
// number of seconds it took (the step's `within` bounds it).

const { finalized, rpc, until } = require('./rpc.js');

async function run (nodeName, networkInfo) {
  const started = Date.now();
  const others = networkInfo.relay.filter((node) => node.name !== nodeName);
  const heads = await Promise.all(others.map((node) => finalized(node.wsUri).catch(() => null)));
  const target = heads.filter(Boolean).reduce((a, b) => (b.number > a.number ? b : a));
  const { wsUri } = networkInfo.nodesByName[nodeName];
  await until(async () => (await finalized(wsUri)).number >= target.number);
  const hash = await rpc(wsUri, 'chain_getBlockHash', [target.number]);
  if (hash !== target.hash) {
    throw new Error(`${nodeName} finalized ${hash} at #${target.number}, the others ${target.hash}`);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`${nodeName}: caught up with finalized #${target.number} in ${seconds} s`);
  return seconds;
}

module.exports = { run };
