// The chain side and the report of scripts/bench-provider.sh, with the polkadot.js packages
// of scripts/e2e (installed from its lockfile):
//
//   node scripts/bench-provider.mjs fund URL COUNT SBL
//     //Alice sends SBL to each of //Client1 .. //ClientCOUNT in one utility.batchAll of
//     balances.transferKeepAlive and waits until it is finalized.
//   node scripts/bench-provider.mjs report URL OUT [--doc FILE] [--from BLOCK] [--key value ...]
//     Reads the requests the script recorded in OUT (PHASE.tsv: client, request, start,
//     end, exit status; PHASE/CLIENT-REQUEST.json and .log: the client's output), the
//     provider's log (OUT/provider.log: "job N: proven ... in M ms") and the job events of
//     blocks BLOCK.. on chain; prints the results as Markdown and, with --doc, puts them
//     between the bench-provider markers of FILE (the section is added if it is missing).
//     The numbers are kept in OUT/results.json.
//   node scripts/bench-provider.mjs render OUT [--doc FILE] [--key value ...]
//     The same from OUT/results.json, without the chain.

import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { finalize } from './e2e/lib/submit.js';

const require = createRequire(new URL('./e2e/package.json', import.meta.url));
const { ApiPromise, Keyring, WsProvider } = require('@polkadot/api');

const UNIT = 10n ** 12n;
const BEGIN = '<!-- bench-provider:begin (written by scripts/bench-provider.sh) -->';
const END = '<!-- bench-provider:end -->';
const HEADING = '## Provider: HTTP inference (x402) (`scripts/bench-provider.sh`)';

async function connect (url) {
  return ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true });
}

async function fund (url, count, sbl) {
  const api = await connect(url);
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const amount = BigInt(sbl) * UNIT;
  const clients = Array.from({ length: count }, (_, i) => keyring.addFromUri(`//Client${i + 1}`));
  const calls = clients.map((c) => api.tx.balances.transferKeepAlive(c.address, amount));
  const { blockHash } = await finalize(api, api.tx.utility.batchAll(calls), alice);
  const header = await api.rpc.chain.getHeader(blockHash);
  for (const client of clients) {
    const { data } = await api.query.system.account(client.address);
    if (data.free.toBigInt() < amount) throw new Error(`${client.address} has ${data.free} after the funding`);
  }
  console.log(`funded //Client1..//Client${count} with ${sbl} SBL each in finalized block #${header.number}`);
  await api.disconnect();
}

// ---- report ----

/** The nearest-rank percentile `p` (0..1) of `values`. */
function percentile (values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}
const median = (values) => percentile(values, 0.5);
const fmt = (x, digits = 1) => Number.isFinite(x) ? x.toFixed(digits) : '-';
const thousands = (x) => Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-';

function readRequests (out, phase) {
  const file = join(out, `${phase}.tsv`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => {
    const [client, request, start, end, status] = line.split('\t');
    const base = join(out, phase, `${client}-${request}`);
    const stdout = existsSync(`${base}.json`) ? readFileSync(`${base}.json`, 'utf8') : '';
    const stderr = existsSync(`${base}.log`) ? readFileSync(`${base}.log`, 'utf8') : '';
    let reply = null;
    try { reply = JSON.parse(stdout); } catch (_) { /* not JSON: a failure */ }
    const ok = status === '0' && reply !== null && reply.checked_on_chain === true;
    let jobId = reply?.job_id;
    if (jobId === undefined) {
      const named = stderr.match(/job (\d+)/);
      if (named) jobId = Number(named[1]);
    }
    const lastLine = stderr.trim().split('\n').filter(Boolean).pop() || stdout.trim().slice(0, 300);
    return {
      client: Number(client),
      request: Number(request),
      start: Number(start) * 1000,
      end: Number(end) * 1000,
      status: Number(status),
      ok,
      jobId,
      why: ok ? null : `exit ${status}: ${lastLine || '(no output)'}`
    };
  });
}

function proveTimes (out) {
  const times = new Map();
  const file = join(out, 'provider.log');
  if (!existsSync(file)) return times;
  for (const m of readFileSync(file, 'utf8').matchAll(/job (\d+): proven with \S+ in (\d+) ms/g)) {
    times.set(Number(m[1]), Number(m[2]));
  }
  return times;
}

