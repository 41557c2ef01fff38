// The district's registry slice imported from the browser, in real Chromium
// against the real server and the demo data, as the district's SLRT manager
// does it: a by-name-by-address workbook (written by openpyxl, see
// server/tests/fixtures/sheets) is uploaded, its header found under the
// title rows, one column the portal did not know is mapped by hand, the
// preview marks the two bad cells, the whole file is checked, the import is
// confirmed and followed to its end, and the rejected rows are downloaded.
// Then the same file again with JavaScript off: recognised, its mapping
// remembered, imported through plain forms and pages that reload themselves.
// Last, a village's BNBA list of families to propose (SHDK numbered as on the
// family card) becomes household files and new-family proposals waiting for
// the village meeting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  BASE_URL, DEMO_PASSWORD, PHONE, closePage, launchBrowser, newPage, overflow, screenshot,
  seriousAccessibilityViolations, settled, signedInPage,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const WORKBOOK = fileURLToPath(new URL('../../server/tests/fixtures/sheets/dtsen-bnba.xlsx', import.meta.url));
const PROPOSALS_LIST = fileURLToPath(new URL('../../server/tests/fixtures/sheets/usulan-bnba.xlsx', import.meta.url));

/** The mapping table's row of the column headed `header`. */
function columnRow(page, header) {
  return page.locator(`[data-testid="import-column"][data-header="${header}"]`);
}

/** Waits (the page reloads itself while a job runs) until `testId` shows. */
async function after_job(page, testId) {
  await page.getByTestId(testId).waitFor({ timeout: 60_000 });
}

test('the manager uploads a BNBA workbook, fixes one column, checks, imports and downloads the rejected rows', async () => {
  const page = await signedInPage(browser, 'manajer.cirebon');
  await page.getByTestId('nav-imports').click();
  await page.waitForURL(`${BASE_URL}/impor`);
  await settled(page);
  await page.getByTestId('import-file').setInputFiles(WORKBOOK);
  await page.getByTestId('import-upload').click();
  await page.waitForURL(/\/impor\/\d+$/);
  await settled(page);

  // The header was found under the title rows: the office's names mapped,
  // the relationship column left for the user, the two bad cells marked.
  assert.match(await page.getByTestId('import-state').textContent(), /Menunggu pemetaan kolom/);
  assert.equal(await page.getByTestId('import-header-row').inputValue(), '4');
  assert.equal(await columnRow(page, 'NO. KK').getByTestId('import-field').inputValue(), 'no_kk');
  assert.equal(await columnRow(page, 'DESA/KELURAHAN').getByTestId('import-field').inputValue(), 'village');
  const relationship = columnRow(page, 'KEDUDUKAN DLM KELUARGA').getByTestId('import-field');
  assert.equal(await relationship.inputValue(), 'ignore');
  assert.match(await page.getByTestId('import-missing').textContent(), /Hubungan dengan kepala keluarga/);
  assert.equal(await page.getByTestId('import-preview-row').count(), 8);
  const problems = page.getByTestId('import-preview-problem');
  assert.equal(await problems.count(), 2);
  assert.match(await problems.nth(0).textContent(), /Excel/);
  assert.match(await problems.nth(1).textContent(), /Jatiseeng/);
  // Samples never show a whole NIK.
  assert.doesNotMatch(await page.getByTestId('import-columns').textContent(), /3209010601850101/);
  assert.deepEqual(await seriousAccessibilityViolations(page), []);

  await relationship.selectOption('relationship');
  await screenshot(page, 'import-mapping');
  await page.getByTestId('import-save-mapping').click();

  // The whole file checked, nothing written yet.
  await after_job(page, 'import-survey');
  await settled(page);
  const count = async (key) => (await page.locator(`[data-testid="import-survey"] [data-count="${key}"]`).textContent()).trim();
  assert.equal(await count('rows'), '8');
  assert.equal(await count('valid'), '6');
  assert.equal(await count('invalid'), '2');
  assert.equal(await count('families'), '3');
  assert.match(await page.getByTestId('import-state').textContent(), /Menunggu konfirmasi/);
  await screenshot(page, 'import-preview');

  // Confirmed: the job runs on the server and the page follows it to its end.
  await page.getByTestId('import-confirm').click();
  await page.waitForFunction(
    () => ['importing', 'done'].includes(document.querySelector('[data-testid="import-state"]')?.dataset.state),
    null,
    { timeout: 30_000 },
  );
  if (await page.getByTestId('import-progress').isVisible()) {
    await screenshot(page, 'import-progress');
  }
  await after_job(page, 'import-result');
  await settled(page);
  const result = page.getByTestId('import-result');
  assert.equal((await result.locator('[data-count="accepted"]').textContent()).trim(), '6');
  assert.equal((await result.locator('[data-count="rejected"]').textContent()).trim(), '2');
  await screenshot(page, 'import-result');

  // The rejected rows: line, column, reason and the row's own values, NIK masked.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('import-rejected-download').click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
  assert.match(csv[0], /^baris,kolom,alasan,reason,id_keluarga,sumber,no_kk,nik,nama/);
  assert.equal(csv.length, 3, csv.join('\n'));
  assert.match(csv[1], /^10,NIK,/);
  assert.match(csv[2], /^13,DESA\/KELURAHAN,.*D-104.*KASMINI/);
  assert.doesNotMatch(csv.join('\n'), /3209014809820000/);
  await closePage(page);
});

