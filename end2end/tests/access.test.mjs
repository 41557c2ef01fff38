// Area-scoped access, accounts and the audit log in real Chromium against the
// real server and the demo data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARTIFACTS_DIR, BASE_URL, DESKTOP, PHONE, closePage, launchBrowser, newPage, screenshot, signIn,
  waitForHydration, signedInPage,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** The address of a case outside both villages `fo.waled` serves, from the district manager's list. */
async function caseOfAnotherVillage() {
  const page = await newPage(browser);
  await signIn(page, 'manajer.cirebon');
  await page.waitForURL(`${BASE_URL}/`);
  await page.getByTestId('nav-cases').click();
  await page.getByTestId('case-table').waitFor();
  const href = await page.evaluate(() => {
    const rows = [...document.querySelectorAll('[data-testid="case-table"] tbody tr')];
    const row = rows.find((r) => !['32.09.01.2008', '32.09.01.2009'].includes(r.dataset.village));
    return row?.querySelector('a[data-testid="case-link"]')?.getAttribute('href');
  });
  await closePage(page);
  assert.ok(href, 'the district has a case outside Waled Desa and Waled Kota');
  return href;
}

test('a village front office opening another village\'s case by URL gets an Indonesian refusal', async () => {
  const href = await caseOfAnotherVillage();
  const page = await signedInPage(browser, 'fo.waled', PHONE);
  const response = await page.goto(`${BASE_URL}${href}`);
  assert.equal(response.status(), 403);
  const refusal = page.getByTestId('access-refused');
  await refusal.waitFor();
  const text = await refusal.textContent();
  assert.match(text, /Akses ditolak/);
  assert.match(text, /Anda tidak berwenang mengakses data ini/);
  assert.match(text, /dicatat dalam log audit/);
  await screenshot(page, 'access-refused-phone');
  await closePage(page);
});

test('a front office serving two villages switches area and sees it in the header', async () => {
  const page = await signedInPage(browser, 'fo.waled', PHONE);
  assert.match(await page.getByTestId('current-area').textContent(), /Waled Desa/i);
  await page.getByTestId('current-area').click();
  await page.getByTestId('assignments').waitFor();
  await waitForHydration(page);
  await page.getByTestId('assignment-switch').click();
  await page.waitForURL(`${BASE_URL}/`);
  await page.getByTestId('welcome').waitFor();
  assert.match(await page.getByTestId('current-area').textContent(), /Waled Kota/i);
  assert.match(await page.getByTestId('user-area').textContent(), /32\.09\.01\.2009/);
  await closePage(page);
});

