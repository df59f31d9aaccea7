// The server's CPU per request (from /proc, Linux) for requests that do little, beside a case start: what HTTP,
// Fastify and the bearer's check cost before any engine runs. One process on a fresh SQLite file, the SOPs of
// processes/ deployed, `amount` requests of each over 8 connections.
// Usage: npm run build && node scripts/bench/request-floor.mjs [amount=3000]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startServer } from './lib/server.mjs';

const AMOUNT = Number(process.argv[2] ?? 3000);
const KEY = 'bkd-kalteng-konsultasi-ekinerja';
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'request-floor-'));
const server = await startServer({ databaseUrl: `sqlite:${path.join(workDir, 'floor.db')}`, workDir });
const auth = { authorization: `Bearer ${server.admin}` };
const requests = [
  ['GET /health', { method: 'GET', path: '/health' }],
  ['GET /health with a bearer', { method: 'GET', path: '/health', headers: auth }],
  [`GET /definitions/${KEY}`, { method: 'GET', path: `/definitions/${KEY}`, headers: auth }],
  [`POST /definitions/${KEY}/instances`, { method: 'POST', path: `/definitions/${KEY}/instances`, headers: { ...auth, 'content-type': 'application/json' }, body: '{}' }],
];
try {
  for (const [name, request] of requests) {
    const before = server.cpuMs();
    const r = await new Promise((resolve, reject) => autocannon({ url: server.base, connections: 8, amount: AMOUNT, requests: [request] }, (err, res) => (err ? reject(err) : resolve(res))));
    console.log(`${name}: ${((server.cpuMs() - before) / r.requests.total).toFixed(3)} ms of server CPU per request, ${(r['2xx'] / r.duration).toFixed(0)}/s, ${r.non2xx} non-2xx`);
  }
} finally {
  await server.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
}