/** Block number and timestamp (ms) of each job's creation, acceptance and end. */
async function timeline (url, from) {
  const api = await connect(url);
  const head = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
  const jobs = new Map();
  const blocks = [];
  const job = (id) => {
    if (!jobs.has(id)) jobs.set(id, {});
    return jobs.get(id);
  };
  for (let number = Math.max(1, from); number <= head; number++) {
    const hash = await api.rpc.chain.getBlockHash(number);
    const at = await api.at(hash);
    const [events, now] = await Promise.all([at.query.system.events(), at.query.timestamp.now()]);
    const time = now.toNumber();
    blocks.push({ number, time });
    for (const { event } of events) {
      if (event.section !== 'proofOfInference') continue;
      const id = event.data.jobId?.toNumber?.();
      if (id === undefined) continue;
      const seen = { block: number, time };
      if (event.method === 'JobCreated') job(id).created = seen;
      if (event.method === 'JobAccepted') job(id).accepted = seen;
      if (event.method === 'JobCompleted') job(id).completed = seen;
      if (event.method === 'JobExpired') job(id).expired = seen;
    }
  }
  await api.disconnect();
  return { jobs, blocks, head };
}

function phaseStats (requests, jobs, proofs) {
  if (requests.length === 0) return null;
  const ok = requests.filter((r) => r.ok);
  const start = Math.min(...requests.map((r) => r.start));
  const end = Math.max(...requests.map((r) => r.end));
  const wallMin = (end - start) / 60_000;
  const latency = ok.map((r) => (r.end - r.start) / 1000);
  const proofMs = requests.map((r) => proofs.get(r.jobId)).filter((x) => x !== undefined);
  const parts = { pay: [], accept: [], result: [], back: [], blocks: [] };
  for (const r of ok) {
    const j = jobs.get(r.jobId);
    if (!j?.created || !j.accepted || !j.completed) continue;
    parts.pay.push((j.created.time - r.start) / 1000);
    parts.accept.push((j.accepted.time - j.created.time) / 1000);
    parts.result.push((j.completed.time - j.accepted.time) / 1000);
    parts.back.push((r.end - j.completed.time) / 1000);
    parts.blocks.push(j.completed.block - j.created.block);
  }
  return {
    requests: requests.length,
    ok: ok.length,
    failed: requests.filter((r) => !r.ok),
    clients: new Set(requests.map((r) => r.client)).size,
    wallMin,
    p50: percentile(latency, 0.5),
    p95: percentile(latency, 0.95),
    max: Math.max(...latency),
    perMinute: ok.length / wallMin,
    proveMedian: median(proofMs),
    proveMax: Math.max(...proofMs),
    proverBusy: proofMs.reduce((a, b) => a + b, 0) / (end - start),
    parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, median(v)]))
  };
}

function render ({ meta, stats, warmup, blockInterval }) {
  const rows = [];
  const label = (s) => s.clients === 1 ? '1 (sequential)' : `${s.clients} concurrent`;
  rows.push('| clients | requests ok / failed | run | latency p50 | latency p95 (max) | settled jobs / min | proof, median (max) | prover busy |');
  rows.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of stats) {
    rows.push(`| ${label(s)} | ${s.ok} / ${s.failed.length} | ${fmt(s.wallMin)} min | ${fmt(s.p50)} s | ${fmt(s.p95)} s (${fmt(s.max)} s) | **${fmt(s.perMinute, 2)}** | ${thousands(s.proveMedian)} ms (${thousands(s.proveMax)} ms) | ${fmt(100 * s.proverBusy, 0)}% |`);
  }
  const parts = [];
  parts.push('| clients | request to `create_job` in a block | to `accept_job` in a block | to `submit_result` in a block | to the client\'s exit | blocks from `create_job` to `submit_result` |');
  parts.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const s of stats) {
    const p = s.parts;
    parts.push(`| ${label(s)} | ${fmt(p.pay)} s | ${fmt(p.accept)} s | ${fmt(p.result)} s | ${fmt(p.back)} s | ${fmt(p.blocks, 0)} |`);
  }
  const failures = stats.flatMap((s) => s.failed.map((r) => `- ${label(s)}, //Client${r.client} request ${r.request}${r.jobId !== undefined ? ` (job ${r.jobId})` : ''}: ${r.why}`));
  const proofs = stats.map((s) => s.proveMedian).filter(Number.isFinite);
  const prove = proofs.length ? Math.max(...proofs) / 1000 : NaN;
  const concurrent = stats.find((s) => s.clients > 1);
  const lines = [
    BEGIN,
    `Measured ${meta.date} by \`${meta.command}\` at commit ${meta.commit} (binaries built ${meta.built}),`,
    `on ${meta.cores} cores of ${meta.cpu}: load average ${meta.loadStart} at the start${meta.busy ? ` (${meta.busy})` : ''},`,
    `${meta.loadEnd} at the end. \`sable-node --dev --tmp\` (one validator, 6 s slots, GRANDPA),`,
    `\`sable-provider --dev\` (//Bob, the digits model 64 x 32 x 10 as model ${meta.model}) and the clients`,
    'all ran on this machine. A request is one `sable infer` process, from start to exit; it',
    'settled if it exited 0 with `"checked_on_chain": true`. Each client pays from its own account',
    `(//Client1, //Client2, ...) and sends its requests one after another: ${stats[0].requests} from one client${concurrent ? `, then ${concurrent.requests / concurrent.clients} from each of ${concurrent.clients} clients started at once` : ''}.`,
    'Percentiles are nearest-rank. Not counted: a first request while the provider builds its',
    `proving key (${fmt(warmup)} s).`,
    '',
    ...rows,
    '',
    `Median block interval ${fmt(blockInterval, 2)} s. Where a request's time went (medians; block timestamps of its job's events):`,
    '',
    ...parts,
    '',
    `Serialized proofs bound the rate at 60 / ${fmt(prove, 2)} s = ${fmt(60 / prove, 0)} jobs a minute.`,
    failures.length ? `\nFailures:\n\n${failures.join('\n')}` : 'No request failed.',
    END
  ];
  return lines.join('\n');
}

