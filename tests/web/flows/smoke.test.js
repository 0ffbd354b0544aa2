'use strict';
// The harness against the real server: `cunji serve` on a seeded database with Alipay
// configured: its JSON endpoints are visited and measured, and an order is paid with a signed
// notification. The page flows are in flows/buyer.test.js, farmer.test.js, partner.test.js and
// reports.test.js, the security checks in flows/security.test.js.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  launchBrowser, startCunji, auditPage, budgetFailures, notifyAlipayPaid, testBothModes,
} = require('../lib');

let browser, server;

// The size of the response to a keep-alive GET, read off a socket: status line, headers, body.
function rawResponseBytes(url) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = require('node:net').connect(Number(u.port), u.hostname);
    let buf = Buffer.alloc(0);
    sock.on('error', reject);
    sock.on('data', d => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: *(\d+)/i.exec(buf.subarray(0, end).toString())[1]);
      if (buf.length >= end + 4 + length) { sock.destroy(); resolve(end + 4 + length); }
    });
    sock.write(`GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nAccept-Encoding: gzip, deflate, br\r\n\r\n`);
  });
}

before(async () => {
  server = await startCunji();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

testBothModes('the harness measures /healthz and /openapi.json of the real server', async (t, mode) => {
  for (const path of ['/healthz', '/openapi.json']) {
    const r = await auditPage(browser, server.url + path, {
      name: `api${path}`, js: mode.js, throttle: false, axe: false,
    });
    assert.equal(r.status, 200, path);
    assert.equal(r.requestCount, 1, JSON.stringify(r.requests));
    assert.equal(r.requests[0].url, server.url + path);
    // Bytes on the wire: what a raw socket receives for the same request, headers and body.
    assert.equal(r.totalBytes, await rawResponseBytes(server.url + path), JSON.stringify(r.requests));
    assert.deepEqual(r.html, r.requests, `${path}: the top-level response is the document`);
    // The browser's own /favicon.ico (404 here) is reported apart, and its error is not counted.
    assert.ok(r.implicitRequests.every(q => q.url.endsWith('/favicon.ico')), JSON.stringify(r.implicitRequests));
    assert.deepEqual(r.consoleErrors, []);
    assert.deepEqual(budgetFailures(r, ['httpStatus', 'scripts', 'problems']), []);
  }
});

async function api(method, path, { token, body, key } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (key) headers['Idempotency-Key'] = key;
  const r = await fetch(server.url + path, { method, headers, body: body && JSON.stringify(body) });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

test('a signed Alipay notification pays an order (the helper signs as the server expects)', async () => {
  await api('POST', '/v1/accounts', { body: { role: 'buyer', name: '王芳', phone: '13900000001', password: 'correct horse' } });
  const buyer = (await api('POST', '/v1/sessions', { body: { phone: '13900000001', password: 'correct horse' } })).token;
  const partner = await api('POST', '/v1/sessions', { body: { phone: '+8617000000001', password: 'cunji-demo-2026' } });
  const listing = (await api('GET', '/v1/listings?limit=1')).items[0];
  const order = await api('POST', '/v1/orders', {
    token: buyer, key: 'web-smoke-order',
    body: { shop_id: listing.shop_id, items: [{ listing_id: listing.id, quantity: 1 }],
      delivery: { method: 'station_pickup', station_village_id: partner.account.village_id } },
  });
  const pay = await api('POST', `/v1/orders/${order.id}/pay`, { token: buyer, key: 'web-smoke-pay', body: { method: 'alipay' } });
  const trade = { outTradeNo: pay.payment.out_trade_no, amountFen: pay.payment.amount_fen };

  // A notification signed with another key is refused; the right one is taken.
  const forged = await notifyAlipayPaid(server.url, require('node:crypto').generateKeyPairSync('rsa',
    { modulusLength: 2048 }).privateKey, trade);
  assert.equal(forged.status, 400, forged.body);
  const paid = await notifyAlipayPaid(server.url, server.alipayPrivateKey, trade);
  assert.deepEqual(paid, { status: 200, body: 'success' });
  assert.equal((await api('GET', `/v1/orders/${order.id}`, { token: buyer })).status, 'paid');
});
