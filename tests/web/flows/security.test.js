'use strict';
// The pages' defences, JavaScript on and off: a form POSTed from another origin is refused
// even with a valid token (cross-site, and same-site from another port), a POST without its
// token or with a forged one is refused, a listing title that is HTML renders as text, and
// /v1 never takes the page session (its cookie, or its token as a bearer token).
const { before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { launchBrowser, startCunji, testBothModes, openFlow, assertBudgets } = require('../lib');
const { api, freshPhone, submit } = require('./support');

const PASSWORD = 'guarded-by-tokens';
let browser, server, attacker, listingId;

// Another origin, serving whatever page a test hands it: `http://localhost:PORT` is another
// site than the server's `http://127.0.0.1:…`, `http://127.0.0.1:PORT` the same site on
// another port.
function startAttacker() {
  let html = '<!doctype html><title>empty</title>';
  const srv = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  return new Promise(resolve => srv.listen(0, '127.0.0.1', () => resolve({
    port: srv.address().port,
    serve(page) { html = page; },
    close: () => new Promise(r => srv.close(r)),
  })));
}

// A plain form to `action` with the given fields and one button (clicked by the test, so that
// it works with JavaScript off too).
function formPage(action, fields) {
  const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`).join('');
  return `<!doctype html><html lang="en"><title>win a prize</title><main><form method="post" action="${action}">` +
    `${inputs}<button type="submit">claim</button></form></main></html>`;
}

before(async () => {
  server = await startCunji();
  browser = await launchBrowser();
  attacker = await startAttacker();
  listingId = (await api(server.url, 'GET', '/v1/listings?in_stock=true&limit=1')).items[0].id;
});
after(async () => {
  await browser?.close();
  await attacker?.close();
  await server?.stop();
});

// The flow's checks (lib/flow.js assertFlowClean), but the refusals it made happen are
// expected: Chromium logs each 403 page as a console error, exactly `refused` of them.
function assertCleanBut403s(flow, name, refused) {
  const w = flow.watch;
  const is403 = e => /status of 403 \(Forbidden\)/.test(e);
  assert.equal(w.consoleErrors().filter(is403).length, refused, `${name}: one console line per refusal`);
  assertBudgets({ name, js: true, html: w.htmlResponses(), consoleErrors: w.consoleErrors().filter(e => !is403(e)),
    cspViolations: w.cspViolations() }, ['htmlBytes', 'problems']);
}

// A new buyer, signed in on the pages of `flow` through /signin.
async function signIn(flow, mode) {
  const phone = freshPhone(mode);
  await api(server.url, 'POST', '/v1/accounts', { body: { role: 'buyer', name: '周敏', phone, password: PASSWORD } });
  const { page } = flow;
  await page.goto('/signin?next=/orders');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(PASSWORD);
  const r = await submit(page, page.getByRole('button', { name: '登录', exact: true }));
  assert.equal(r.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/orders');
  return phone;
}

async function cartIsEmpty(page) {
  await page.goto('/cart');
  return (await page.getByText('购物车是空的。').count()) === 1;
}

async function stillSignedIn(page) {
  const r = await page.goto('/orders');
  return r.status() === 200 && new URL(page.url()).pathname === '/orders';
}

testBothModes('page flow security: a cross-site POST is refused', async (t, mode) => {
  const flow = await openFlow(browser, { js: mode.js, baseURL: server.url });
  const { page } = flow;
  try {
    await signIn(flow, mode);
    // Valid tokens, as if they had leaked: the refusal can only come from the origin check.
    await page.goto(`/listings/${listingId}`);
    const addToken = await page.locator('form[action="/cart/add"] input[name=_csrf]').inputValue();
    const signoutToken = await page.locator('form[action="/signout"] input[name=_csrf]').inputValue();
    for (const host of ['localhost', '127.0.0.1']) {
      const from = `http://${host}:${attacker.port}/`;
      attacker.serve(formPage(`${server.url}/cart/add`, { _csrf: addToken, listing_id: listingId, quantity: 3 }));
      await page.goto(from);
      const add = await submit(page, page.getByRole('button', { name: 'claim' }));
      assert.equal(add.status(), 403, `/cart/add from ${from}`);
      assert.match(await page.locator('main').innerText(), /请求被拒绝/);
      assert.ok(await cartIsEmpty(page), `the cart stays empty after a POST from ${from}`);

      attacker.serve(formPage(`${server.url}/signout`, { _csrf: signoutToken }));
      await page.goto(from);
      const out = await submit(page, page.getByRole('button', { name: 'claim' }));
      assert.equal(out.status(), 403, `/signout from ${from}`);
      assert.ok(await stillSignedIn(page), `still signed in after a POST from ${from}`);
    }
    // The same token from the server's own page is taken: the test could tell.
    await page.goto(`/listings/${listingId}`);
    const ok = await submit(page, page.getByRole('button', { name: '加入购物车' }));
    assert.equal(ok.status(), 200);
    assert.ok(!(await cartIsEmpty(page)), 'a same-origin POST adds to the cart');
    assertCleanBut403s(flow, `security cross-site (${mode.label})`, 4);
  } finally {
    await flow.close();
  }
});

