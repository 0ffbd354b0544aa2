'use strict';
// The flow helpers: a watched page through several navigations and a form, JavaScript on and
// off; assertFlowClean fails on any step's oversize HTML or console error, and passes otherwise.
const { before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launchBrowser } = require('../lib/browser');
const { openFlow, assertFlowClean, testBothModes } = require('../lib/flow');
const { startFixtureServer } = require('../fixtures/server');

let browser, fixtures;

before(async () => {
  fixtures = await startFixtureServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await fixtures?.close();
});

testBothModes('a clean flow: a page, a form submitted, another page', async (t, mode) => {
  const flow = await openFlow(browser, { js: mode.js, baseURL: fixtures.url });
  try {
    await flow.page.goto('/good');
    await flow.page.getByLabel('搜索').fill('白菜');
    await Promise.all([flow.page.waitForURL(/q=%E7%99%BD%E8%8F%9C/), flow.page.getByRole('button', { name: '搜索' }).click()]);
    await flow.page.goto('/eager-photo');
    assert.equal(flow.watch.htmlResponses().length, 3);
    assertFlowClean(flow, 'clean');
  } finally {
    await flow.close();
  }
});

testBothModes('a redirect is one more HTML response: its headers on the wire', async (t, mode) => {
  const flow = await openFlow(browser, { js: mode.js, baseURL: fixtures.url });
  try {
    await flow.page.goto('/redirect');
    const html = flow.watch.htmlResponses();
    assert.deepEqual(html.map(h => [new URL(h.url).pathname, h.status]), [['/redirect', 303], ['/good', 200]]);
    assert.ok(html[0].wireBytes > 50 && html[0].wireBytes < 300, JSON.stringify(html[0]));
    assertFlowClean(flow, 'redirect');
  } finally {
    await flow.close();
  }
});

testBothModes('one oversize page fails the flow', async (t, mode) => {
  const flow = await openFlow(browser, { js: mode.js, baseURL: fixtures.url });
  try {
    await flow.page.goto('/good');
    await flow.page.goto('/oversize');
    await flow.page.goto('/good');
    assert.throws(() => assertFlowClean(flow, 'oversize'), /\[html-bytes\] .*\/oversize: \d+ B on the wire/);
  } finally {
    await flow.close();
  }
});

testBothModes('a console error fails the flow when JavaScript runs', async (t, mode) => {
  const flow = await openFlow(browser, { js: mode.js, baseURL: fixtures.url });
  try {
    await flow.page.goto('/console-error');
    if (mode.js) assert.throws(() => assertFlowClean(flow, 'console'), /\[console\] boom/);
    else assertFlowClean(flow, 'console');
  } finally {
    await flow.close();
  }
});
