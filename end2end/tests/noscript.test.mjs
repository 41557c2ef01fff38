// The front desk with JavaScript off (a phone that never loads the bundle, or
// a desk that submits before it has loaded): every form is plain HTML posted
// to its own page, and the server answers with the page again or the record
// it created. `cargo xtask test` scans every address this browser asked for:
// no NIK or No KK may travel in one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, DEMO_PASSWORD, PHONE, closePage, field, fillHousehold, fillMember, launchBrowser,
  newPage, screenshot, waitForHydration,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// Synthetic numbers of Kecamatan Waled (320901) that no demo household uses;
// the serial comes from the clock (8000–8999: the flow test uses 9000–9999).
const serial = String(8000 + (Date.now() % 1000)).padStart(4, '0');
const NO_KK = `320901170326${serial}`;
const HEAD_NIK = `320901030378${serial}`; // male, born 03/03/1978
const WIFE_NIK = `320901450580${serial}`; // female (day + 40), born 05/05/1980
const HEAD = `Karsim Tanpa Skrip ${serial}`;

test('without JavaScript the front desk looks up, registers a household and opens a case', async () => {
  const page = await newPage(browser, { viewport: PHONE, javaScriptEnabled: false });
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Nama pengguna').fill('fo.waled');
  await page.getByLabel('Kata sandi', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL(`${BASE_URL}/`);

  // The lookup: posted in the body, answered on the same page, the number masked.
  await page.getByTestId('nav-intake').click();
  await page.waitForURL(`${BASE_URL}/layanan`);
  await page.getByLabel('Nomor (16 digit)').fill(HEAD_NIK);
  await page.getByTestId('lookup-submit').click();
  await page.getByTestId('registry-not-found').waitFor();
  assert.match(await page.getByLabel('Nomor (16 digit)').inputValue(), /^\*{12}\d{4}$/);
  await screenshot(page, 'noscript-lookup-phone');

  // The registration starts with the head's NIK and what it encodes.
  await page.getByTestId('start-registration').click();
  const form = page.getByTestId('registration-form');
  await form.waitFor();
  const head = form.getByTestId('member').nth(0);
  assert.equal(await field(head, 'NIK').inputValue(), HEAD_NIK);
  assert.equal(await field(head, 'Tanggal lahir').inputValue(), '1978-03-03');
  await field(form, 'Nomor KK').fill(NO_KK);
  await field(form, 'Nama kepala keluarga').fill(HEAD);
  await field(form, 'Desa/kelurahan').selectOption({ index: 1 });
  await field(form, 'RW').fill('3');
  await field(form, 'RT').fill('1');
  for (const label of ['Status rumah', 'Status lahan', 'Lantai', 'Dinding', 'Atap', 'Air minum', 'Penerangan', 'Bahan bakar memasak', 'Fasilitas BAB', 'Penghasilan keluarga per bulan']) {
    await field(form, label).selectOption({ index: 1 });
  }
  await field(form, 'Luas lantai (m²)').fill('30');
  await field(head, 'Tempat lahir').fill('Cirebon');
  for (const label of ['Status perkawinan', 'Pendidikan tertinggi', 'Pekerjaan utama']) {
    await field(head, label).selectOption({ index: 2 });
  }

  // "+ Tambah anggota" is a round trip to the server that keeps what was typed.
  await form.getByTestId('add-member').click();
  await form.getByTestId('member').nth(1).waitFor();
  assert.equal(await field(form, 'Nama kepala keluarga').inputValue(), HEAD);
  // The head's row has no name field of its own: it shows the head's name, typed once.
  assert.ok((await form.getByTestId('member').nth(0).getByTestId('head-member-name').textContent()).includes(HEAD));
  assert.equal(await field(form.getByTestId('member').nth(0), 'Tempat lahir').inputValue(), 'Cirebon');

  // Saved with the wife's name missing: the page comes back with the error beside the field.
  const wife = form.getByTestId('member').nth(1);
  await field(wife, 'NIK').fill(WIFE_NIK);
  await field(wife, 'Hubungan dengan kepala keluarga').selectOption('spouse');
  await field(wife, 'Tempat lahir').fill('Indramayu');
  for (const label of ['Status perkawinan', 'Pendidikan tertinggi', 'Pekerjaan utama']) {
    await field(wife, label).selectOption({ index: 2 });
  }
  await page.getByTestId('registration-submit').click();
  await page.locator('#f-members-1-name-error').filter({ hasText: /\S/ }).waitFor();
  // Every message names its field as the form labels it, never by a code name.
  const shown = await page.locator('[id$="-error"], [data-testid="form-error"]').allTextContents();
  assert.ok(shown.some((text) => /nama/i.test(text)), `the missing name is reported: ${shown}`);
  for (const text of shown) assert.ok(!/[a-z]+_[a-z]+|members\.\d/.test(text), `a code name in "${text}"`);
  await screenshot(page, 'noscript-registration-error-phone');
  // The NIK filled the wife's sex and birth date on the server.
  const returned = page.getByTestId('registration-form').getByTestId('member').nth(1);
  assert.equal(await field(returned, 'Jenis kelamin').inputValue(), 'female');
  assert.equal(await field(returned, 'Tanggal lahir').inputValue(), '1980-05-05');
  await field(returned, 'Nama lengkap').fill('Tarsih');
  await page.getByTestId('registration-submit').click();

  // The household's file, then a case with one complaint.
  await page.waitForURL(/\/keluarga\/\d+$/);
  await page.getByTestId('household-head').filter({ hasText: HEAD }).waitFor();
  assert.equal(await page.getByTestId('member-table').locator('tbody tr').count(), 2);
  const caseForm = page.getByTestId('open-case-form');
  const complaint = caseForm.getByTestId('complaint').first();
  await field(complaint, 'Jenis').selectOption('service_request');
  await field(complaint, 'Sektor').selectOption('health');
  await field(complaint, 'Uraian').fill('Suami sakit paru-paru, perlu rujukan ke rumah sakit.');
  await field(complaint, 'Urgensi').selectOption('urgent');
  await field(complaint, 'KTP').check();
  await page.getByTestId('open-case-submit').click();
  await page.waitForURL(/\/kasus\/\d+$/);
  await page.getByTestId('case-state').filter({ hasText: 'Terdaftar' }).waitFor();
  await screenshot(page, 'noscript-case-phone');
  await closePage(page);
});

test('a lookup sent before the bundle has loaded is answered, and the answered page then comes alive', async () => {
  const page = await newPage(browser, { viewport: PHONE });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  let posts = 0;
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/layanan') posts += 1;
  });
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Nama pengguna').fill('fo.waled');
  await page.getByLabel('Kata sandi', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL(`${BASE_URL}/`);
  // The bundle is held back while the officer types and sends, as on a slow link.
  const held = [];
  let holding = true;
  await page.route('**/pkg/**/*.wasm', (route) => (holding ? held.push(route) : route.continue()));
  await page.goto(`${BASE_URL}/layanan`);
  const number = `${HEAD_NIK.slice(0, 12)}${String(Number(serial) + 1000).slice(-4)}`;
  await page.getByLabel('Nomor (16 digit)').fill(number);
  await page.getByTestId('lookup-submit').click();
  await page.getByTestId('registry-not-found').waitFor();
  assert.equal(posts, 1, 'the form was posted by the browser itself');
  holding = false;
  for (const route of held) await route.continue().catch(() => {});
  await waitForHydration(page);
  // Alive: the registration opens in the page, carrying the number, with no new post.
  await page.getByTestId('start-registration').click();
  const form = page.getByTestId('registration-form');
  await form.waitFor();
  assert.equal(await field(form.getByTestId('member').nth(0), 'NIK').inputValue(), number);
  assert.equal(posts, 1, 'the hydrated page answered the click itself');
  assert.deepEqual(errors, [], 'hydrating the answered page raised no error');
  await closePage(page);
});

