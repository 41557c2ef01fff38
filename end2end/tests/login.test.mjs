// Sign-in, home page and sign-out in real Chromium against the real server,
// at phone (360 px) and desktop (1280 px) widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BASE_URL, DEMO_PASSWORD, DESKTOP, PHONE, closePage, launchBrowser, newPage, screenshot, signIn,
  waitForHydration, signedInPage,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Villages of an area in the reference CSV: what the home page must show. */
function villagesInReferenceData(prefix) {
  const csv = readFileSync(new URL('../../node_modules/idn-area-data/data/villages.csv', import.meta.url), 'utf8');
  const count = csv.split('\n').filter((line) => line.startsWith(`${prefix}.`)).length;
  return count.toLocaleString('id-ID');
}

test('the login page hydrates: the show-password button works only after WASM loaded', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/login`);
  await waitForHydration(page);
  const password = page.getByLabel('Kata sandi', { exact: true });
  assert.equal(await password.getAttribute('type'), 'password');
  await page.getByTestId('toggle-password').click();
  assert.equal(await password.getAttribute('type'), 'text');
  assert.equal(await page.getByTestId('toggle-password').textContent(), 'Sembunyikan');
  await page.getByTestId('toggle-password').click();
  assert.equal(await password.getAttribute('type'), 'password');
  for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    await page.setViewportSize(viewport);
    await screenshot(page, `login-${name}`);
  }
  await closePage(page);
});

test('a wrong password gets an Indonesian error and keeps what was typed', async () => {
  const page = await newPage(browser);
  await signIn(page, 'admin', 'bukan-kata-sandi');
  const error = page.getByTestId('login-error');
  await error.waitFor();
  assert.match(await error.textContent(), /Nama pengguna atau kata sandi salah/);
  assert.equal(await page.getByLabel('Nama pengguna').inputValue(), 'admin');
  assert.equal(new URL(page.url()).pathname, '/login');
  await closePage(page);
});

test('a district manager signs in, sees their area and its village count, and signs out', async () => {
  const page = await signedInPage(browser, 'manajer.cirebon', PHONE);
  await page.getByTestId('welcome').waitFor();
  assert.match(await page.getByTestId('welcome').textContent(), /Selamat datang, Hendra Gunawan/);
  assert.equal(await page.getByTestId('user-role').textContent(), 'Manajer SLRT');
  assert.equal(await page.getByTestId('user-area').textContent(), 'Kabupaten Cirebon (32.09)');
  const villages = page.getByTestId('village-count');
  await page.waitForFunction(() => document.querySelector('[data-testid="village-count"]')?.textContent !== '–');
  assert.equal(await villages.textContent(), villagesInReferenceData('32.09'));
  await screenshot(page, 'home-phone');
  await page.setViewportSize(DESKTOP);
  await screenshot(page, 'home-desktop');

  await page.getByRole('button', { name: 'Keluar' }).click();
  await page.waitForURL(`${BASE_URL}/login`);
  // The session is gone on the server too: the home page sends us back.
  await page.goto(`${BASE_URL}/`);
  assert.equal(new URL(page.url()).pathname, '/login');
  await closePage(page);
});

test('signing in works as a plain HTML form when JavaScript is off', async () => {
  const page = await newPage(browser, { javaScriptEnabled: false });
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Nama pengguna').fill('pemantau.kemensos');
  await page.getByLabel('Kata sandi', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL(`${BASE_URL}/`);
  assert.match(await page.getByTestId('welcome').textContent(), /Pemantau Kemensos/);
  assert.equal(await page.getByTestId('user-area').textContent(), 'Seluruh Indonesia');
  await closePage(page);
});
