// Runs the `sable` wallet CLI ($SABLE_BIN, else `sable` on PATH) against a node and parses its
// JSON output. Shared by the js-script steps of the .zndsl tests.

const { execFileSync } = require('child_process');

function sable (dataDir, wsUri, ...args) {
  const binary = process.env.SABLE_BIN || 'sable';
  const out = execFileSync(binary, ['--output', 'json', '--data-dir', dataDir, '--node', wsUri, ...args],
    { encoding: 'utf8', env: { ...process.env, SABLE_PASSPHRASE: '' }, maxBuffer: 1 << 26 });
  return JSON.parse(out);
}

module.exports = { sable };
