// How many blocks the node finalizes in `seconds` (first argument, default 30).
// Used with `return is at least N` to show finality goes on.

const { finalized, sleep } = require('./rpc.js');

async function run (nodeName, networkInfo, args) {
  const seconds = Number(args[0] || 30);
  const { wsUri } = networkInfo.nodesByName[nodeName];
  const before = (await finalized(wsUri)).number;
  await sleep(seconds * 1000);
  const after = (await finalized(wsUri)).number;
  console.log(`${nodeName}: finalized #${before} -> #${after} in ${seconds} s`);
  return after - before;
}

module.exports = { run };