testBothModes('page flow security: a POST without its token is refused', async (t, mode) => {
  const flow = await openFlow(browser, { js: mode.js, baseURL: server.url });
  const { page } = flow;
  const token = form => page.locator(`form[action="${form}"] input[name=_csrf]`);
  try {
    // Anonymous: the cart's forms. The field removed, then a forged value.
    for (const tamper of [el => el.remove(), el => { el.value = el.value.slice(0, -4) + 'AAAA'; }]) {
      await page.goto(`/listings/${listingId}`);
      await token('/cart/add').evaluate(tamper);
      const r = await submit(page, page.getByRole('button', { name: '加入购物车' }));
      assert.equal(r.status(), 403);
      assert.ok(await cartIsEmpty(page));
    }
    // Signed in: signing out without the token.
    await signIn(flow, mode);
    await token('/signout').evaluate(el => el.remove());
    const out = await submit(page, page.getByRole('button', { name: /^退出/ }));
    assert.equal(out.status(), 403);
    assert.ok(await stillSignedIn(page));
    // With the token, both are taken.
    await page.goto(`/listings/${listingId}`);
    assert.equal((await submit(page, page.getByRole('button', { name: '加入购物车' }))).status(), 200);
    assert.ok(!(await cartIsEmpty(page)));
    assert.equal((await submit(page, page.getByRole('button', { name: /^退出/ }))).status(), 200);
    assert.ok(!(await stillSignedIn(page)), 'signed out');
    assertCleanBut403s(flow, `security token (${mode.label})`, 3);
  } finally {
    await flow.close();
  }
});

testBothModes('page flow security: a <script> title is rendered as text', async (t, mode) => {
  // A farmer's shop and listing made through /v1.
  const phone = freshPhone(mode);
  const village = (await api(server.url, 'GET', '/v1/villages?limit=1')).items[0];
  await api(server.url, 'POST', '/v1/accounts',
    { body: { role: 'farmer', name: '钱多多', phone, password: PASSWORD, village_id: village.id } });
  const { token } = await api(server.url, 'POST', '/v1/sessions', { body: { phone, password: PASSWORD } });
  const shop = await api(server.url, 'POST', '/v1/shops', { token, body: { name: '<b>钱家果园</b>' } });
  const title = '<script>alert(1)</script>';
  const description = '<img src=x onerror=alert(2)>"><svg onload=alert(3)>';
  const listing = await api(server.url, 'POST', `/v1/shops/${shop.id}/listings`, {
    token, body: { title, description, category: 'fruit', unit: 'kg', price_fen: 1280, stock: 9 } });

  const flow = await openFlow(browser, { js: mode.js, baseURL: server.url });
  const { page } = flow;
  const dialogs = [];
  page.on('dialog', d => { dialogs.push(d.message()); d.dismiss(); });
  try {
    for (const path of [`/listings/${listing.id}`, `/shops/${shop.id}`]) {
      const r = await page.goto(path);
      assert.equal(r.status(), 200, path);
      const main = page.locator('main');
      assert.ok((await main.innerText()).includes(title), `${path} shows the title as text`);
      assert.equal(await page.locator('script').count(), 0, `${path} has no script element`);
      assert.equal(await page.locator('main img[src="x"], main svg, main b').count(), 0, `${path} has no injected element`);
      const html = await r.text();
      assert.ok(!html.includes(title) && html.includes('&lt;script&gt;'), `${path} escapes the title`);
    }
    assert.ok((await page.locator('main h1').innerText()).includes('<b>钱家果园</b>'), 'the shop name is text too');
    await page.goto(`/listings/${listing.id}`);
    assert.ok((await page.locator('main').innerText()).includes(description), 'the description is text');
    assert.deepEqual(dialogs, []);
    assertCleanBut403s(flow, `security script title (${mode.label})`, 0);
  } finally {
    await flow.close();
  }
});

testBothModes('page flow security: /v1 ignores the session cookie', async (t, mode) => {
  const flow = await openFlow(browser, { js: mode.js, baseURL: server.url });
  const { page, context } = flow;
  try {
    const phone = await signIn(flow, mode);
    const sid = (await context.cookies(server.url)).find(c => /(^|-)sid$/.test(c.name));
    assert.ok(sid, 'the page session is a cookie');
    // The browser's own request, with the session cookie: 401.
    const r = await page.goto('/v1/me');
    assert.equal(r.status(), 401);
    assert.ok((await r.request().allHeaders()).cookie?.includes(`${sid.name}=`), 'the cookie was sent');
    // The context's cookies through the request API, to a read and a write.
    assert.equal((await context.request.get(`${server.url}/v1/me`)).status(), 401);
    const order = await context.request.post(`${server.url}/v1/purchases`, {
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `cookie-${mode.label}` },
      data: { lines: [{ listing_id: listingId, quantity: 1 }], delivery: { method: 'address', address: '某村' } } });
    assert.equal(order.status(), 401);
    // The page token is no bearer token; the account's own bearer token works.
    const asBearer = await fetch(`${server.url}/v1/me`, { headers: { Authorization: `Bearer ${sid.value}` } });
    assert.equal(asBearer.status, 401);
    const { token } = await api(server.url, 'POST', '/v1/sessions', { body: { phone, password: PASSWORD } });
    assert.equal((await api(server.url, 'GET', '/v1/me', { token })).phone.replace(/^\+86/, ''), phone);
  } finally {
    await flow.close();
  }
});
