'use strict';
// `cunji serve` for flow tests: a temporary directory with a database filled by `cunji
// seed-demo`, Alipay configured with fresh keys (lib/alipay.js signs its notifications), a free
// loopback port, ready once /healthz answers 200; stop() ends it and removes the directory.
// The binary is $CUNJI_BIN (default build/cunji of the repository); nothing here builds it.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { ROOT } = require('./output');
const { makeAlipayKeys } = require('./alipay');

const BIN = process.env.CUNJI_BIN || path.join(ROOT, 'build', 'cunji');
// Options every flow test's server gets, when the binary knows them (read from its --help):
// the pages' cookies without `Secure`, since the tests speak plain HTTP on loopback.
const WANTED_FLAGS = ['--insecure-cookies'];
// Always given; more from $CUNJI_SERVE_FLAGS (split on spaces) and the `flags` option.
const BASE_FLAGS = ['--threads', '2', '--quiet'];

// Servers still running when this process exits are killed with it.
const live = new Set();
process.on('exit', () => { for (const p of live) p.kill('SIGKILL'); });

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function knownFlags(bin) {
  const help = execFileSync(bin, ['--help'], { encoding: 'utf8' });
  return WANTED_FLAGS.filter(f => help.includes(f));
}

async function waitHealthy(url, proc, deadlineMs) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (proc.exitCode !== null) return false;
    try {
      const r = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return true;
    } catch { /* not listening yet */ }
    await new Promise(r => setTimeout(r, 100));
  }
  return false;
}

// Options: seed (default true: `cunji seed-demo`), alipay (default true), flags (extra serve
// options), bin. Resolves to { url, port, dir, db, log, flags, alipayPrivateKey, stop() }.
async function startCunji({ seed = true, alipay = true, flags = [], bin = BIN } = {}) {
  if (!fs.existsSync(bin)) throw new Error(`no cunji binary at ${bin} (build it, or set CUNJI_BIN)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cunji-web-'));
  const db = path.join(dir, 'cunji.db');
  if (seed) execFileSync(bin, ['seed-demo', '--db', db], { stdio: 'ignore' });
  const keys = alipay ? makeAlipayKeys(dir) : null;
  const all = [...BASE_FLAGS, ...knownFlags(bin), ...(keys ? keys.args : []),
    ...(process.env.CUNJI_SERVE_FLAGS || '').split(' ').filter(Boolean), ...flags];
  const log = path.join(dir, 'server.log');
  for (let attempt = 0; attempt < 5; attempt++) {  // the port may be taken in the meantime
    const port = await freePort();
    const out = fs.openSync(log, 'a');
    const proc = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, ...all],
      { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    const url = `http://127.0.0.1:${port}`;
    if (await waitHealthy(url, proc, 20000)) {
      return { url, port, dir, db, log, flags: all, alipayPrivateKey: keys && keys.alipayPrivateKey,
        stop: () => stop(proc, dir) };
    }
    await stop(proc, null);
  }
  throw new Error(`cunji serve did not start; its log: ${log}\n${fs.readFileSync(log, 'utf8').slice(-2000)}`);
}

// SIGTERM, then SIGKILL after 10 s; removes `dir` when given.
async function stop(proc, dir) {
  if (proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise(r => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

module.exports = { startCunji, BIN, BASE_FLAGS, WANTED_FLAGS };
