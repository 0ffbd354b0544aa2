'use strict';
// The public reports page, JavaScript on and off, on the seeded database: audited as a first
// visit against the budgets (bytes on the wire, axe, CSP, console, screenshot), its charts are
// inline SVG with the poverty counties' bars filled by the pattern, and its tables say what the
// /v1 reports answer.
const { before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launchBrowser, startCunji, testBothModes, openFlow } = require('../lib');
const { api, pageAuditor, fenOf } = require('./support');

let browser, server;
before(async () => { server = await startCunji(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

testBothModes('page /reports: charts and tables of the /v1 reports, within the budgets', async (t, mode) => {
  const audit = pageAuditor(browser, mode, 'reports');
  await audit.visit('reports', server.url + '/reports');
  await audit.visit('reports-en', server.url + '/reports?lang=en');
  audit.assertAll();

  const flow = await openFlow(browser, { js: mode.js, baseURL: server.url });
  try {
    const { page } = flow;
    await page.goto('/reports');
    const relief = await api(server.url, 'GET', '/v1/reports/poverty-relief');
    const totals = page.locator('main table').first();
    assert.equal(fenOf(await totals.locator('tr', { hasText: '销售额' }).locator('td').innerText()), relief.gmv_fen);
    assert.equal(Number(await totals.locator('tr', { hasText: '订单数' }).locator('td').innerText()), relief.orders);

    // The county chart: top 10 by sales, the same order and numbers as GET /v1/reports/counties.
    const counties = (await api(server.url, 'GET', '/v1/reports/counties')).items
      .map((c, i) => ({ ...c, i })).sort((a, b) => b.gmv_fen - a.gmv_fen || a.i - b.i).slice(0, 10);
    const rows = page.locator('main table[aria-labelledby="counties-h"] tr:has(td)');
    assert.equal(await rows.count(), counties.length);
    for (const [i, c] of counties.entries()) {
      const cells = await rows.nth(i).locator('th, td').allInnerTexts();
      assert.equal(cells[0].trim(), c.name);
      assert.equal(cells[1].trim(), c.poverty_stricken ? '是' : '否');
      assert.equal(fenOf(cells[2]), c.gmv_fen, c.name);
    }
    // Poverty counties' bars (and the legend's swatch) carry the pattern; the others a colour.
    const bars = page.locator('svg[aria-labelledby="counties-t counties-d"] rect[height="20"]');
    const patterned = await bars.evaluateAll(rs => rs.map(r => r.getAttribute('fill') === 'url(#counties-p)'));
    assert.deepEqual(patterned, counties.map(c => c.poverty_stricken));
    assert.equal(await page.locator('svg pattern#counties-p').count(), 1);

    // The top county's monthly table, as GET /v1/reports/counties/{id}/monthly.
    if (counties.length) {
      const monthly = await api(server.url, 'GET', `/v1/reports/counties/${counties[0].county_id}/monthly`);
      const months = page.locator('main table[aria-labelledby="months-h"] tr:has(td)');
      assert.equal(await months.count(), monthly.months.length);
      for (const [i, m] of monthly.months.entries()) {
        const cells = await months.nth(i).locator('th, td').allInnerTexts();
        assert.equal(cells[0].trim(), m.month);
        assert.equal(fenOf(cells[1]), m.gmv_fen, m.month);
      }
    }
  } finally {
    await flow.close();
  }
});
