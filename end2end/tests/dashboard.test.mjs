// Dashboards as district heads and the national monitor use them, in real
// Chromium against the real server and the demo data: the head reads the
// district, drills down to a sub-district and a village, downloads the
// workbook, prints the one-page summary, and is refused the records behind
// the figures; the monitor compares districts and provinces, ranks them by an
// indicator, reads the tile map and the small multiples; an institution gets
// no dashboard at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ARTIFACTS_DIR, BASE_URL, DESKTOP, PHONE, closePage, launchBrowser, screenshot,
  seriousAccessibilityViolations, waitForHydration, signedInPage,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Signs in as `username` and opens the dashboard from the menu. */
async function openDashboard(username, viewport) {
  const page = await signedInPage(browser, username, viewport);
  await page.getByTestId('nav-dashboard').click();
  await page.getByTestId('dashboard-title').waitFor();
  await waitForHydration(page);
  return page;
}

/** The number shown on an indicator card ("1.234" → 1234; "<5" → null). */
async function indicator(page, key) {
  const text = (await page.locator(`[data-indicator="${key}"] dd`).textContent()).trim();
  if (text === '<5' || text === '–') return null;
  return Number(text.replace(/\./g, '').replace(',', '.').replace('%', ''));
}

test('the district head reads the district, drills down to a village, downloads and prints', async () => {
  const page = await openDashboard('kadis.cirebon', DESKTOP);
  assert.match(await page.getByTestId('dashboard-title').textContent(), /Dasbor Kabupaten Cirebon/i);
  const households = await indicator(page, 'keluarga');
  assert.ok(households >= 1000, `the demo district has thousands of households, got ${households}`);
  const coverage = await indicator(page, 'cakupan');
  assert.ok(coverage > 0 && coverage <= 100, `coverage is a share, got ${coverage}`);
  assert.ok(await indicator(page, 'kasus') > 0);
  // Charts are drawn on the server as SVG, each with its numbers as a table too.
  assert.ok(await page.locator('svg[role="img"]').count() >= 6, 'the charts are there');
  assert.ok(await page.getByText('Keluarga per desil').count() > 0);
  // The head may not open the people behind the figures.
  assert.equal(await page.getByTestId('dashboard-overdue').count(), 0);
  assert.equal(await page.getByTestId('nav-cases').count(), 0);
  assert.deepEqual(await seriousAccessibilityViolations(page), []);
  await screenshot(page, 'dashboard-district-desktop');

  // The sub-district rows add up to the district (no row is suppressed at this size).
  const rows = page.getByTestId('area-table').locator('tbody tr');
  assert.ok(await rows.count() >= 2, 'sub-districts are listed');
  const firstArea = await rows.first().getAttribute('data-area');
  const firstName = (await rows.first().locator('a').textContent()).trim();
  await rows.first().locator('a').click();
  // Exact titles: a village of the sub-district may carry its name ("Waled Desa").
  const titled = (name) => page.getByTestId('dashboard-title')
    .filter({ hasText: new RegExp(`^Dasbor ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
  await titled(firstName).waitFor();
  assert.ok(page.url().includes(`wilayah=${firstArea}`));
  assert.match(await page.getByTestId('dashboard-up').textContent(), /Kabupaten Cirebon/);
  const villages = page.getByTestId('area-table').locator('tbody tr');
  assert.ok(await villages.count() >= 1, 'villages of the sub-district are listed');
  const villageName = (await villages.first().locator('a').textContent()).trim();
  await villages.first().locator('a').click();
  await page.waitForURL(/wilayah=\d\d\.\d\d\.\d\d\.\d{4}/);
  await titled(villageName).waitFor();
  await page.getByTestId('indicator-cards').waitFor();
  assert.equal(await page.getByTestId('area-table').count(), 0, 'a village has no sub-areas');
  await page.getByTestId('dashboard-up').click();
  await titled(firstName).waitFor();

  // Back to the district: the workbook downloads with one sheet per table.
  await page.getByTestId('dashboard-up').click();
  await page.getByTestId('dashboard-title').filter({ hasText: /Cirebon/ }).waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('dashboard-xlsx').click(),
  ]);
  assert.match(download.suggestedFilename(), /^dasbor-3209-\d{8}\.xlsx$/);
  const saved = join(ARTIFACTS_DIR, 'dashboard-cirebon.xlsx');
  await download.saveAs(saved);
  const bytes = await readFile(saved);
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX file (a zip)');
  assert.ok(bytes.includes(Buffer.from('xl/worksheets/sheet9.xml')), 'nine tables, nine sheets');

  // The one-page summary, printed to PDF as the browser prints it.
  await page.getByTestId('dashboard-print').click();
  await page.getByTestId('dashboard-summary').waitFor();
  await page.emulateMedia({ media: 'print' });
  const pdfPath = join(ARTIFACTS_DIR, 'dashboard-summary.pdf');
  await page.pdf({ path: pdfPath, format: 'A4', printBackground: true });
  const pages = (await readFile(pdfPath)).toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
  assert.equal(pages.length, 1, 'the summary fits on one A4 page');
  await page.emulateMedia({ media: 'screen' });
  await screenshot(page, 'dashboard-summary-desktop');

  // Typing the case list's address is refused too.
  await page.goto(`${BASE_URL}/kasus`);
  await page.getByText(/Akses ditolak/).waitFor();
  await closePage(page);
});

test('the district dashboard reads on a phone', async () => {
  const page = await openDashboard('kadis.cirebon', PHONE);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no sideways scrolling of the page (width ${width})`);
  assert.deepEqual(await seriousAccessibilityViolations(page), []);
  await screenshot(page, 'dashboard-district-phone');
  await closePage(page);
});

test('the national monitor compares districts and provinces and ranks them', async () => {
  const page = await openDashboard('pemantau.kemensos', DESKTOP);
  assert.match(await page.getByTestId('dashboard-title').textContent(), /Indonesia/);
  await page.getByTestId('dashboard-compare').click();
  await page.getByTestId('comparison-title').waitFor();
  await waitForHydration(page);
  const table = page.getByTestId('area-table').locator('tbody tr');
  assert.ok(await table.count() >= 2, 'the demo districts are compared');
  assert.ok(await page.getByTestId('tile-map').locator('rect').count() >= 2);
  // Each tile carries its value (no pointer on a phone to ask for it).
  const onTiles = await page.getByTestId('tile-map').locator('g g > text').allTextContents();
  assert.ok(onTiles.length > 400 && onTiles.every((t) => /^(\d[\d.]*|<5)$/.test(t)), `values on the tiles: ${onTiles.slice(0, 5)}`);
  assert.ok(await page.getByTestId('small-multiples').locator('svg').count() >= 2);
  // Rank by overdue cases: the first row has the most.
  await page.getByLabel('Urutkan dan warnai menurut').selectOption('terlambat');
  await page.getByTestId('comparison-order').getByRole('button', { name: 'Terapkan' }).click();
  await page.waitForURL(/urut=terlambat/);
  await page.getByText('Peta petak: Kasus terlambat').waitFor();
  const overdueColumn = await page.getByTestId('area-table').locator('thead th').evaluateAll(
    (cells) => cells.findIndex((c) => c.textContent.trim() === 'Kasus terlambat'),
  );
  assert.ok(overdueColumn > 0, 'the overdue column is shown');
  const values = await page.getByTestId('area-table').locator('tbody tr').evaluateAll(
    (trs, column) => trs.map((tr) => tr.children[column].textContent.trim()),
    overdueColumn,
  );
  const numbers = values.filter((v) => /^[\d.]+$/.test(v)).map((v) => Number(v.replace(/\./g, '')));
  assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), `ranked highest first: ${values}`);
  // The hundreds of districts with none are counted under the ranking, not listed.
  assert.ok(!values.includes('0'), `no zero row listed: ${values}`);
  const zeros = await page.getByTestId('ranking-zeros').textContent();
  assert.ok(Number(zeros.split(' ')[0].replace(/\./g, '')) > 400, zeros);
  assert.deepEqual(await seriousAccessibilityViolations(page), []);
  await screenshot(page, 'comparison-districts-desktop');
  await page.getByRole('link', { name: 'Provinsi', exact: true }).click();
  await page.waitForURL(/tingkat=provinsi/);
  await page.getByTestId('comparison-title').waitFor();
  // The province level's own link (the district level's one is also titled "Indonesia").
  await page.locator('[data-testid="ranking-all"][href*="tingkat=provinsi"]').click();
  await page.waitForURL(/semua=1/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="area-table"] tbody tr').length >= 38);
  const provinceTiles = await page.getByTestId('tile-map').locator('text').allTextContents();
  for (const name of ['Jabar', 'Jateng', 'NTT', 'Papua']) {
    assert.ok(provinceTiles.includes(name), `province ${name} named on its tile: ${provinceTiles.slice(0, 8)}`);
  }
  assert.match(await page.getByTestId('inactive-areas').textContent(), /Tanpa kasus baru/);
  await closePage(page);

  const phone = await signedInPage(browser, 'pemantau.kemensos', PHONE);
  await phone.goto(`${BASE_URL}/dasbor/perbandingan`);
  await phone.getByTestId('comparison-title').waitFor();
  // On a phone the district map is a list, each district with its value.
  assert.equal(await phone.getByTestId('tile-map').isVisible(), false);
  const listed = phone.getByTestId('tile-list').locator('li');
  assert.ok(await listed.count() > 400, 'every district is listed');
  assert.match(await listed.first().textContent(), /(\d|<5)$/);
  await screenshot(phone, 'comparison-districts-phone');
  await closePage(phone);
});

test('an institution has no dashboard', async () => {
  const page = await signedInPage(browser, 'lembaga.rsud', PHONE);
  assert.equal(await page.getByTestId('nav-dashboard').count(), 0);
  await page.goto(`${BASE_URL}/dasbor`);
  await page.getByText(/Akses ditolak/).waitFor();
  await closePage(page);
});
