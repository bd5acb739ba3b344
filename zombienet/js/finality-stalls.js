// Whether finality has stalled while blocks go on: after `settle` seconds (second argument,
// default 15; rounds already under way may still conclude), the node's finalized head must
// not move for `seconds` (first argument, default 30), and its best block must advance. With
// half the authorities down a slot may have no author, so if no block came in `seconds` the
// watch goes on (up to three times as long) until one does; finality must stay put all along.
// Returns 1 if so, 0 otherwise.

const { best, finalized, sleep } = require('./rpc.js');

async function run (nodeName, networkInfo, args) {
  const seconds = Number(args[0] || 30);
  const settle = Number(args[1] || 15);
  const { wsUri } = networkInfo.nodesByName[nodeName];
  await sleep(settle * 1000);
  const [f0, b0] = [(await finalized(wsUri)).number, await best(wsUri)];
  let [f1, b1, watched] = [f0, b0, 0];
  while (f1 === f0 && (watched < seconds || (b1 === b0 && watched < 3 * seconds))) {
    await sleep(1000);
    watched += 1;
    [f1, b1] = [(await finalized(wsUri)).number, await best(wsUri)];
  }
  console.log(`${nodeName}: in ${watched} s finalized #${f0} -> #${f1}, best #${b0} -> #${b1}`);
  return f1 === f0 && b1 > b0 ? 1 : 0;
}

module.exports = { run };
