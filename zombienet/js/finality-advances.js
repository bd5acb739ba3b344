// How many blocks are finalized in `seconds` (first argument, default 30), watched on the
// step's node and on any further nodes named in the other arguments over the same window.
// Returns the smallest advance among them; used with `return is at least N` to show that
// finality goes on everywhere at once, not only on the node that happened to be asked.

const { finalized, sleep } = require('./rpc.js');

async function run (nodeName, networkInfo, args) {
  const seconds = Number(args[0] || 30);
  const names = [nodeName, ...args.slice(1).filter((name) => name !== '')];
  const uris = names.map((name) => networkInfo.nodesByName[name].wsUri);
  const heads = () => Promise.all(uris.map(async (uri) => (await finalized(uri)).number));
  const before = await heads();
  await sleep(seconds * 1000);
  const after = await heads();
  names.forEach((name, i) => console.log(`${name}: finalized #${before[i]} -> #${after[i]} in ${seconds} s`));
  return Math.min(...names.map((_, i) => after[i] - before[i]));
}

module.exports = { run };
