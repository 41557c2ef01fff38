// Documents on a household's file, on a 360 px phone, in real Chromium
// against the real server and the demo data: a phone's photo of the house
// (with its GPS position) is uploaded from the file, listed with its kind,
// member, date, uploader and size, and opened without the position; a file
// named .jpg that is no photo is refused in Indonesian; the form works
// with JavaScript off; and a document attached to a case from the family's
// file (the case chosen from the case's page) is listed on the case's page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BASE_URL, DEMO_PASSWORD, PHONE, closePage, launchBrowser, newPage, overflow, screenshot,
  seriousAccessibilityViolations, settled, signedInPage,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// A phone's photo of a house's front with its position (see server/tests/fixtures/photos).
const PHOTO = readFileSync(new URL('../../server/tests/fixtures/photos/house-front-gps.jpg', import.meta.url));

/** The first household of the list open on `page`: its address. */
async function firstHousehold(page) {
  await page.goto(`${BASE_URL}/keluarga`);
  await page.getByTestId('household-list').waitFor();
  const href = await page.getByTestId('household-link').first().getAttribute('href');
  assert.ok(href, 'a demo household');
  return href;
}

/** The number of documents listed on the file open on `page`. */
async function listed(page) {
  await page.getByTestId('documents').waitFor();
  return page.getByTestId('document').count();
}

test('a photo is uploaded from the household file on a phone and opened without its position', async () => {
  const page = await signedInPage(browser, 'fo.waled', PHONE);
  const household = await firstHousehold(page);
  await page.goto(`${BASE_URL}${household}`);
  await settled(page);
  const before = await listed(page);

  // A file named like a photo that is something else: refused, nothing listed.
  const form = page.getByTestId('document-form');
  await form.getByTestId('document-kind').selectOption('ktp');
  await form.getByTestId('document-file').setInputFiles({
    name: 'ktp.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('%PDF-1.4 bukan foto %%EOF'),
  });
  await form.getByTestId('document-upload').click();
  await page.waitForURL(/dokumen_galat=document_mismatch/);
  const refusal = page.getByTestId('document-refused');
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /Isi berkas tidak sesuai dengan nama/);
  assert.equal(await listed(page), before);

  // The house's photo, about the whole family.
  await settled(page);
  await form.getByTestId('document-kind').selectOption('foto_rumah');
  await form.getByTestId('document-file').setInputFiles({
    name: 'IMG_20261208_091500.jpg', mimeType: 'image/jpeg', buffer: PHOTO,
  });
  await form.getByTestId('document-upload').click();
  await page.waitForURL(/[?&]dokumen=ok/);
  await page.getByTestId('document-kept').waitFor();
  await settled(page);
  assert.equal(await listed(page), before + 1);
  const newest = page.getByTestId('document').first();
  const text = await newest.textContent();
  assert.match(text, /Foto rumah tampak depan/);
  assert.match(text, /Seluruh keluarga/);
  assert.match(text, /fo\.waled/);
  assert.match(text, /\d+ KB|\d+,\d MB/);
  assert.equal(await overflow(page), null, 'the file fits a 360 px screen');
  assert.deepEqual(await seriousAccessibilityViolations(page), []);
  await page.getByTestId('documents').scrollIntoViewIfNeeded();
  await screenshot(page, 'documents-phone');

  // Opened: the picture shows, and its bytes carry no position or phone.
  const href = await newest.getByTestId('document-open').getAttribute('href');
  assert.match(href, /^\/unduh\/dokumen\?id=\d+$/);
  const kept = await page.context().request.get(`${BASE_URL}${href}`);
  assert.equal(kept.status(), 200);
  assert.equal(kept.headers()['content-type'], 'image/jpeg');
  assert.match(kept.headers()['content-disposition'], /^inline; filename="foto-rumah-\d+\.jpg"$/);
  const bytes = await kept.body();
  assert.ok(PHOTO.includes('SamsungA15') && !bytes.includes('SamsungA15'), 'the phone is gone');
  assert.ok(bytes.length < PHOTO.length);
  await newest.getByTestId('document-open').click();
  await page.waitForURL(/\/unduh\/dokumen\?id=\d+$/);
  const width = await page.evaluate(() => document.images[0]?.naturalWidth ?? 0);
  assert.ok(width > 0, 'the photo shows');
  await closePage(page);
});

test('without JavaScript a document is uploaded with the plain form', async () => {
  const page = await newPage(browser, { viewport: PHONE, javaScriptEnabled: false });
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Nama pengguna').fill('bo.waled');
  await page.getByLabel('Kata sandi', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL(`${BASE_URL}/`);
  const household = await firstHousehold(page);
  await page.goto(`${BASE_URL}${household}`);
  const before = await listed(page);
  const form = page.getByTestId('document-form');
  await form.getByTestId('document-kind').selectOption('surat_medis');
  await form.getByTestId('document-member').selectOption({ index: 1 });
  await form.getByTestId('document-file').setInputFiles({
    name: 'surat-dokter.pdf', mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n'),
  });
  await form.getByTestId('document-upload').click();
  await page.waitForURL(/[?&]dokumen=ok/);
  await page.getByTestId('document-kept').waitFor();
  assert.equal(await listed(page), before + 1);
  assert.match(await page.getByTestId('document').first().textContent(), /Surat keterangan medis/);
  await closePage(page);
});

test('a document attached to a case from the family file is listed on the case page', async () => {
  const page = await signedInPage(browser, 'fo.waled', PHONE);
  await page.goto(`${BASE_URL}/kasus`);
  const link = page.getByTestId('case-link').first();
  await link.waitFor();
  const caseHref = await link.getAttribute('href');
  const caseNumber = (await link.textContent()).trim();
  const caseId = caseHref.split('/').pop();
  await page.goto(`${BASE_URL}${caseHref}`);
  await settled(page);
  const section = page.getByTestId('documents');
  await section.waitFor();
  const before = await section.getByTestId('document').count();

  // From the case's page to the family's upload form, the case already chosen.
  await section.getByTestId('document-attach-here').click();
  await page.waitForURL(new RegExp(`/keluarga/\\d+\\?untuk=kasus-${caseId}`));
  await settled(page);
  const form = page.getByTestId('document-form');
  assert.equal(await form.getByTestId('document-record').inputValue(), `kasus-${caseId}`);
  await form.getByTestId('document-kind').selectOption('sktm');
  await form.getByTestId('document-file').setInputFiles({
    name: 'sktm.pdf', mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n'),
  });
  await form.getByTestId('document-upload').click();
  await page.waitForURL(/[?&]dokumen=ok/);
  await page.getByTestId('document-kept').waitFor();
  await settled(page);
  // The family's file says which case it is about.
  assert.ok((await page.getByTestId('document').first().textContent()).includes(`Kasus ${caseNumber}`));

  // The case's page lists it, with its link for who may open an SKTM.
  await page.goto(`${BASE_URL}${caseHref}`);
  await settled(page);
  await section.waitFor();
  assert.equal(await section.getByTestId('document').count(), before + 1);
  const newest = section.getByTestId('document').first();
  assert.match(await newest.textContent(), /Surat Keterangan Tidak Mampu/);
  assert.match(await newest.getByTestId('document-open').getAttribute('href'), /^\/unduh\/dokumen\?id=\d+$/);
  assert.equal(await overflow(page), null, 'the case fits a 360 px screen');
  await section.scrollIntoViewIfNeeded();
  await screenshot(page, 'case-documents-phone');
  await closePage(page);
});
