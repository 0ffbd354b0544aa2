'use strict';
// What the page flows share (not a test file: scripts/web_test runs *.test.js only): the JSON
// API for setting up, forms submitted as a browser would, fresh phone numbers, the payment
// gateway kept off the internet, and the audit of every page a flow visits.
const assert = require('node:assert/strict');
const { auditPage, budgetFailures } = require('../lib');

// A call to /v1 with a bearer token; throws on anything but 2xx. Resolves to the JSON body.
async function api(baseUrl, method, path, { token, body, key } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (key) headers['Idempotency-Key'] = key;
  const r = await fetch(baseUrl + path, { method, headers, body: body && JSON.stringify(body) });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

// A mobile number no earlier run or mode has used: 139, seven digits of the clock, one of the
// mode (the database is fresh per test file, but a number is never reused within one).
let phoneSeq = 0;
function freshPhone(mode) {
  phoneSeq = (phoneSeq + 1) % 10;
  const clock = String(Date.now() + phoneSeq * 7919).slice(-6);
  return `139${clock}${mode.js ? 1 : 2}${phoneSeq}`;
}

// Clicks a form's button and resolves to the response of the page the browser lands on (after
// any redirect), with JavaScript on or off alike.
async function submit(page, button) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
  return response;
}

// Keeps the flow off the internet: every https request of the flow's page (the payment gateway
// the pay form redirects to; the server under test speaks http) is answered here with a short
// text, and page visits are recorded. Through the DevTools protocol's Fetch domain, which
// (unlike page.route) also stops a request a redirect leads to, after the browser has let it
// through its Content-Security-Policy (form-action).
async function stubOtherOrigins(flow, baseUrl) {
  const seen = [];
  const { cdp } = flow.watch;
  const origin = new URL(baseUrl).origin;
  cdp.on('Fetch.requestPaused', e => {
    if (new URL(e.request.url).origin === origin) {
      cdp.send('Fetch.continueRequest', { requestId: e.requestId }).catch(() => {});
      return;
    }
    // Only page visits count: a browser also asks the stub's origin for /favicon.ico, at
    // a moment of its own choosing.
    if (e.resourceType === 'Document') seen.push(e.request.url);
    cdp.send('Fetch.fulfillRequest', { requestId: e.requestId, responseCode: 200,
      responseHeaders: [{ name: 'Content-Type', value: 'text/plain; charset=utf-8' }],
      body: Buffer.from('payment gateway (stub)').toString('base64') }).catch(() => {});
  });
  await cdp.send('Fetch.enable', { patterns: [{ urlPattern: 'https://*', requestStage: 'Request' }] });
  return seen;
}

// Audits pages as first visits (lib/audit.js: recorded for the summary) and collects every
// budget failure, so that one page over budget does not hide the figures of the others;
// assertAll() throws listing them all. `context` (optional) lends its cookies to the visit.
// assertAll(known) leaves out the failures a `known` entry's match(f) takes (f: { check,
// message }); assertKnown() then throws listing those.
function pageAuditor(browser, mode, prefix) {
  const failures = [];
  const reports = [];
  let known = [];
  const text = f => `${f.page} (${mode.label}) [${f.check}] ${f.message}`;
  return {
    reports,
    async visit(name, url, context) {
      const contextOptions = context ? { storageState: await context.storageState() } : {};
      const report = await auditPage(browser, url, { name: `${prefix}-${name}`, js: mode.js, contextOptions });
      assert.equal(report.status, 200, `${report.name}: ${url} answered ${report.status}`);
      reports.push(report);
      for (const f of budgetFailures(report)) failures.push({ page: report.name, ...f });
      return report;
    },
    assertAll(knownList = []) {
      known = failures.filter(f => knownList.some(k => k.match(f)));
      const rest = failures.filter(f => !known.includes(f)).map(text);
      assert.deepEqual(rest, [], `budget failures:\n${rest.join('\n')}`);
    },
    assertKnown() {
      assert.deepEqual(known.map(text), [], `known failures still there:\n${known.map(text).join('\n')}`);
    },
  };
}

// A money text of the pages ("¥12.30", "¥1,234.00") in fen.
function fenOf(text) {
  const m = /¥\s*([\d,]+)\.(\d{2})/.exec(text);
  assert.ok(m, `no amount in ${JSON.stringify(text)}`);
  return Number(m[1].replace(/,/g, '')) * 100 + Number(m[2]);
}

module.exports = { api, freshPhone, submit, stubOtherOrigins, pageAuditor, fenOf };
