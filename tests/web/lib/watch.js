'use strict';
// Watches one page over the DevTools protocol from before its first navigation: every request
// with its bytes on the wire, console errors, Content-Security-Policy violations and paint
// times. Works with JavaScript off: nothing here runs in the page.
//
// Bytes on the wire are Network.loadingFinished's encodedDataLength: response headers plus the
// (compressed) body as received. A redirect has no loadingFinished; its bytes are its headers
// (redirectResponse.encodedDataLength). data: URLs are not requests on the wire and are left out.
//
// Chromium asks for /favicon.ico by itself when a page names no icon, once per browser and with
// JavaScript on only: whether a visit sees it depends on the visits before. So that request,
// and the console error of its 404, are left out of every figure (reported apart as
// implicitRequests). A page names its icon (<link rel="icon" href=…>) to choose.
//
// CSP violations come from Audits.issueAdded (ContentSecurityPolicyIssue), which Chromium raises
// with JavaScript off too: for inline styles, style attributes, images, forms, frames. With
// JavaScript off Chromium never considers running a script, so a forbidden script raises no
// issue there; the script budget (lib/checks.js) catches every script in that mode instead.

async function watchPage(page) {
  const cdp = await page.context().newCDPSession(page);
  const requests = new Map();  // requestId -> record of the current hop
  const done = [];             // finished requests, in order
  const implicit = [];         // the browser's own /favicon.ico
  const consoleErrors = [];
  const cspViolations = [];
  const paints = [];           // { name, loaderId, timestamp }
  let mainFrameId = null;
  let documentStart = null;    // { loaderId, timestamp } of the last main-frame document request

  const finish = (rec, wireBytes, failed) => {
    rec.wireBytes = wireBytes;
    if (failed) rec.failed = failed;
    (rec.type === 'Other' && new URL(rec.url).pathname === '/favicon.ico' ? implicit : done).push(rec);
  };
  cdp.on('Network.requestWillBeSent', e => {
    if (e.request.url.startsWith('data:')) return;
    const prev = requests.get(e.requestId);
    if (prev && e.redirectResponse) {
      prev.status = e.redirectResponse.status;
      finish(prev, e.redirectResponse.encodedDataLength || 0);
    }
    requests.set(e.requestId, { url: e.request.url, method: e.request.method, type: e.type || 'Other',
      status: 0, wireBytes: 0 });
    if (e.type === 'Document' && e.frameId === mainFrameId) documentStart = { loaderId: e.loaderId, timestamp: e.timestamp };
  });
  cdp.on('Network.responseReceived', e => {
    const rec = requests.get(e.requestId);
    if (rec) {
      rec.status = e.response.status;
      rec.mimeType = e.response.mimeType;
      rec.fromCache = Boolean(e.response.fromDiskCache || e.response.fromServiceWorker);
    }
  });
  cdp.on('Network.loadingFinished', e => {
    const rec = requests.get(e.requestId);
    if (rec) { requests.delete(e.requestId); finish(rec, e.encodedDataLength); }
  });
  cdp.on('Network.loadingFailed', e => {
    const rec = requests.get(e.requestId);
    if (rec) { requests.delete(e.requestId); finish(rec, 0, e.errorText || 'failed'); }
  });
  cdp.on('Audits.issueAdded', e => {
    if (e.issue.code !== 'ContentSecurityPolicyIssue') return;
    const d = e.issue.details.contentSecurityPolicyIssueDetails || {};
    cspViolations.push({ directive: d.violatedDirective, type: d.contentSecurityPolicyViolationType,
      blockedURL: d.blockedURL, url: d.sourceCodeLocation && d.sourceCodeLocation.url });
  });
  cdp.on('Page.lifecycleEvent', e => {
    if (e.name === 'firstContentfulPaint' || e.name === 'firstPaint')
      paints.push({ name: e.name, loaderId: e.loaderId, timestamp: e.timestamp });
  });
  // Chromium also logs each CSP violation as a console error; those count as CSP violations.
  page.on('console', m => {
    const from = m.location().url || '';
    if (m.type() === 'error' && !/Content Security Policy/.test(m.text()) && !from.endsWith('/favicon.ico'))
      consoleErrors.push(m.text());
  });
  page.on('pageerror', err => consoleErrors.push(`uncaught: ${err.message}`));

  await cdp.send('Network.enable');
  await cdp.send('Audits.enable');
  await cdp.send('Page.enable');
  await cdp.send('Page.setLifecycleEventsEnabled', { enabled: true });
  mainFrameId = (await cdp.send('Page.getFrameTree')).frameTree.frame.id;

  return {
    cdp,
    // Slow 3G and a slower CPU, for the next navigation on.
    async throttle({ network, cpu }) {
      await cdp.send('Network.emulateNetworkConditions', network);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
    },
    // Everything finished so far (requests still in flight are left out).
    requests: () => done.slice(),
    implicitRequests: () => implicit.slice(),
    htmlResponses: () => done.filter(r => r.type === 'Document'),
    consoleErrors: () => consoleErrors.slice(),
    cspViolations: () => cspViolations.slice(),
    // First contentful paint of the last document, in ms from its request; null if none yet.
    fcpMs() {
      if (!documentStart) return null;
      const p = paints.find(x => x.name === 'firstContentfulPaint' && x.loaderId === documentStart.loaderId);
      return p ? Math.round((p.timestamp - documentStart.timestamp) * 1000) : null;
    },
    async detach() { await cdp.detach().catch(() => {}); },
  };
}

module.exports = { watchPage };
