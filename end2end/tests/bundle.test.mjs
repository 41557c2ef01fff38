// The browser bundle arrives in page groups (app/src/pages/groups.rs): a page
// fetches the main module and its own group's modules, the next group arrives
// when the user goes there, and a group that cannot be fetched says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, closePage, launchBrowser, signedInPage, waitForHydration } from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Names of the WebAssembly files the page has asked for so far. */
function wasmRequests(page) {
  const names = new Set();
  page.on('request', (request) => {
    const match = /\/pkg\/([^/?]+\.wasm)/.exec(request.url());
    if (match) names.add(match[1]);
  });
  return names;
}

test('the front desk fetches only its own code; the cases arrive when the worker opens them, without a reload', async () => {
  const page = await signedInPage(browser, 'fo.waled');
  const fetched = wasmRequests(page);
  await page.goto(`${BASE_URL}/layanan`);
  await waitForHydration(page);
  assert.ok(fetched.has('slrt.wasm'), `main module: ${[...fetched]}`);
  assert.ok(fetched.has('split_intake.wasm'), `front desk group: ${[...fetched]}`);
  for (const other of ['split_cases.wasm', 'split_admin.wasm', 'split_dashboards.wasm', 'split_referrals.wasm']) {
    assert.ok(!fetched.has(other), `the front desk does not download ${other}`);
  }
  // Client-side navigation: the same document, the cases group fetched now.
  await page.evaluate(() => { window.sameDocument = true; });
  await page.getByTestId('nav-cases').click();
  await page.getByTestId('case-table').waitFor();
  assert.ok(fetched.has('split_cases.wasm'), `cases group after navigation: ${[...fetched]}`);
  assert.equal(await page.evaluate(() => window.sameDocument), true, 'no full page load');
  assert.match(await page.getByTestId('case-total').textContent(), /\d+ kasus/);
  await closePage(page);
});

test('a page whose code cannot be fetched says so in Indonesian, and reloading brings it back', async () => {
  const page = await signedInPage(browser, 'fo.waled');
  await page.goto(`${BASE_URL}/layanan`);
  await waitForHydration(page);
  await page.route('**/pkg/split_cases.wasm', (route) => route.abort('internetdisconnected'));
  await page.getByTestId('nav-cases').click();
  const notice = page.getByRole('alert').filter({ hasText: 'Halaman gagal dimuat' });
  await notice.waitFor();
  assert.match(await notice.textContent(), /Periksa koneksi internet Anda/);
  await page.unroute('**/pkg/split_cases.wasm');
  await notice.getByRole('link', { name: 'Muat ulang' }).click();
  await page.getByTestId('case-table').waitFor();
  assert.equal(new URL(page.url()).pathname, '/kasus');
  await closePage(page);
});
