'use strict';
// Each check of the harness fails on a fixture page made to break it, and the good page passes
// every check, JavaScript on and off.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launchBrowser, MODES } = require('../lib/browser');
const { auditPage } = require('../lib/audit');
const { budgetFailures } = require('../lib/checks');
const { outputDir } = require('../lib/output');
const budgets = require('../lib/budgets');
const { startFixtureServer } = require('../fixtures/server');

let browser, fixtures;
const outDir = outputDir('selftest');

before(async () => {
  fixtures = await startFixtureServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await fixtures?.close();
});

// The checks that must fail on each page, per mode. `throttle` only where FCP is the point:
// it costs seconds a page.
const cases = [
  { path: '/good', fails: { js: [], nojs: [] }, throttle: true },
  { path: '/oversize', fails: { js: ['html-bytes'], nojs: ['html-bytes'] } },
  { path: '/heavy', fails: { js: ['first-visit-bytes'], nojs: ['first-visit-bytes'] } },
  { path: '/many-requests', fails: { js: ['first-visit-requests'], nojs: ['first-visit-requests'] } },
  // With JavaScript off, Chromium never weighs a script against the policy; the script budget
  // finds the script there instead.
  { path: '/csp-inline-script', fails: { js: ['csp', 'scripts'], nojs: ['scripts'] } },
  { path: '/csp-inline-style', fails: { js: ['csp'], nojs: ['csp'] } },
  { path: '/a11y-bad', fails: { js: ['axe'], nojs: ['axe'] } },
  { path: '/console-error', fails: { js: ['console', 'scripts'], nojs: ['scripts'] } },
  { path: '/eager-photo', fails: { js: ['photos'], nojs: ['photos'] } },
  { path: '/big-style', fails: { js: ['styles'], nojs: ['styles'] } },
  { path: '/script-file', fails: { js: ['scripts'], nojs: ['scripts'] } },
  // Over the paint budget at every visit: the js mode checks that it was measured FCP_RUNS times
  // (the re-measuring of a page over budget); nojs measures once (a visit takes 5 to 8 s).
  { path: '/blocking-css', fails: { js: ['fcp', 'styles'], nojs: ['fcp', 'styles'] }, throttle: true,
    fcpRuns: { js: budgets.FCP_RUNS, nojs: 1 } },
];

for (const c of cases) {
  for (const mode of MODES) {
    const want = c.fails[mode.label];
    test(`${c.path} (${mode.label}) fails ${want.length ? want.join(', ') : 'nothing'}`, async () => {
      const fcpRuns = c.fcpRuns?.[mode.label];
      const report = await auditPage(browser, fixtures.url + c.path, {
        name: `fixture${c.path}`, js: mode.js, throttle: Boolean(c.throttle), outDir, fcpRuns,
      });
      const got = [...new Set(budgetFailures(report).map(f => f.check))].sort();
      assert.deepEqual(got, [...want].sort(), JSON.stringify(budgetFailures(report), null, 1));
      if (fcpRuns) assert.equal(report.fcpRunsMs.length, fcpRuns, `paint measured ${report.fcpRunsMs.length} times`);
    });
  }
}
