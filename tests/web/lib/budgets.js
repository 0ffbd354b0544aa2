'use strict';
// The page budgets, in one place. Every check of lib/checks.js reads its limit from here.
module.exports = Object.freeze({
  // Each HTML response, headers included, as the browser received it: what fits in TCP's first
  // flight (10 segments of 1,460 bytes), so a page arrives in one round trip.
  HTML_WIRE_BYTES: 14600,
  // At most one <style> element (no stylesheet files), its text at most 6 KiB (UTF-8).
  STYLE_ELEMENTS: 1,
  STYLE_BYTES: 6 * 1024,
  // No JavaScript at all: script files, inline scripts, on* attributes and javascript: URLs.
  SCRIPT_BYTES: 0,
  // A first visit (fresh context, empty cache): everything on the wire, and how many requests.
  FIRST_VISIT_BYTES: 50 * 1024,
  FIRST_VISIT_REQUESTS: 4,
  // First contentful paint under Chrome DevTools' "Slow 3G" profile and a 4x slower CPU.
  FCP_MS: 3000,
  SLOW_3G: Object.freeze({ offline: false, latency: 2000, downloadThroughput: 50000, uploadThroughput: 50000 }),
  CPU_SLOWDOWN: 4,
  // Paint times only grow on a busy machine: a page over FCP_MS is measured again, in a fresh
  // context, up to FCP_RUNS visits in all, and the best counts.
  FCP_RUNS: 3,
  // axe-core results at these impacts fail a page.
  AXE_FAIL_IMPACTS: Object.freeze(['serious', 'critical']),
  // The viewport of screenshots (and of every audited visit): a small phone.
  VIEWPORT: Object.freeze({ width: 360, height: 640 }),
});
