// Starts a `sable-node --dev` of its own on free loopback ports, with its log in a file,
// and stops it when the tests end.

import { spawn } from 'node:child_process';
import { mkdtempSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A TCP port nobody listens on right now. */
export function freePort () {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One JSON-RPC call over HTTP (the RPC port serves both HTTP and WebSocket). */
export async function httpRpc (port, method, params = []) {
  const response = await fetch(`http://127.0.0.1:${port}`, {
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method, params }),
    headers: { 'Content-Type': 'application/json' },
    method: 'POST'
  });
  const reply = await response.json();
  if (reply.error) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
  return reply.result;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `binary --dev` and resolves once it has produced block 1.
 * Returns { url, rpcPort, log, stop }.
 */
export async function startDevNode (binary) {
  const dir = mkdtempSync(join(tmpdir(), 'sable-e2e-'));
  const log = join(dir, 'node.log');
  const [rpcPort, p2pPort] = [await freePort(), await freePort()];
  const out = openSync(log, 'a');
  const child = spawn(binary, [
    '--dev', '--base-path', join(dir, 'chain'),
    '--rpc-port', String(rpcPort), '--port', String(p2pPort),
    '--no-prometheus', '--no-telemetry', '--no-mdns'
  ], { stdio: ['ignore', out, out] });
  let exited = null;
  child.on('exit', (code, signal) => { exited = signal || code; });

  const started = Date.now();
  for (;;) {
    if (exited !== null) throw new Error(`sable-node exited (${exited}); see ${log}`);
    if (Date.now() - started > 120_000) {
      child.kill('SIGKILL');
      throw new Error(`sable-node produced no block in 120 s; see ${log}`);
    }
    try {
      const header = await httpRpc(rpcPort, 'chain_getHeader');
      if (parseInt(header.number, 16) >= 1) break;
    } catch (_) { /* not listening yet */ }
    await sleep(500);
  }
  return {
    log,
    rpcPort,
    stop: () => { if (exited === null) child.kill('SIGKILL'); },
    url: `ws://127.0.0.1:${rpcPort}`
  };
}
