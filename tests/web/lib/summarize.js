'use strict';
// node tests/web/lib/summarize.js OUT_DIR — turns the visits recorded under OUT_DIR (visits.jsonl,
// and selftest/visits.jsonl) into OUT_DIR/summary.json and OUT_DIR/summary.md: per visit the
// measured figures next to their budgets, and which checks failed.
const fs = require('node:fs');
const path = require('node:path');
const budgets = require('./budgets');
const { budgetFailures } = require('./checks');

function readVisits(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l));
}

function row(r, outDir) {
  return {
    name: r.name, mode: r.js ? 'js' : 'nojs', url: r.url, status: r.status,
    htmlWireBytes: r.html.map(h => h.wireBytes),
    styleBytes: r.dom.styles, scriptBytes: r.scriptBytes,
    firstVisitBytes: r.totalBytes, firstVisitRequests: r.requestCount,
    fcpMs: r.fcpMs ?? null,
    consoleErrors: r.consoleErrors.length, cspViolations: r.cspViolations.length,
    axeFailing: r.axe ? r.axe.failing.map(v => v.id) : null,
    screenshot: r.screenshot ? path.relative(outDir, r.screenshot) : null,
    failed: [...new Set(budgetFailures(r).map(f => f.check))],
  };
}

function table(rows) {
  const head = '| page | mode | HTML B | style B | script B | first visit B | requests | FCP ms | failed |\n' +
    '|---|---|---|---|---|---|---|---|---|\n';
  return head + rows.map(r => `| ${r.name} | ${r.mode} | ${r.htmlWireBytes.join(', ')} | ${r.styleBytes.join(', ')} | ` +
    `${r.scriptBytes} | ${r.firstVisitBytes} | ${r.firstVisitRequests} | ${r.fcpMs ?? '–'} | ` +
    `${r.failed.join(', ') || 'none'} |`).join('\n') + '\n';
}

function main(outDir) {
  const pages = readVisits(path.join(outDir, 'visits.jsonl')).map(r => row(r, outDir));
  const selftest = readVisits(path.join(outDir, 'selftest', 'visits.jsonl')).map(r => row(r, outDir));
  fs.writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify({ budgets, pages, selftest }, null, 2) + '\n');
  const b = budgets;
  const md = '# Browser test budgets\n\n' +
    `Budgets: each HTML response ≤ ${b.HTML_WIRE_BYTES} B on the wire (headers included); ` +
    `≤ ${b.STYLE_ELEMENTS} <style> of ≤ ${b.STYLE_BYTES} B, no stylesheet file; ${b.SCRIPT_BYTES} B of JavaScript; ` +
    `first visit ≤ ${b.FIRST_VISIT_BYTES} B in ≤ ${b.FIRST_VISIT_REQUESTS} requests; photos lazy with width and height; ` +
    `first contentful paint ≤ ${b.FCP_MS} ms under Slow 3G (${b.SLOW_3G.latency} ms, ` +
    `${b.SLOW_3G.downloadThroughput} B/s) with the CPU ${b.CPU_SLOWDOWN}x slower; no console error, no CSP ` +
    `violation, no axe violation of impact ${b.AXE_FAIL_IMPACTS.join(' or ')}.\n\n` +
    '## Visits of the server (pages by flow; api/…: JSON endpoints, to which the page budgets do not apply)\n\n' + (pages.length ? table(pages) : 'None visited.\n') +
    '\n## Self-test fixtures (each bad page must fail its check)\n\n' + (selftest.length ? table(selftest) : 'None.\n');
  fs.writeFileSync(path.join(outDir, 'summary.md'), md);
}

main(process.argv[2] || require('./output').outputDir());
