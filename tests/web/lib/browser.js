'use strict';
// Debian's Chromium driven by playwright-core: one browser per test file, a fresh context (empty
// cache, no cookies) per visit or flow, with JavaScript on or off.
const { chromium } = require('playwright-core');
const budgets = require('./budgets');

const CHROMIUM = process.env.CUNJI_CHROMIUM || '/usr/bin/chromium';
const MODES = Object.freeze([{ js: true, label: 'js' }, { js: false, label: 'nojs' }]);

async function launchBrowser() {
  const args = [];
  // Chromium refuses to start its sandbox as root (CI runs as root).
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args });
  // The first page of a browser pays for start-up (fonts above all) while it paints; a page
  // with Chinese text first keeps that out of the first measured visit.
  const warm = await browser.newContext();
  await (await warm.newPage()).setContent('<p>村集 warm-up</p>');
  await warm.close();
  return browser;
}

// A fresh context: no cache, no cookies unless `storageState` gives some. Options go to
// browser.newContext (e.g. storageState, baseURL); `js` sets javaScriptEnabled.
async function newContext(browser, { js = true, ...options } = {}) {
  return browser.newContext({
    javaScriptEnabled: js,
    viewport: budgets.VIEWPORT,
    locale: 'zh-CN',
    ...options,
  });
}

module.exports = { launchBrowser, newContext, MODES, CHROMIUM };
