// Runs Sable's command-line tools (`sable`, `sable-zk-prover`) and parses their JSON.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const LIMITS = { maxBuffer: 64 * 1024 * 1024, timeout: 300_000 };

/** `sable --output json --data-dir DIR --node URL ARGS`; resolves to its JSON. */
export async function sable (binary, { dataDir, node }, args) {
  try {
    const { stdout } = await run(binary,
      ['--output', 'json', '--data-dir', dataDir, '--node', node, ...args], LIMITS);
    return JSON.parse(stdout);
  } catch (error) {
    throw new Error(`sable ${args.join(' ')} failed: ${error.stdout || ''}${error.stderr || error.message}`);
  }
}

/** `sable-zk-prover COMMAND` with `stdin` as its input; resolves to its JSON. */
export function prover (binary, args, stdin = '') {
  return new Promise((resolve, reject) => {
    const child = execFile(binary, args, LIMITS, (error, stdout, stderr) => {
      if (error) reject(new Error(`sable-zk-prover ${args.join(' ')}: ${stdout}${stderr}`));
      else resolve(JSON.parse(stdout));
    });
    // A command that reads no input (`sample-job`) may exit before its input is written:
    // the write then fails with EPIPE. The exit status and output above decide the result.
    child.stdin.on('error', () => {});
    child.stdin.end(stdin);
  });
}
