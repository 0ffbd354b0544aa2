'use strict';
// Plays Alipay for the flow tests: makes Alipay's key pair and the application's (PEM files in
// a directory, for `cunji serve --alipay-*`), and signs trade notifications the way Alipay
// does: RSA2 (SHA256withRSA) over every field but `sign` and `sign_type`, sorted by name,
// `key=value` joined with `&`, values not escaped; `sign` is the base64 signature. The same
// as tests/system/alipay_play.py, with node:crypto instead of the openssl tool.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const APP_ID = '2021000000000001';
const SELLER_ID = '2088000000000001';

function writeKeyPair(dir, who) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const priv = path.join(dir, `${who}_private.pem`);
  const pub = path.join(dir, `${who}_public.pem`);
  fs.writeFileSync(priv, privateKey, { mode: 0o600 });
  fs.writeFileSync(pub, publicKey);
  return { privateKey, privatePath: priv, publicPath: pub };
}

// Returns { alipayPrivateKey (PEM text, signs notifications), args (the `cunji serve` options) }.
function makeAlipayKeys(dir) {
  const alipay = writeKeyPair(dir, 'alipay');
  const app = writeKeyPair(dir, 'app');
  return {
    alipayPrivateKey: alipay.privateKey,
    args: ['--alipay-app-id', APP_ID, '--alipay-seller-id', SELLER_ID,
      '--alipay-public-key', alipay.publicPath, '--alipay-private-key', app.privatePath],
  };
}

// 1234 fen -> "12.34", exactly (integers only).
function yuan(fen) {
  return `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

// The form body (application/x-www-form-urlencoded) of Alipay's notification that the trade
// `outTradeNo` succeeded (status TRADE_SUCCESS) or closed (TRADE_CLOSED).
function alipayNotification(alipayPrivateKey, { outTradeNo, tradeNo, amountFen, status = 'TRADE_SUCCESS' }) {
  const fields = {
    app_id: APP_ID, seller_id: SELLER_ID, out_trade_no: outTradeNo, trade_no: tradeNo,
    total_amount: yuan(amountFen), trade_status: status, charset: 'utf-8', version: '1.0',
    notify_type: 'trade_status_sync',
  };
  const content = Object.keys(fields).sort().map(k => `${k}=${fields[k]}`).join('&');
  const sign = crypto.sign('sha256', Buffer.from(content), alipayPrivateKey).toString('base64');
  return new URLSearchParams({ ...fields, sign_type: 'RSA2', sign }).toString();
}

let tradeSeq = 0;

// POSTs a signed notification to the server; resolves to { status, body } (Alipay's
// notification was taken when it is 200 "success").
async function notifyAlipayPaid(baseUrl, alipayPrivateKey, { outTradeNo, amountFen, status, tradeNo }) {
  tradeNo ||= `2026${String(Date.now()).padStart(16, '0')}${String(++tradeSeq).padStart(8, '0')}`;
  const res = await fetch(new URL('/v1/payments/alipay/notify', baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: alipayNotification(alipayPrivateKey, { outTradeNo, tradeNo, amountFen, status }),
  });
  return { status: res.status, body: await res.text() };
}

// The trade of a mobile-web payment URL (gateway?…&biz_content={json}), as the pages will send
// the buyer to Alipay: { outTradeNo, amountFen }. Amounts are yuan with two decimals.
function tradeFromPayUrl(url) {
  const biz = JSON.parse(new URL(url).searchParams.get('biz_content'));
  const [y, f = ''] = String(biz.total_amount).split('.');
  return { outTradeNo: biz.out_trade_no, amountFen: Number(y) * 100 + Number(f.padEnd(2, '0')) };
}

module.exports = { APP_ID, SELLER_ID, makeAlipayKeys, alipayNotification, notifyAlipayPaid, tradeFromPayUrl, yuan };