test('without JavaScript a family not on record is registered from the worklist and lands on its proposal form', async () => {
  const serialHere = String(6000 + (Date.now() % 1000)).padStart(4, '0');
  const noKk = `320901210626${serialHere}`;
  const headNik = `320901080880${serialHere}`; // male, born 08/08/1980
  const head = `Rasmin Usulan ${serialHere}`;
  const page = await newPage(browser, { viewport: PHONE, javaScriptEnabled: false });
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Nama pengguna').fill('bo.waled');
  await page.getByLabel('Kata sandi', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL(`${BASE_URL}/`);
  await page.goto(`${BASE_URL}/usulan`);
  await page.getByTestId('propose-new-family').click();
  await page.waitForURL(`${BASE_URL}/layanan?usul=1`);
  await page.getByTestId('intake-to-propose').waitFor();
  await page.getByLabel('Nomor (16 digit)').fill(headNik);
  await page.getByTestId('lookup-submit').click();
  await page.getByTestId('registry-not-found').waitFor();
  await page.getByTestId('start-registration').click();
  const form = page.getByTestId('registration-form');
  await form.waitFor();
  await field(form, 'Nomor KK').fill(noKk);
  await fillHousehold(form, head);
  await fillMember(form.getByTestId('member').nth(0), 'Cirebon');
  await page.getByTestId('registration-submit').click();
  // The post answered with the household at its proposal form.
  await page.waitForURL(/\/keluarga\/\d+#usulan$/);
  await page.getByTestId('household-head').filter({ hasText: head }).waitFor();
  assert.equal(await field(page.getByTestId('propose-form'), 'Jenis usulan').inputValue(), 'new_family');
  await closePage(page);
});
