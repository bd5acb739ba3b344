// Waits until the node has finalized `blocks` (argument, default 3) more blocks than when
// the step started and returns the seconds it took (the step's comparison bounds them).

const { finalized, sleep } = require('./rpc.js');

async function run (nodeName, networkInfo, args) {
  const blocks = Number(args[0] || 3);
  const { wsUri } = networkInfo.nodesByName[nodeName];
  const started = Date.now();
  const before = (await finalized(wsUri)).number;
  let after = before;
  while (after < before + blocks) {
    await sleep(1000);
    after = (await finalized(wsUri)).number;
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`${nodeName}: finalized #${before} -> #${after} in ${seconds} s`);
  return seconds;
}

module.exports = { run };
