'use strict';
// A farmer, JavaScript on and off: registered over the API in a seeded village, signs in on the
// sign-in page, opens a shop, lists produce with a photo from the "camera" (a file input with
// capture; the photo is a JPEG the browser itself made), changes its stock, then ships the
// order a buyer placed and paid (over the API, with Alipay's signed notification) with a
// tracking number, and reads the balance. Every page on the way is audited as a first visit
// against the budgets, with the flow's cookies.
const { before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launchBrowser, startCunji, testBothModes, openFlow, assertFlowClean, notifyAlipayPaid } = require('../lib');
const { api, freshPhone, submit, pageAuditor } = require('./support');

// Failures of a page check that are known and reported (none now). An entry:
// { what, match: f => ... } on { check, message }.
const KNOWN = [];

let browser, server;
before(async () => { server = await startCunji(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

async function registerFarmer(mode) {
  const village = (await api(server.url, 'GET', '/v1/villages?limit=1')).items[0];
  const phone = freshPhone(mode);
  const password = 'oranges-from-the-hill';
  const name = mode.js ? '李大山' : '王秀英';
  await api(server.url, 'POST', '/v1/accounts', { body: { role: 'farmer', name, phone, password, village_id: village.id } });
  return { phone, password, name };
}

async function signIn(page, farmer) {
  await page.goto('/signin?next=/my/shops');
  await page.getByLabel('手机号').fill(farmer.phone);
  await page.getByLabel('密码').fill(farmer.password);
  const r = await submit(page, page.getByRole('button', { name: '登录' }).last());
  assert.equal(r.status(), 200, await page.locator('main').innerText());
  assert.equal(new URL(page.url()).pathname, '/my/shops');
}

// A buyer orders `quantity` of the listing to an address and pays it; resolves to the order id.
async function buyerOrdersAndPays(mode, listingId, shopId) {
  const phone = freshPhone(mode);
  await api(server.url, 'POST', '/v1/accounts', { body: { role: 'buyer', name: '赵春生', phone, password: 'buying-oranges' } });
  const token = (await api(server.url, 'POST', '/v1/sessions', { body: { phone, password: 'buying-oranges' } })).token;
  const order = await api(server.url, 'POST', '/v1/orders', {
    token, key: `farmer-flow-${mode.label}`,
    body: { shop_id: shopId, items: [{ listing_id: listingId, quantity: 2 }],
      delivery: { method: 'address', address: '重庆市奉节县永安街道 8 号' } },
  });
  const pay = await api(server.url, 'POST', `/v1/orders/${order.id}/pay`,
    { token, key: `farmer-flow-pay-${mode.label}`, body: { method: 'alipay' } });
  const trade = { outTradeNo: pay.payment.out_trade_no, amountFen: pay.payment.amount_fen };
  assert.deepEqual(await notifyAlipayPaid(server.url, server.alipayPrivateKey, trade), { status: 200, body: 'success' });
  return { id: order.id, token };
}

testBothModes('page flow farmer: sign in → open shop → listing with a photo → stock → ship → balance', async (t, mode) => {
  const flow = await openFlow(browser, { js: mode.js, baseURL: server.url });
  const { page, context } = flow;
  const audit = pageAuditor(browser, mode, 'farmer');
  try {
    const farmer = await registerFarmer(mode);
    await signIn(page, farmer);
    await audit.visit('shops-none', page.url(), context);

    // Opening the shop.
    const shopName = mode.js ? '李家脐橙园' : '王家土鸡蛋';
    await page.getByLabel('店铺名称').fill(shopName);
    let r = await submit(page, page.getByRole('button', { name: '开店' }));
    assert.equal(r.status(), 200);
    assert.match(new URL(page.url()).pathname, /^\/my\/shops\/\d+$/);
    const shopUrl = page.url();
    const shopId = Number(new URL(shopUrl).pathname.split('/').pop());
    assert.equal((await page.locator('main h1').innerText()).trim(), shopName);
    await audit.visit('shop-empty', shopUrl, context);

    // A listing with a photo: a JPEG the browser makes of its own page, set on the camera input.
    const photo = await page.screenshot({ type: 'jpeg', quality: 80, clip: { x: 0, y: 0, width: 320, height: 240 } });
    await page.getByRole('link', { name: '上架新商品' }).click();
    await page.waitForURL(/\/listings\/new$/);
    await audit.visit('listing-new', page.url(), context);
    const input = page.getByLabel('照片（可用手机拍）');
    assert.equal(await input.getAttribute('accept'), 'image/*');
    assert.notEqual(await input.getAttribute('capture'), null, 'the file input asks for the camera');
    await input.setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: photo });
    const title = `奉节脐橙 10斤 ${mode.label}`;
    await page.getByLabel('商品名称').fill(title);
    await page.getByLabel('分类').selectOption('fruit');
    await page.getByLabel('单位').selectOption('box');
    await page.getByLabel('价格（元）').fill('68.5');
    await page.getByLabel('库存').fill('20');
    r = await submit(page, page.getByRole('button', { name: '上架', exact: true }));
    assert.equal(r.status(), 200, await page.locator('main').innerText());
    assert.equal(new URL(page.url()).pathname, `/my/shops/${shopId}`);
    assert.ok(await page.getByText('商品已上架。').count(), 'the shop page says the listing is up');
    const listings = await api(server.url, 'GET', `/v1/listings?shop_id=${shopId}`);
    assert.equal(listings.items.length, 1, 'one listing');
    const listing = listings.items[0];
    assert.equal(listing.title, title);
    assert.equal(listing.price_fen, 6850);
    assert.equal(listing.photos.length, 1, 'the photo went with the listing');
    await audit.visit('shop', shopUrl, context);

    // Its stock, changed on the listing's page.
    await page.getByRole('link', { name: title }).click();
    await page.waitForURL(/\/my\/listings\/\d+$/);
    await audit.visit('listing-edit', page.url(), context);
    assert.equal(await page.getByLabel('库存').inputValue(), '20');
    await page.getByLabel('库存').fill('25');
    r = await submit(page, page.getByRole('button', { name: '保存' }));
    assert.equal(r.status(), 200);
    assert.ok(await page.getByText('已保存。').count());
    assert.equal((await api(server.url, 'GET', `/v1/listings/${listing.id}`)).stock, 25);

    // A buyer orders two and pays; the farmer ships with a tracking number.
    const order = await buyerOrdersAndPays(mode, listing.id, shopId);
    await page.getByRole('link', { name: '待发货订单' }).first().click();
    await page.waitForURL(/\/my\/sales$/);
    await audit.visit('sales', page.url(), context);
    await page.locator(`main a[href="/my/sales/${order.id}"]`).click();
    await page.waitForURL(/\/my\/sales\/\d+$/);
    assert.match(await page.locator('main').innerText(), /重庆市奉节县永安街道 8 号/);
    await audit.visit('sale', page.url(), context);
    await page.getByLabel('快递单号').fill(`SF10${mode.js ? 1 : 2}2345678`);
    r = await submit(page, page.getByRole('button', { name: '确认发货' }));
    assert.equal(r.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/my/sales');
    assert.ok(await page.getByText('已发货。').count());
    assert.equal(await page.locator(`main a[href="/my/sales/${order.id}"]`).count(), 0, 'no longer to ship');
    const shipped = await api(server.url, 'GET', `/v1/orders/${order.id}`, { token: order.token });
    assert.equal(shipped.status, 'shipped');
    assert.equal(shipped.tracking, `SF10${mode.js ? 1 : 2}2345678`);

    // The money: pending until the buyer has it.
    await page.goto('/my/balance');
    assert.match(await page.locator('main').innerText(), /待结算\s*¥\d+\.\d{2}/);
    assert.ok(await page.getByText(/买家付款/).count(), 'the statement has the payment');
    await audit.visit('balance', page.url(), context);

    assertFlowClean(flow, `farmer (${mode.label})`);
    audit.assertAll(KNOWN);
    await t.test(`known page failures: ${KNOWN.map(k => k.what).join('; ')}`,
      { todo: 'fix the pages, then remove from KNOWN' }, () => audit.assertKnown());
  } finally {
    await flow.close();
  }
});
