'use strict';
// A village partner, JavaScript on and off: signs in, registers a villager, finds them again,
// orders the cart for them (one purchase), takes the cash, marks the parcel arrived once the
// farmer shipped it (through the API), hands it over with the pickup code (a wrong code first:
// refused), prints the evening's list and reads the day's cash. The code is read as the
// villager would get it, through /v1 (the placer's view); the pages never show it. Every page
// on the way is audited as a first visit against the budgets, with the flow's cookies.
const { before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launchBrowser, startCunji, testBothModes, openFlow, assertBudgets } = require('../lib');
const { api, freshPhone, submit, pageAuditor, fenOf } = require('./support');

const KNOWN = [];
const PASSWORD = 'cunji-demo-2026';  // the seeded demo accounts'

let browser, server;
before(async () => { server = await startCunji(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

// A farmer of the partner's village with a shop and one listing, made through the API.
async function farmerWithListing(partner, mode) {
  const phone = freshPhone(mode);
  const password = 'oranges-for-the-station';
  await api(server.url, 'POST', '/v1/accounts', { body: { role: 'farmer', name: '李果农', phone, password,
    village_id: partner.account.village_id } });
  const token = (await api(server.url, 'POST', '/v1/sessions', { body: { phone, password } })).token;
  const shop = await api(server.url, 'POST', '/v1/shops', { token, body: { name: `李家果园 ${mode.label}` } });
  const listing = await api(server.url, 'POST', `/v1/shops/${shop.id}/listings`, { token,
    body: { title: `站点脐橙 ${mode.label}`, category: 'fruit', unit: 'box', price_fen: 2350, stock: 50 } });
  return { token, listing };
}

// The flow's checks (lib/flow.js assertFlowClean), but the one wrong code it sends is expected:
// Chromium logs the 422 page as a console error, exactly once.
function assertCleanBut422(flow, name) {
  const w = flow.watch;
  const is422 = e => /status of 422 \(Unprocessable Entity\)/.test(e);
  assert.equal(w.consoleErrors().filter(is422).length, 1, `${name}: one console line for the wrong code`);
  assertBudgets({ name, js: true, html: w.htmlResponses(), consoleErrors: w.consoleErrors().filter(e => !is422(e)),
    cspViolations: w.cspViolations() }, ['htmlBytes', 'problems']);
}

async function signIn(page, phone) {
  await page.goto('/signin');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(PASSWORD);
  const r = await submit(page, page.getByRole('button', { name: '登录' }).last());
  assert.equal(r.status(), 200, await page.locator('main').innerText());
}

testBothModes('page flow partner: villager → order → cash → arrive → handover → the day\'s cash', async (t, mode) => {
  // Each mode its own seeded partner (and so its own station and cash).
  const phone = mode.js ? '+8617000000001' : '+8617000000002';
  const partner = await api(server.url, 'POST', '/v1/sessions', { body: { phone, password: PASSWORD } });
  const farmer = await farmerWithListing(partner, mode);
  const flow = await openFlow(browser, { js: mode.js, baseURL: server.url });
  const { page, context } = flow;
  const audit = pageAuditor(browser, mode, 'partner');
  try {
    await signIn(page, phone);
    await page.getByRole('link', { name: '服务站' }).click();
    await page.waitForURL(/\/station$/);
    await audit.visit('station', page.url(), context);

    // Register a villager, then find them by name.
    const villager = mode.js ? '张大爷' : '王大妈';
    await page.getByRole('link', { name: '登记村民' }).click();
    await audit.visit('villager-new', page.url(), context);
    await page.getByLabel('姓名').fill(villager);
    await page.getByLabel('手机号（可不填）').fill(freshPhone(mode));
    let r = await submit(page, page.getByRole('button', { name: '登记', exact: true }));
    assert.equal(r.status(), 200);
    assert.match(new URL(page.url()).pathname, /^\/station\/villagers\/\d+\/order$/);
    const orderUrl = page.url();
    assert.match(await page.locator('main').innerText(), /购物车是空的/);

    // The cart: the farmer's listing.
    await page.goto(`/listings/${farmer.listing.id}`);
    await page.getByLabel('数量').fill('2');
    await submit(page, page.getByRole('button', { name: '加入购物车' }));
    await page.goto('/station');
    await page.getByLabel('姓名或手机号开头').fill(villager);
    await submit(page, page.getByRole('button', { name: '查找' }));
    await page.getByRole('link', { name: '替他下单' }).first().click();
    await page.waitForURL(/\/order$/);
    assert.equal(page.url(), orderUrl);
    assert.match(await page.locator('main').innerText(), new RegExp(villager));
    await audit.visit('order-for', page.url(), context);
    r = await submit(page, page.getByRole('button', { name: '下单', exact: true }));
    assert.equal(r.status(), 200);
    assert.match(new URL(page.url()).pathname, /^\/station\/purchases\/\d+$/);
    const purchaseId = new URL(page.url()).pathname.split('/').pop();
    const toCollect = fenOf(await page.locator('main .code').innerText());
    assert.equal(toCollect, 2 * 2350);
    await audit.visit('purchase', page.url(), context);

    // Cash at the station pays it.
    r = await submit(page, page.getByRole('button', { name: '收现金' }));
    assert.equal(r.status(), 200);
    assert.ok(await page.getByText('现金已收，订单已付款。').count());
    assert.equal(await page.getByRole('button', { name: '收现金' }).count(), 0);

    // The farmer ships it (API); the partner marks it arrived.
    const purchase = await api(server.url, 'GET', `/v1/purchases/${purchaseId}`, { token: partner.token });
    const orderId = purchase.orders[0].id;
    await api(server.url, 'POST', `/v1/orders/${orderId}/ship`, { token: farmer.token, body: {} });
    await page.goto('/station/parcels');
    await audit.visit('parcels', page.url(), context);
    const row = page.locator('main tr', { hasText: `#${orderId}` });
    await submit(page, row.getByRole('button', { name: '已到站' }));
    assert.equal(new URL(page.url()).pathname, '/station/parcels');
    await page.locator('main tr', { hasText: `#${orderId}` }).getByRole('link', { name: '交付' }).click();
    await page.waitForURL(/\/station\/parcels\/\d+$/);
    await audit.visit('parcel', page.url(), context);

    // The code the villager was given (the placer reads it through /v1); never on the pages.
    const code = (await api(server.url, 'GET', `/v1/orders/${orderId}`, { token: partner.token })).pickup_code;
    assert.match(code, /^\d{6}$/);
    assert.doesNotMatch(await page.content(), new RegExp(code));
    const wrong = code === '000000' ? '111111' : '000000';
    await page.getByLabel('取件码（6 位数字）').fill(wrong);
    r = await submit(page, page.getByRole('button', { name: '交付' }));
    assert.equal(r.status(), 422);
    assert.ok(await page.getByText('取件码不对').count());
    await page.getByLabel('取件码（6 位数字）').fill(code);
    r = await submit(page, page.getByRole('button', { name: '交付' }));
    assert.equal(r.status(), 200);
    assert.ok(await page.getByText('包裹已交付。').count());
    assert.equal((await api(server.url, 'GET', `/v1/orders/${orderId}`, { token: partner.token })).status, 'delivered');

    // The evening's list, and the day's cash.
    await page.goto('/station/parcels/print');
    await audit.visit('parcels-print', page.url(), context);
    await page.goto('/station/cash');
    await audit.visit('cash', page.url(), context);
    const collected = page.locator('main tr', { hasText: '今日收取' });
    assert.equal(fenOf(await collected.innerText()), toCollect);
    assert.equal(fenOf(await page.locator('main tr', { hasText: '手上现金' }).innerText()), toCollect);

    assertCleanBut422(flow, `partner (${mode.label})`);
    audit.assertAll(KNOWN);
  } finally {
    await flow.close();
  }
});