test('with JavaScript off the same file is recognised, mapped as remembered and imported', async () => {
  const page = await newPage(browser, { javaScriptEnabled: false });
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Nama pengguna').fill('manajer.cirebon');
  await page.getByLabel('Kata sandi', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL(`${BASE_URL}/`);
  await page.goto(`${BASE_URL}/impor`);
  await page.getByTestId('import-file').setInputFiles(WORKBOOK);
  await page.getByTestId('import-upload').click();
  await page.waitForURL(/\/impor\/\d+$/);
  await page.getByTestId('import-same-file').waitFor();
  await page.getByTestId('import-remembered').waitFor();
  assert.equal(
    await columnRow(page, 'KEDUDUKAN DLM KELUARGA').getByTestId('import-field').inputValue(),
    'relationship',
  );
  await page.getByTestId('import-save-mapping').click();
  await after_job(page, 'import-confirm');
  await page.getByTestId('import-confirm').click();
  await after_job(page, 'import-result');
  // Imported again: the same families updated, nothing doubled.
  assert.equal((await page.locator('[data-testid="import-result"] [data-count="accepted"]').textContent()).trim(), '6');
  await closePage(page);
});

test('the imports page fits a phone and is the manager\'s and the administrator\'s only', async () => {
  const page = await signedInPage(browser, 'manajer.cirebon', PHONE);
  await page.goto(`${BASE_URL}/impor`);
  await settled(page);
  await page.getByTestId('import-list').waitFor();
  assert.equal(await overflow(page), null, 'the list fits a 360 px screen');
  await screenshot(page, 'import-list-phone');
  await closePage(page);

  const desk = await signedInPage(browser, 'fo.waled');
  assert.equal(await desk.getByTestId('nav-imports').count(), 0);
  const refused = await desk.goto(`${BASE_URL}/impor`);
  assert.equal(refused.status(), 403);
  await closePage(desk);
});

test('a village BNBA list becomes household files and proposals waiting for the village meeting', async () => {
  const page = await signedInPage(browser, 'manajer.cirebon', PHONE);
  await page.goto(`${BASE_URL}/impor`);
  await settled(page);
  await page.getByTestId('import-destination-proposals').check();
  await page.getByTestId('import-file').setInputFiles(PROPOSALS_LIST);
  await page.getByTestId('import-upload').click();
  await page.waitForURL(/\/impor\/\d+$/);
  await settled(page);
  assert.match(await page.getByTestId('import-destination').textContent(), /BNBA/);
  assert.equal(await page.getByTestId('import-header-row').inputValue(), '4');
  assert.equal(await columnRow(page, 'SHDK').getByTestId('import-field').inputValue(), 'relationship');
  // The list numbers SHDK as the family card does (3 is a wife): said here.
  await page.getByTestId('import-shdk').selectOption('dukcapil');
  assert.equal(await overflow(page), null, 'the mapping step fits a 360 px screen');
  await page.getByTestId('import-save-mapping').click();

  await after_job(page, 'import-survey');
  await settled(page);
  const count = async (key) => Number((await page.locator(`[data-testid="import-survey"] [data-count="${key}"]`).textContent()).trim());
  assert.equal(await count('rows'), 9);
  assert.equal(await count('invalid'), 3, 'the NIK kept as a number, its headless family, the misspelt village');
  assert.equal(await count('families'), 4);
  const toPropose = await count('to_propose');
  assert.equal(toPropose + await count('known') + await count('duplicates'), 4);
  assert.ok(toPropose >= 2, `families to propose: ${toPropose}`);
  await screenshot(page, 'import-proposals-check');

  await page.getByTestId('import-confirm').click();
  await after_job(page, 'import-result');
  await settled(page);
  const result = page.getByTestId('import-result');
  assert.equal(Number((await result.locator('[data-count="proposals"]').textContent()).trim()), toPropose);
  assert.equal(Number((await result.locator('[data-count="rejected"]').textContent()).trim()), 3);
  await screenshot(page, 'import-proposals-result');

  // The rejected rows and any family left, NIKs masked.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('import-rejected-download').click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(csv, /^baris,kolom,alasan,reason,Nomor KK,NIK,Nama/);
  assert.match(csv, /\n11,NIK,.*KUSNADI/);
  assert.doesNotMatch(csv, /3209014707050402/);

  // The proposals wait for the village meeting; the family's file waits for its visit.
  await page.getByTestId('import-proposals-link').click();
  await page.waitForURL(/\/usulan\?tahap=proposed/);
  await settled(page);
  const card = page.getByTestId('proposal-card').filter({ hasText: 'SAPRUDIN' });
  await card.waitFor();
  assert.match(await card.getByTestId('proposal-stage').textContent(), /Usulan/);
  await card.getByTestId('proposal-link').click();
  await page.waitForURL(/\/usulan\/\d+$/);
  await settled(page);
  await page.getByRole('link', { name: 'SAPRUDIN' }).first().click();
  await page.waitForURL(/\/keluarga\/\d+$/);
  await settled(page);
  assert.match(await page.getByTestId('household-awaiting-survey').textContent(), /verivali/);
  // Proposed already: the page points to the proposal rather than offering another.
  await page.getByTestId('household-proposal-running').waitFor();
  assert.equal(await page.getByTestId('propose-form').count(), 0);
  const members = await page.getByTestId('member-table').textContent();
  assert.match(members, /RASTINI/);
  assert.match(members, /Istri\/suami/);
  await screenshot(page, 'import-proposals-household');
  await closePage(page);
});
