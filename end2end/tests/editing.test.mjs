// Editing a household's file in real Chromium against the real server and the
// demo data: the front desk moves the family to another RT on a phone, and two
// desks edit the same member at once. The second to save is told, field by
// field, what the first saved beside what it typed, and saves its own over it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, DESKTOP, PHONE, closePage, field, launchBrowser, screenshot,
  seriousAccessibilityViolations, signedInPage, waitForHydration,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const walk = { household: '', memberEdit: '' };
const RT = String(100 + (Date.now() % 800));

/** A demo family of the desk's village with a living member besides its head. */
async function findFamily(page) {
  await page.goto(`${BASE_URL}/keluarga`);
  await page.getByTestId('household-list').waitFor();
  const candidates = await page.getByTestId('household-link').evaluateAll(
    (links) => links.map((a) => a.getAttribute('href')),
  );
  for (const household of candidates) {
    await page.goto(`${BASE_URL}${household}`);
    await page.getByTestId('member-table').waitFor();
    const rows = page.locator('[data-testid="member-table"] tbody tr');
    for (let i = 0; i < await rows.count(); i += 1) {
      const relationship = (await rows.nth(i).locator('td').nth(2).textContent()).trim();
      if (relationship !== 'Kepala keluarga' && await rows.nth(i).getByTestId('member-status').count() === 0) {
        return [household, await rows.nth(i).getByTestId('member-edit').getAttribute('href')];
      }
    }
  }
  return ['', ''];
}

test('the front desk moves a family to another RT from its file on a phone', async () => {
  const page = await signedInPage(browser, 'fo.waled', PHONE);
  [walk.household, walk.memberEdit] = await findFamily(page);
  assert.ok(walk.memberEdit, 'a demo family with a member besides its head');
  await page.goto(`${BASE_URL}${walk.household}`);
  await page.getByTestId('household-edit').click();
  const form = page.getByTestId('household-edit-form');
  await form.waitFor();
  await waitForHydration(page);
  // A wrong RT is said at once, before anything is sent.
  await field(form, 'RT').fill('0');
  await field(form, 'RT').blur();
  await form.locator('#f-rt-error').waitFor();
  await field(form, 'RT').fill(RT);
  await screenshot(page, 'household-edit-phone');
  await page.getByTestId('household-edit-save').click();
  await page.waitForURL(/\/keluarga\/\d+\?diubah=/);
  await page.getByTestId('household-edited').waitFor();
  await page.locator('dd').filter({ hasText: `RT ${RT.padStart(3, '0')}` }).waitFor();
  assert.deepEqual(await seriousAccessibilityViolations(page), []);
  await closePage(page);
});

test('two desks edit the same member: the second sees both versions and keeps its own', async () => {
  assert.ok(walk.memberEdit, 'the family of the first test');
  const first = await signedInPage(browser, 'fo.waled', DESKTOP);
  const second = await signedInPage(browser, 'bo.waled', PHONE);
  for (const page of [first, second]) {
    await page.goto(`${BASE_URL}${walk.memberEdit}`);
    await page.getByTestId('member-edit-form').waitFor();
    await waitForHydration(page);
  }
  // The first desk corrects the place of birth and saves.
  await field(first.getByTestId('member-edit-form'), 'Tempat lahir').fill('Indramayu');
  await first.getByTestId('member-edit-save').click();
  await first.getByTestId('household-edited').waitFor();
  // The second, on the version it opened, corrects the schooling: refused,
  // with what is saved now beside what it typed.
  const form = second.getByTestId('member-edit-form');
  await field(form, 'Pendidikan tertinggi').selectOption({ index: 3 });
  await second.getByTestId('member-edit-save').click();
  const conflict = second.getByTestId('edit-conflict');
  await conflict.waitFor();
  await conflict.locator('[data-testid="conflict-row"][data-field="birth_place"]').filter({ hasText: 'Indramayu' }).waitFor();
  await screenshot(second, 'member-edit-conflict-phone');
  // Taking the saved data brings the first desk's place of birth into the form.
  await second.getByTestId('conflict-take-saved').click();
  assert.equal(await field(form, 'Tempat lahir').inputValue(), 'Indramayu');
  await field(form, 'Pendidikan tertinggi').selectOption({ index: 3 });
  await second.getByTestId('member-edit-save').click();
  await second.getByTestId('household-edited').waitFor();
  await closePage(first);
  await closePage(second);
});