test('an administrator creates an account; its first sign-in must choose a password; the audit log shows it and exports CSV', async () => {
  const admin = await signedInPage(browser, 'admin', DESKTOP);
  await admin.getByTestId('nav-users').click();
  await admin.getByTestId('user-table').waitFor();
  await admin.getByTestId('new-user').click();
  await admin.getByLabel('Nama pengguna').waitFor();
  await waitForHydration(admin);
  await admin.getByLabel('Nama pengguna').fill('fo.baru');
  // The form checks as it is typed, with the same check the server runs: a
  // letter in the institution id is named once the field is left, before sending.
  const institutionId = admin.getByLabel('ID lembaga (khusus peran lembaga penerima)');
  await institutionId.fill('abc');
  await institutionId.press('Tab');
  const liveError = admin.locator('[data-live-error="institution_id"]');
  await liveError.waitFor();
  assert.match(await liveError.textContent(), /"abc".*tidak dikenal/);
  await institutionId.fill('');
  await liveError.waitFor({ state: 'detached' });
  await admin.getByLabel('Nama lengkap').fill('Petugas Baru Waled');
  // A common password is refused with the reason, and the form keeps what was typed.
  await admin.getByLabel('Kata sandi sementara').fill('password123');
  await admin.getByLabel('Kode wilayah').fill('32.09.01.2008');
  await admin.getByTestId('create-user-submit').click();
  await admin.getByTestId('form-error').waitFor();
  assert.match(await admin.getByTestId('form-error').textContent(), /terlalu umum/);
  assert.equal(await admin.getByLabel('Nama lengkap').inputValue(), 'Petugas Baru Waled');
  await admin.getByLabel('Kata sandi sementara').fill('sementara-untuk-fo-baru');
  await admin.getByTestId('create-user-submit').click();
  await admin.getByTestId('user-username').waitFor();
  assert.equal(await admin.getByTestId('user-username').textContent(), 'fo.baru');

  const user = await newPage(browser, { viewport: PHONE });
  await signIn(user, 'fo.baru', 'sementara-untuk-fo-baru');
  await user.waitForURL(`${BASE_URL}/akun/kata-sandi`);
  await user.getByTestId('must-change').waitFor();
  await waitForHydration(user);
  await user.getByLabel('Kata sandi saat ini').fill('sementara-untuk-fo-baru');
  await user.getByLabel('Kata sandi baru', { exact: true }).fill('sawah-hijau-di-waled');
  // A repeat that differs is named when the field is left, before anything is sent.
  await user.getByLabel('Ulangi kata sandi baru').fill('sawah-hijau');
  await user.getByLabel('Ulangi kata sandi baru').press('Tab');
  const mismatch = user.locator('[data-live-error="confirm_password"]');
  await mismatch.waitFor();
  assert.match(await mismatch.textContent(), /tidak sama dengan kata sandi baru/);
  await user.getByLabel('Ulangi kata sandi baru').fill('sawah-hijau-di-waled');
  await mismatch.waitFor({ state: 'detached' });
  await user.getByTestId('change-password-submit').click();
  await user.getByTestId('form-success').waitFor();
  await user.goto(`${BASE_URL}/`);
  await user.getByTestId('welcome').waitFor();
  await closePage(user);

  await admin.goto(`${BASE_URL}/admin/audit?username=fo.baru`);
  await admin.getByTestId('audit-table').waitFor();
  const actions = await admin.locator('[data-testid="audit-table"] tbody tr td:nth-child(3)').allTextContents();
  assert.ok(actions.includes('login'), `login recorded: ${actions}`);
  assert.ok(actions.includes('change_password'), `password change recorded: ${actions}`);
  await screenshot(admin, 'audit-log-desktop');
  const [download] = await Promise.all([
    admin.waitForEvent('download'),
    admin.getByTestId('audit-export').click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(csv.split('\n')[0], /waktu_wib;pengguna;aksi/);
  assert.match(csv, /fo\.baru;change_password/);
  await closePage(admin);
});

test('a receiving institution accepts and completes a referral from its inbox; the letter prints on A4 and verifies', async () => {
  const page = await signedInPage(browser, 'lembaga.dinsos', PHONE);
  await page.goto(`${BASE_URL}/rujukan?status=sent`);
  await page.getByTestId('referral-card').first().waitFor();
  await waitForHydration(page);
  const card = page.getByTestId('referral-card').first();
  const number = await card.getAttribute('data-number');
  assert.ok(number, 'the hospital has a referral waiting');
  await screenshot(page, 'referral-inbox-phone');

  await card.getByTestId('action-accept').click();
  await page.getByTestId('form-success').waitFor();
  const accepted = page.locator(`[data-testid="referral-card"][data-number="${number}"]`);
  // The accepted referral left the "sent" filter; the desk finds it by its letter number.
  const find = `${BASE_URL}/rujukan?cari=${encodeURIComponent(number)}`;
  await page.goto(find);
  await waitForHydration(page);
  await accepted.waitFor();
  assert.equal(await accepted.getByTestId('referral-state').textContent(), 'Diterima');
  await accepted.getByTestId('action-start_processing').click();
  await page.getByTestId('form-success').waitFor();
  await page.goto(find);
  await waitForHydration(page);
  await accepted.waitFor();
  await accepted.getByTestId('note-complete').fill('Pasien dirawat dan dibebaskan dari biaya.');
  await accepted.getByTestId('action-complete').click();
  await page.getByTestId('form-success').waitFor();
  await page.goto(find);
  await accepted.waitFor();
  assert.equal(await accepted.getByTestId('referral-state').textContent(), 'Selesai');

  // The letter: A4 print (as PDF), with the code that anyone can check without signing in.
  await accepted.getByTestId('letter-link').click();
  await page.getByTestId('referral-letter').waitFor();
  assert.match(await page.getByTestId('letter-number').textContent(), new RegExp(number.replace(/\//g, '\\/')));
  const code = (await page.getByTestId('letter-code').textContent()).trim();
  await page.setViewportSize(DESKTOP);
  await screenshot(page, 'referral-letter-desktop');
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: join(ARTIFACTS_DIR, 'referral-letter.pdf'), format: 'A4', preferCSSPageSize: true });
  await closePage(page);

  const stranger = await newPage(browser, { viewport: PHONE });
  await stranger.goto(`${BASE_URL}/verifikasi?kode=${encodeURIComponent(code)}`);
  await stranger.getByTestId('verify-result').waitFor();
  assert.equal(await stranger.getByTestId('verify-state').textContent(), 'Selesai');
  const text = await stranger.getByTestId('verify-result').textContent();
  assert.ok(text.includes(number));
  await stranger.goto(`${BASE_URL}/verifikasi?kode=BUKANKODE`);
  await stranger.getByTestId('verify-error').waitFor();
  assert.match(await stranger.getByTestId('verify-error').textContent(), /Kode tidak dikenal/);
  await closePage(stranger);
});

test('a district manager filters the case list to overdue cases and downloads exactly those as CSV', async () => {
  const page = await signedInPage(browser, 'manajer.cirebon', DESKTOP);
  await page.getByTestId('nav-cases').click();
  await page.getByTestId('case-table').waitFor();
  const before = await page.getByTestId('case-total').textContent();
  await page.getByLabel('Hanya yang terlambat').check();
  await page.getByRole('button', { name: 'Terapkan' }).click();
  await page.waitForURL(/terlambat=1/);
  await page.getByTestId('case-table').waitFor();
  const overdue = await page.getByTestId('case-total').textContent();
  const count = Number(overdue.split(' ')[0].replace(/\./g, ''));
  assert.ok(count > 0 && overdue !== before, `${before} → ${overdue}`);
  await screenshot(page, 'case-list-desktop');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('case-export').click(),
  ]);
  const rows = readFileSync(await download.path(), 'utf8').trim().split('\n');
  assert.match(rows[0], /nomor;dibuka;kepala_keluarga/);
  assert.equal(rows.length - 1, count, 'the CSV holds the filtered list, every page of it');
  assert.ok(rows.slice(1).every((row) => row.endsWith(';ya')), 'only overdue cases');
  await page.setViewportSize(PHONE);
  await screenshot(page, 'case-list-phone');
  await closePage(page);
});