function record (doc, block) {
  let text = readFileSync(doc, 'utf8');
  const begin = text.indexOf(BEGIN.slice(0, 24));
  const end = text.indexOf(END);
  if (begin >= 0 && end > begin) {
    text = text.slice(0, begin) + block + text.slice(end + END.length);
  } else {
    const section = `${HEADING}\n\n${block}\n\n`;
    const before = text.indexOf('<!-- bench-zk:begin');
    text = before >= 0 ? text.slice(0, before) + section + text.slice(before) : `${text.trimEnd()}\n\n${section}`;
  }
  writeFileSync(doc, text);
}

async function report (url, out, options) {
  const phases = ['sequential', 'concurrent'];
  const proofs = proveTimes(out);
  const { jobs, blocks } = await timeline(url, Number(options.from || 1));
  const stats = phases.map((p) => phaseStats(readRequests(out, p), jobs, proofs)).filter(Boolean);
  const warm = readRequests(out, 'warmup')[0];
  const { doc, ...meta } = options;
  const results = {
    meta,
    stats,
    warmup: warm ? (warm.end - warm.start) / 1000 : null,
    blockInterval: median(blocks.slice(1).map((b, i) => (b.time - blocks[i].time) / 1000)),
    jobs: Object.fromEntries(jobs)
  };
  writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2));
  return show(results, doc);
}

/** Prints the results and, with `doc`, records them there; true if no request failed. */
function show (results, doc) {
  const block = render(results);
  console.log(block);
  if (doc) record(doc, block);
  return results.stats.every((s) => s.failed.length === 0);
}

function parseOptions (args) {
  const options = {};
  for (let i = 0; i < args.length; i += 2) {
    if (!args[i].startsWith('--')) throw new Error(`unexpected ${args[i]}`);
    options[args[i].slice(2)] = args[i + 1];
  }
  return options;
}

const [command, ...args] = process.argv.slice(2);
try {
  if (command === 'fund') {
    await fund(args[0], Number(args[1]), args[2]);
  } else if (command === 'report') {
    const clean = await report(args[0], args[1], parseOptions(args.slice(2)));
    process.exitCode = clean ? 0 : 3;
  } else if (command === 'render') {
    // Renders OUT/results.json again (--doc FILE to record it; --key value replaces meta.key).
    const { doc, ...meta } = parseOptions(args.slice(1));
    const results = JSON.parse(readFileSync(join(args[0], 'results.json'), 'utf8'));
    results.meta = { ...results.meta, ...meta };
    process.exitCode = show(results, doc) ? 0 : 3;
  } else {
    throw new Error('usage: bench-provider.mjs fund URL COUNT SBL | report URL OUT [--doc FILE] [--from BLOCK] ... | render OUT [--doc FILE] ...');
  }
} catch (error) {
  console.error(`bench-provider: ${error.message}`);
  process.exitCode = 1;
}
process.exit();
