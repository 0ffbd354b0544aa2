'use strict';
// Where the browser tests write: screenshots and one JSON line per audited visit, which
// lib/summarize.js turns into summary.json and summary.md. $CUNJI_WEB_OUT, default
// build/web-test-output/ of the repository.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');

function outputDir(sub = '') {
  const dir = path.join(process.env.CUNJI_WEB_OUT || path.join(ROOT, 'build', 'web-test-output'), sub);
  fs.mkdirSync(path.join(dir, 'screenshots'), { recursive: true });
  return dir;
}

// A file name from a visit's name and mode: letters, digits, '-' and '_'.
function slug(name) {
  return String(name).replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'page';
}

// Appends one line (O_APPEND: test files running at once do not interleave short lines).
function recordVisit(outDir, report) {
  fs.appendFileSync(path.join(outDir, 'visits.jsonl'), JSON.stringify(report) + '\n');
}

module.exports = { ROOT, outputDir, slug, recordVisit };
