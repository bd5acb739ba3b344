// Seconds from this node's start (its first log line after late-join.sh's countdown) to
// "Warp sync is complete", read from its log; throws if it never warp-synced.

const fs = require('fs');
const path = require('path');

const time = (line) => Date.parse(line.slice(0, 19).replace(' ', 'T'));

async function run (nodeName, networkInfo) {
  const log = fs.readFileSync(path.join(networkInfo.tmpDir, `${nodeName}.log`), 'utf8').split('\n');
  const lines = log.filter((line) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /.test(line));
  const done = lines.find((line) => line.includes('Warp sync is complete'));
  if (!lines.length || !done) throw new Error(`${nodeName} did not warp-sync`);
  const seconds = (time(done) - time(lines[0])) / 1000;
  console.log(`${nodeName}: warp sync complete ${seconds} s after start`);
  return seconds;
}

module.exports = { run };
