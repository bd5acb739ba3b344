// Whether finality has stalled while blocks go on: after `settle` seconds (second argument,
// default 15; rounds already under way may still conclude), the node's finalized head must
// not move for `seconds` (first argument, default 30) while its best block advances.
// Returns 1 if so, 0 otherwise.

const { best, finalized, sleep } = require('./rpc.js');

async function run (nodeName, networkInfo, args) {
  const seconds = Number(args[0] || 30);
  const settle = Number(args[1] || 15);
  const { wsUri } = networkInfo.nodesByName[nodeName];
  await sleep(settle * 1000);
  const [f0, b0] = [(await finalized(wsUri)).number, await best(wsUri)];
  await sleep(seconds * 1000);
  const [f1, b1] = [(await finalized(wsUri)).number, await best(wsUri)];
  console.log(`${nodeName}: in ${seconds} s finalized #${f0} -> #${f1}, best #${b0} -> #${b1}`);
  return f1 === f0 && b1 > b0 ? 1 : 0;
}

module.exports = { run };
