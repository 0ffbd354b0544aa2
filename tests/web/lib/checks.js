'use strict';
// The budgets as checks over a visit's report (lib/audit.js). Each returns a list of failures,
// { check, message }; an empty list passes. `check` names which rule broke, so a test can tell
// one failure from another (the self-tests do).
const budgets = require('./budgets');

function htmlBytes(report) {
  return report.html.filter(h => h.wireBytes > budgets.HTML_WIRE_BYTES).map(h => ({
    check: 'html-bytes', message: `${h.url}: ${h.wireBytes} B on the wire > ${budgets.HTML_WIRE_BYTES} B`,
  }));
}

function styles(report) {
  const f = [];
  const { styles: s, stylesheetLinks } = report.dom;
  if (s.length > budgets.STYLE_ELEMENTS) f.push(`${s.length} <style> elements > ${budgets.STYLE_ELEMENTS}`);
  for (const b of s) if (b > budgets.STYLE_BYTES) f.push(`a <style> of ${b} B > ${budgets.STYLE_BYTES} B`);
  for (const l of stylesheetLinks) f.push(`a stylesheet file: ${l}`);
  return f.map(message => ({ check: 'styles', message }));
}

// With JavaScript off the browser fetches no script file: with a budget of 0, a <script src>
// fails by being there.
function scripts(report) {
  const d = report.dom;
  const files = budgets.SCRIPT_BYTES === 0 ? d.scriptFiles.length : 0;
  if (report.scriptBytes <= budgets.SCRIPT_BYTES && !files) return [];
  return [{ check: 'scripts', message: `${report.scriptBytes} B of JavaScript > ${budgets.SCRIPT_BYTES} B ` +
    `(${d.inlineScripts.length} inline, ${d.scriptFiles.length} files, ${d.handlerBytes} B in handlers/URLs)` }];
}

function firstVisit(report) {
  const f = [];
  if (report.totalBytes > budgets.FIRST_VISIT_BYTES)
    f.push({ check: 'first-visit-bytes', message: `first visit ${report.totalBytes} B > ${budgets.FIRST_VISIT_BYTES} B` });
  if (report.requestCount > budgets.FIRST_VISIT_REQUESTS)
    f.push({ check: 'first-visit-requests', message: `first visit ${report.requestCount} requests > ` +
      `${budgets.FIRST_VISIT_REQUESTS}: ${report.requests.map(r => r.url).join(', ')}` });
  return f;
}

function photos(report) {
  return report.dom.images
    .filter(i => i.loading !== 'lazy' || !i.width || !i.height)
    .map(i => ({ check: 'photos', message: `<img src="${i.src}"> loading=${i.loading} width=${i.width} height=${i.height}: ` +
      'every photo is loading="lazy" with width and height' }));
}

function fcp(report) {
  if (report.fcpMs === undefined) return [];  // not measured (throttle: false)
  if (report.fcpMs === null) return [{ check: 'fcp', message: 'no first contentful paint' }];
  return report.fcpMs > budgets.FCP_MS
    ? [{ check: 'fcp', message: `first contentful paint ${report.fcpMs} ms > ${budgets.FCP_MS} ms (Slow 3G, CPU /${budgets.CPU_SLOWDOWN})` }]
    : [];
}

function problems(report) {
  const f = report.consoleErrors.map(message => ({ check: 'console', message }));
  for (const v of report.cspViolations)
    f.push({ check: 'csp', message: `${v.directive} (${v.type}) ${v.blockedURL || ''} at ${v.url || '?'}` });
  for (const v of report.axe ? report.axe.failing : [])
    f.push({ check: 'axe', message: `${v.id} (${v.impact}): ${v.help} at ${v.nodes.join('; ')}` });
  return f;
}

function httpStatus(report) {
  return report.status >= 200 && report.status < 300 ? []
    : [{ check: 'status', message: `${report.url} answered ${report.status}` }];
}

const ALL = { httpStatus, htmlBytes, styles, scripts, firstVisit, photos, fcp, problems };

// Every failure of a report, or only those of the named check groups.
function budgetFailures(report, only = Object.keys(ALL)) {
  return only.flatMap(name => ALL[name](report));
}

// Throws an Error listing every failure (for node:test), or returns the report.
function assertBudgets(report, only) {
  const f = budgetFailures(report, only);
  if (f.length) {
    throw new Error(`${report.name} (${report.js ? 'js' : 'nojs'}): ${f.length} budget failures:\n` +
      f.map(x => `  [${x.check}] ${x.message}`).join('\n'));
  }
  return report;
}

module.exports = { budgetFailures, assertBudgets, checks: ALL };
