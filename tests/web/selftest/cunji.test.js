'use strict';
// startCunji against a stand-in binary (fixtures/fake_cunji.js): the database is seeded, the
// options the binary lists in --help (--insecure-cookies) are passed and the others not,
// Alipay's keys are made and passed, extra flags come last, and stop() ends the server and
// removes its directory.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startCunji } = require('../lib/cunji');

const bin = path.join(__dirname, '..', 'fixtures', 'fake_cunji.js');

async function run(help, options) {
  process.env.FAKE_CUNJI_HELP = help;
  const server = await startCunji({ bin, ...options });
  try {
    assert.equal(fs.readFileSync(server.db, 'utf8'), 'seeded');
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    return { server, args: JSON.parse(fs.readFileSync(`${server.db}.args`, 'utf8')) };
  } finally {
    await server.stop();
    assert.equal(fs.existsSync(server.dir), false, 'stop() removes the directory');
  }
}

test('startCunji passes --insecure-cookies when the binary knows it', async () => {
  const { server, args } = await run('[--insecure-cookies]', { flags: ['--threads', '3'] });
  assert.ok(args.includes('--insecure-cookies'), args.join(' '));
  assert.deepEqual(args.slice(-2), ['--threads', '3'], 'extra flags come last');
  const key = args[args.indexOf('--alipay-public-key') + 1];
  assert.ok(key.startsWith(server.dir) && server.alipayPrivateKey.includes('PRIVATE KEY'));
  assert.equal(args[args.indexOf('--listen') + 1], `127.0.0.1:${server.port}`);
});

test('startCunji leaves out the options the binary does not know', async () => {
  const { args } = await run('', { alipay: false });
  assert.ok(!args.includes('--insecure-cookies') && !args.includes('--alipay-app-id'), args.join(' '));
});
