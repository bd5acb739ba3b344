// JSON-RPC over HTTP to a node of the network (zombienet hands scripts each node's ws URI;
// the same port serves HTTP). Shared by the js-script steps of the .zndsl tests.

const http = (wsUri) => wsUri.replace(/^ws/, 'http');

async function rpc (wsUri, method, params = []) {
  const response = await fetch(http(wsUri), {
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method, params }),
    headers: { 'Content-Type': 'application/json' },
    method: 'POST',
    signal: AbortSignal.timeout(10_000)
  });
  const reply = await response.json();
  if (reply.error) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
  return reply.result;
}

const number = (header) => parseInt(header.number, 16);

async function finalized (wsUri) {
  const hash = await rpc(wsUri, 'chain_getFinalizedHead');
  return { hash, number: number(await rpc(wsUri, 'chain_getHeader', [hash])) };
}

async function best (wsUri) {
  return number(await rpc(wsUri, 'chain_getHeader'));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every second until it returns a truthy value (which is returned). */
async function until (check) {
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (_) { /* a node restarting: try again */ }
    await sleep(1000);
  }
}

module.exports = { best, finalized, rpc, sleep, until };
