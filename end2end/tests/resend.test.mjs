// A save over a connection that loses its answer: the server stores the new
// case but the desk's browser receives "busy" (503) instead of the answer. The
// page says it is still saving, sends the same request again by itself (same
// idempotency key), lands on the case, and the household has one new case, not two.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, PHONE, closePage, launchBrowser, screenshot, signedInPage, waitForHydration,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const BUSY = JSON.stringify({
  kind: 'Refused',
  code: 'unavailable',
  message_id: 'Layanan sedang sibuk. Coba lagi sebentar lagi.',
  message_en: 'The service is busy. Please try again shortly.',
  fields: [],
});

test('a save whose answer is lost is sent again by itself and stored once', async () => {
  const page = await signedInPage(browser, 'fo.waled', PHONE);
  await page.goto(`${BASE_URL}/keluarga`);
  await page.getByTestId('household-link').first().click();
  await page.waitForURL(/\/keluarga\/\d+$/);
  const householdPath = new URL(page.url()).pathname;
  await page.getByTestId('open-case-form').waitFor();
  await waitForHydration(page);
  const casesBefore = await page.getByTestId('household-cases').locator('li').count();

  // The first call reaches the server (which stores the case); its answer is
  // replaced by "busy". Later calls pass untouched.
  const sent = [];
  await page.route('**/api/open_case', async (route) => {
    sent.push(route.request().postData());
    if (sent.length === 1) {
      const stored = await route.fetch();
      assert.equal(stored.status(), 200, 'the server stored the first try');
      await route.fulfill({ status: 503, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body: BUSY });
    } else {
      await route.continue();
    }
  });

  const form = page.getByTestId('open-case-form');
  const complaint = form.getByTestId('complaint').first();
  await complaint.getByLabel(/^Jenis/).selectOption('question');
  await complaint.getByLabel(/^Sektor/).selectOption('food');
  await complaint.getByLabel(/^Uraian/).fill('Menanyakan jadwal penyaluran bantuan pangan bulan ini.');
  await complaint.getByLabel(/^Urgensi/).selectOption({ index: 1 });
  await page.getByTestId('open-case-submit').click();

  // While the resend waits, the desk is told the save is still going on.
  await page.getByTestId('save-progress').filter({ hasText: /masih mencoba menyimpan/ }).waitFor();
  await screenshot(page, 'resend-phone');
  await page.waitForURL(/\/kasus\/\d+$/);
  assert.equal(sent.length, 2, 'one resend');
  assert.equal(sent[0], sent[1], 'the resend is the same request, with the same key');

  await page.unroute('**/api/open_case');
  await page.goto(`${BASE_URL}${householdPath}`);
  await page.getByTestId('household-cases').waitFor();
  assert.equal(await page.getByTestId('household-cases').locator('li').count(), casesBefore + 1, 'one new case, not two');
  await closePage(page);
});
