'use strict';
// axe-core in the page as it is, JavaScript on or off.
//
// The source comes from node_modules and goes in through page.evaluate (the DevTools protocol's
// Runtime.evaluate), which a Content-Security-Policy does not block and which runs even when
// the context has javaScriptEnabled: false. With JavaScript off, though, the page's timers never
// fire, and axe.run waits on setTimeout between rules: it would hang. So in that mode the
// harness first replaces setTimeout, requestAnimationFrame and requestIdleCallback in the page
// by microtasks (which do run). Do it last on a page: the replacements stay.
const fs = require('node:fs');
const budgets = require('./budgets');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

function timersAsMicrotasks() {
  const later = (fn, _ms, ...args) => { Promise.resolve().then(() => fn(...args)); return 0; };
  window.setTimeout = later;
  window.clearTimeout = () => {};
  window.requestAnimationFrame = fn => later(fn, 0, performance.now());
  window.cancelAnimationFrame = () => {};
  window.requestIdleCallback = fn => later(fn, 0, { timeRemaining: () => 50, didTimeout: false });
}

// Returns { violations: [{ id, impact, help, nodes: [target…] }], failing: [same, serious or
// critical only] }.
async function runAxe(page, { js }) {
  if (!js) await page.evaluate(timersAsMicrotasks);
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const violations = result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')),
  }));
  return { violations, failing: violations.filter(v => budgets.AXE_FAIL_IMPACTS.includes(v.impact)) };
}

module.exports = { runAxe };
