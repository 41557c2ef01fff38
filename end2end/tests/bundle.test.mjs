// The browser bundle arrives in page groups (app/src/pages/groups.rs): a page
// fetches the main module and its own group's modules, the next group arrives
// when the user goes there, and a group that cannot be fetched says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, PHONE, closePage, launchBrowser, newPage, signIn, signedInPage, waitForHydration } from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Names of the WebAssembly files the page has asked for so far. */
function wasmRequests(page) {
  const names = new Set();
  page.on('request', (request) => {
    const match = /\/pkg\/(?:[^/?]+\/)?([^/?]+\.wasm)/.exec(request.url());
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
  await page.route('**/pkg/*/split_cases.wasm', (route) => route.abort('internetdisconnected'));
  await page.getByTestId('nav-cases').click();
  const notice = page.getByRole('alert').filter({ hasText: 'Halaman gagal dimuat' });
  await notice.waitFor();
  assert.match(await notice.textContent(), /Periksa koneksi internet Anda/);
  await page.unroute('**/pkg/*/split_cases.wasm');
  await notice.getByRole('link', { name: 'Muat ulang' }).click();
  await page.getByTestId('case-table').waitFor();
  assert.equal(new URL(page.url()).pathname, '/kasus');
  await closePage(page);
});

test('the bundle is kept by the service worker and never a page: a second visit fetches no code', async () => {
  const page = await newPage(browser, { viewport: PHONE, serviceWorkers: 'allow' });
  await signIn(page, 'fo.waled');
  await page.waitForURL(`${BASE_URL}/`);
  await page.goto(`${BASE_URL}/layanan`);
  await waitForHydration(page);
  // The worker takes over and keeps the files this page loaded before it did.
  await page.waitForFunction(async () => {
    if (!navigator.serviceWorker.controller) return false;
    const names = await caches.keys();
    if (names.length !== 1) return false;
    const kept = await (await caches.open(names[0])).keys();
    return kept.some((r) => r.url.endsWith('/split_intake.wasm'));
  }, null, { timeout: 30_000 });
  const kept = await page.evaluate(async () => {
    const names = await caches.keys();
    return (await (await caches.open(names[0])).keys()).map((r) => new URL(r.url).pathname);
  });
  const build = /^\/pkg\/([0-9a-f]{16})\//.exec(kept[0])?.[1];
  assert.ok(build, `files of one build: ${kept[0]}`);
  assert.deepEqual(kept.filter((path) => !path.startsWith(`/pkg/${build}/`)), [], 'nothing but the bundle is kept');
  // The second visit: the bundle comes from the worker, the page from the server.
  const responses = [];
  page.on('response', (response) => responses.push(response));
  await page.reload();
  await waitForHydration(page);
  const code = responses.filter((r) => new URL(r.url()).pathname.startsWith('/pkg/'));
  assert.ok(code.some((r) => r.url().endsWith('.wasm')), 'the page used its modules');
  assert.deepEqual(code.filter((r) => !r.fromServiceWorker()).map((r) => r.url()), [], 'no bundle file from the network');
  const document = responses.find((r) => new URL(r.url()).pathname === '/layanan');
  assert.ok(document && !document.fromServiceWorker(), 'the page itself comes from the server');
  assert.equal(document.headers()['cache-control'], 'no-store');
  const cached = code.find((r) => r.url().endsWith('/slrt.wasm'));
  assert.equal(cached.headers()['cache-control'], 'public, max-age=31536000, immutable');
  await closePage(page);
});
