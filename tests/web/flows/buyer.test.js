'use strict';
// A buyer, JavaScript on and off: searches 苹果 from the home page, puts listings of two shops
// in the cart, registers, checks out once (address delivery: one purchase, one order per
// shop), finds the orders, pays one through the Alipay gateway (stubbed: the pay form's
// redirect is caught before it leaves the machine, and the test plays Alipay's signed
// notification) and sees it paid. Every page on the way is audited as a first visit against
// the budgets, signed-in pages with the flow's cookies.
const { before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  launchBrowser, startCunji, testBothModes, openFlow, assertFlowClean, notifyAlipayPaid, tradeFromPayUrl,
} = require('../lib');
const { freshPhone, submit, stubOtherOrigins, pageAuditor, fenOf } = require('./support');

// Page failures known and reported, kept apart so that they do not hide new ones: each still
// fails its own TODO subtest while it lasts.
// Failures of a page check that are known and reported, kept apart from the rest (none now:
// the footer's contrast was fixed). An entry: { what, match: f => ... } on { check, message }.
const KNOWN = [];

let browser, server;
before(async () => { server = await startCunji(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

// The shop of the listing page shown.
async function shopOf(page) {
  return page.locator('main a[href^="/shops/"]').first().getAttribute('href');
}

// Opens the search results one by one until a listing of another shop than `notShop` that can
// be put in the cart; resolves to its shop's href.
async function openListingOfAnotherShop(page, searchUrl, notShop) {
  await page.goto(searchUrl);
  const hrefs = await page.locator('main ul.cards a[href^="/listings/"]').evaluateAll(as => as.map(a => a.getAttribute('href')));
  for (const href of hrefs) {
    await page.goto(href);
    const shop = await shopOf(page);
    if (shop !== notShop && await page.getByRole('button', { name: '加入购物车' }).count()) return shop;
  }
  throw new Error(`no listing of a second shop among ${hrefs.length} results of ${searchUrl}`);
}

async function addToCart(page) {
  const title = (await page.locator('main h1').innerText()).trim();
  await page.getByLabel('数量').fill('1');
  const r = await submit(page, page.getByRole('button', { name: '加入购物车' }));
  assert.equal(r.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/cart');
  return title.replace(/\s*扶贫$/, '');
}

async function registerBuyer(page, mode) {
  await page.getByRole('link', { name: '注册', exact: true }).first().click();
  await page.waitForURL(/\/register$/);
  const name = mode.js ? '李晓燕' : '赵春生';
  await page.getByLabel('姓名').fill(name);
  await page.getByLabel('手机号').fill(freshPhone(mode));
  await page.getByLabel('密码').fill('apples-in-the-cart');
  const r = await submit(page, page.getByRole('button', { name: '注册' }).last());
  assert.equal(r.status(), 200, await page.locator('main').innerText());
  assert.equal(new URL(page.url()).pathname, '/');
  await assert.doesNotReject(page.getByRole('button', { name: `退出 ${name}` }).waitFor({ timeout: 2000 }),
    'signed in at once: the header offers to sign out');
  return name;
}

testBothModes('page flow buyer: search → listing → cart → register → checkout → orders → pay', async (t, mode) => {
  const flow = await openFlow(browser, { js: mode.js, baseURL: server.url });
  const { page, context } = flow;
  const audit = pageAuditor(browser, mode, 'buyer');
  const gateway = await stubOtherOrigins(flow, server.url);
  try {
    await page.goto('/');
    await audit.visit('home', page.url());
    await page.getByLabel('搜索农产品').fill('苹果');
    await submit(page, page.getByRole('button', { name: '搜索', exact: true }));
    assert.equal(new URL(page.url()).pathname, '/search');
    assert.equal(new URL(page.url()).searchParams.get('q'), '苹果');
    const searchUrl = page.url();
    const results = page.locator('main ul.cards a[href^="/listings/"]');
    assert.ok(await results.count() >= 2, 'at least two results for 苹果');
    assert.match(await results.first().innerText(), /苹果/);
    await audit.visit('search', searchUrl);

    // The first result, then one of another shop.
    await results.first().click();
    await page.waitForURL(/\/listings\/\d+$/);
    const firstShop = await shopOf(page);
    assert.ok(firstShop, 'the listing names its shop');
    await audit.visit('listing', page.url());
    const firstTitle = await addToCart(page);
    const secondShop = await openListingOfAnotherShop(page, searchUrl, firstShop);
    const secondTitle = await addToCart(page);
    assert.notEqual(secondShop, firstShop);
    const cart = page.locator('main table');
    for (const title of [firstTitle, secondTitle]) await assert.doesNotReject(cart.getByText(title).first().waitFor({ timeout: 2000 }));
    assert.equal(await page.getByRole('button', { name: '提交订单' }).count(), 0, 'no checkout before signing in');
    await audit.visit('cart', page.url(), context);

    await page.goto('/register');
    await audit.visit('register', page.url());
    await page.goto('/');
    await registerBuyer(page, mode);

    // Checkout: the cart kept its two lines across registering.
    await page.goto('/cart');
    await audit.visit('cart-signed-in', page.url(), context);
    await page.getByLabel('送货上门').check();
    await page.getByLabel('收货地址').fill('云南省昭通市昭阳区苹果村 3 组 12 号');
    const placed = await submit(page, page.getByRole('button', { name: '提交订单' }));
    assert.equal(placed.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/orders');
    assert.match(new URL(page.url()).searchParams.get('purchase') || '', /^\d+$/);
    // After checkout the orders page says the purchase was placed.
    assert.ok(await page.getByText('下单成功。').count(), '/orders?purchase=ID shows "下单成功。"');
    const rows = page.locator('main table tr');
    assert.equal(await rows.count(), 2, 'one order per shop');
    for (let i = 0; i < 2; i++) assert.match(await rows.nth(i).innerText(), /待付款/);
    await audit.visit('orders', page.url(), context);

    // One order: pay it. The form's redirect goes to the gateway, caught by the stub.
    await rows.first().locator('a[href^="/orders/"]').click();
    await page.waitForURL(/\/orders\/\d+$/);
    const orderUrl = page.url();
    assert.match(await page.locator('main').innerText(), /状态[:：]\s*待付款/);
    const totalFen = fenOf(await page.locator('main th.price').innerText());
    await audit.visit('order', orderUrl, context);
    await submit(page, page.getByRole('button', { name: '用支付宝付款' }));
    assert.equal(gateway.length, 1, `one visit to the gateway: ${gateway.join(' ')}`);
    const payUrl = new URL(gateway[0]);
    assert.equal(payUrl.origin, 'https://openapi.alipay.com');
    assert.equal(payUrl.searchParams.get('method'), 'alipay.trade.wap.pay');
    const trade = tradeFromPayUrl(gateway[0]);
    assert.equal(trade.amountFen, totalFen, 'the gateway is asked for the order total');

    // Still awaiting payment until Alipay's notification arrives.
    await page.goto(orderUrl);
    assert.match(await page.locator('main').innerText(), /待付款/);
    assert.deepEqual(await notifyAlipayPaid(server.url, server.alipayPrivateKey, trade), { status: 200, body: 'success' });
    await page.goto(orderUrl);
    assert.match(await page.locator('main').innerText(), /状态[:：]\s*已付款/);
    assert.equal(await page.getByRole('button', { name: '用支付宝付款' }).count(), 0, 'no pay button once paid');
    await audit.visit('order-paid', orderUrl, context);
    await page.goto('/orders');
    const statuses = (await page.locator('main table tr').allInnerTexts()).map(r => /已付款|待付款/.exec(r)?.[0]);
    assert.deepEqual(statuses.sort(), ['已付款', '待付款'].sort());

    assertFlowClean(flow, `buyer (${mode.label})`);
    audit.assertAll(KNOWN);
    await t.test(`known page failures: ${KNOWN.map(k => k.what).join('; ')}`,
      { todo: 'fix the pages, then remove from KNOWN' }, () => audit.assertKnown());
  } finally {
    await flow.close();
  }
});
