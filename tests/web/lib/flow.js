'use strict';
// For flow tests: each flow twice (JavaScript on and off), a page watched through the whole
// flow, and the checks that hold on every step (each HTML response within its budget, no
// console error, no CSP violation).
const { test } = require('node:test');
const { MODES, newContext } = require('./browser');
const { watchPage } = require('./watch');
const { assertBudgets } = require('./checks');

// Defines `${name} (js)` and `${name} (nojs)`; fn(t, mode) gets mode = { js, label }.
// options go to node:test (e.g. { skip: 'why' }, { todo: 'what' }, { timeout }).
function testBothModes(name, fn, options = {}) {
  for (const mode of MODES) test(`${name} (${mode.label})`, options, t => fn(t, mode));
}

// A fresh context and page, watched from the start. Resolves to { context, page, watch, close() }.
async function openFlow(browser, { js, baseURL, ...contextOptions }) {
  const context = await newContext(browser, { js, baseURL, ...contextOptions });
  const page = await context.newPage();
  const watch = await watchPage(page);
  return { context, page, watch, close: () => context.close() };
}

// Throws if any HTML response of the flow so far broke its byte budget, or the console had an
// error, or the policy was violated.
function assertFlowClean(flow, name = 'flow') {
  const w = flow.watch;
  return assertBudgets({ name, js: true, html: w.htmlResponses(), consoleErrors: w.consoleErrors(),
    cspViolations: w.cspViolations() }, ['htmlBytes', 'problems']);
}

// Why the page flows cannot run against this server yet, or null when its pages are there:
// `/` must answer 200 with HTML.
async function pagesMissing(baseUrl) {
  const r = await fetch(new URL('/', baseUrl));
  const type = r.headers.get('content-type') || '';
  await r.arrayBuffer();
  if (r.status === 200 && type.startsWith('text/html')) return null;
  return `GET / answered ${r.status} ${type || '(no type)'}: the HTML pages are not there yet`;
}

module.exports = { testBothModes, openFlow, assertFlowClean, pagesMissing };
