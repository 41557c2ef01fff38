// The home visit (verivali) in real Chromium against the real server and the
// demo data, on a 360 px phone: a facilitator opens a proposal the village
// meeting agreed, saves a half-done visit (a floor area typed in words is kept
// as typed), comes back to it, finishes it, and the proposal moves to Verivali.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, PHONE, closePage, launchBrowser, screenshot, seriousAccessibilityViolations,
  signedInPage, waitForHydration,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('a facilitator keeps a half-done home visit, finishes it, and the proposal moves on', async () => {
  const page = await signedInPage(browser, 'fasilitator.waled', PHONE);
  // A family whose house is on file (a family from a village's BNBA list,
  // agreed by an earlier test's village meeting, has nothing to prefill).
  let proposalPath = '';
  const form = page.getByTestId('visit-form');
  for (let index = 0; index < 10 && !proposalPath; index += 1) {
    await page.goto(`${BASE_URL}/usulan?tahap=village_meeting_approved`);
    const card = page.locator('[data-testid="proposal-card"][data-stage="village_meeting_approved"]').nth(index);
    await card.waitFor();
    await card.getByTestId('proposal-link').click();
    await page.waitForURL(/\/usulan\/\d+$/);
    const path = new URL(page.url()).pathname;
    await page.getByTestId('proposal-visit-link').click();
    await page.waitForURL(/\/verivali$/);
    await form.waitFor();
    if (!/BNBA/.test(await page.getByTestId('visit-state').textContent())) {
      proposalPath = path;
    }
  }
  assert.ok(proposalPath, 'a proposal agreed by its village meeting whose house is on file');
  await waitForHydration(page);

  // Prefilled from the household file: every housing answer is there already.
  for (const name of ['house_tenure', 'roof', 'toilet', 'income_band']) {
    assert.notEqual(await form.locator(`select[name="${name}"]`).inputValue(), '', `${name} is prefilled`);
  }
  const members = form.locator('[data-testid="visit-members"] select');
  assert.ok(await members.count() > 0);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the visit form fits a 360 px phone (${width} px)`);
  assert.deepEqual(await seriousAccessibilityViolations(page), []);

  // Half done: what was typed is kept as it is, even a floor area in words.
  await form.locator('input[name="floor_area_m2"]').fill('tiga puluh');
  await form.locator('textarea[name="note"]').fill('Hujan deras, dilanjutkan besok');
  await page.getByTestId('visit-save').click();
  await page.getByTestId('form-success').waitFor();
  await page.waitForFunction(() => /Draf/.test(document.querySelector('[data-testid="visit-state"]')?.textContent ?? ''));
  await screenshot(page, 'visit-draft-phone');
  await page.reload();
  await page.getByTestId('visit-form').waitFor();
  await waitForHydration(page);
  assert.equal(await page.locator('input[name="floor_area_m2"]').inputValue(), 'tiga puluh');
  assert.equal(await page.locator('textarea[name="note"]').inputValue(), 'Hujan deras, dilanjutkan besok');

  // Finishing checks every answer: the floor area in words is refused, nothing moves.
  await page.locator('input[name="visited_on"]').fill(new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
  await page.getByTestId('visit-finish').check();
  await page.getByTestId('visit-save').click();
  await page.getByTestId('form-error').waitFor();
  assert.match(await page.getByTestId('form-error').textContent(), /luas lantai/i);
  assert.equal(await page.locator('input[name="floor_area_m2"]').inputValue(), 'tiga puluh');

  await page.locator('input[name="floor_area_m2"]').fill('30');
  for (let i = 0; i < await members.count(); i += 1) {
    await members.nth(i).selectOption('confirmed');
  }
  if (!(await page.getByTestId('visit-finish').isChecked())) await page.getByTestId('visit-finish').check();
  await page.getByTestId('visit-save').click();
  await page.waitForFunction(() => /Selesai/.test(document.querySelector('[data-testid="visit-state"]')?.textContent ?? ''));
  assert.equal(await page.getByTestId('visit-save').count(), 0, 'a finished visit no longer changes');
  await screenshot(page, 'visit-done-phone');

  await page.goto(`${BASE_URL}${proposalPath}`);
  assert.equal((await page.getByTestId('proposal-stage').textContent()).trim(), 'Verivali');
  assert.match(await page.getByTestId('proposal-timeline').textContent(), /Verivali \d\d\/\d\d\/\d{4}/);
  await closePage(page);
});
