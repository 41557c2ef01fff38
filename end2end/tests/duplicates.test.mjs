// A family registered twice, on a 360 px phone, in real Chromium against the
// real server: the front desk registers a family whose head is already on
// record under the old spelling of his name; before anything is saved the
// page shows the family on record, why and how sure, with a link to it. The
// desk confirms another family (to give the district a duplicate to find);
// the district's SLRT manager finds the pair on the duplicate list, compares
// the two records, keeps the second record's spelling of the head's name, and
// merges: one record keeps everything, the other says where it went.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ARTIFACTS_DIR, BASE_URL, PHONE, closePage, field, fillHousehold, fillMember, launchBrowser, overflow,
  screenshot, seriousAccessibilityViolations, signedInPage, waitForHydration,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// Synthetic numbers and a name from the clock, so that a rerun on the same
// database makes another family (a name's digits would not tell them apart).
const stamp = Date.now() % 1000;
const serial = String(7000 + stamp).padStart(4, '0');
const syllables = ['ka', 'li', 'mu', 'ne', 'po', 'ra', 'si', 'tu', 'we', 'yo'];
const suffix = String(stamp).padStart(3, '0').split('').map((d) => syllables[Number(d)]).join('');
const family = suffix.charAt(0).toUpperCase() + suffix.slice(1);
const FIRST = { kk: `320901150826${serial}`, nik: `320901120475${serial}`, head: `Sutaryo ${family}` };
const SECOND = { kk: `320901160826${serial}`, nik: `320901120475${String(Number(serial) + 1000).padStart(4, '0')}`, head: `Soetarjo ${family}` };

/** Looks `kk` up at the front desk and opens the registration form for it. */
async function startRegistration(page, kk) {
  await page.goto(`${BASE_URL}/layanan`);
  await page.getByTestId('lookup-form').waitFor();
  await waitForHydration(page);
  await page.getByLabel('Nomor KK').check();
  await page.getByLabel('Nomor (16 digit)').fill(kk);
  await page.getByTestId('lookup-submit').click();
  await page.getByTestId('start-registration').click();
  const form = page.getByTestId('registration-form');
  await form.waitFor();
  return form;
}

/** Fills the form for a family of one: its head, from his NIK. */
async function fillFamily(form, who) {
  await fillHousehold(form, who.head);
  const head = form.getByTestId('member').nth(0);
  await field(head, 'NIK').fill(who.nik);
  await fillMember(head, 'Cirebon');
}

const ids = { first: 0, second: 0 };

test('a family already on record under another spelling is shown before saving', async () => {
  const page = await signedInPage(browser, 'fo.waled', PHONE);
  let form = await startRegistration(page, FIRST.kk);
  await fillFamily(form, FIRST);
  await page.getByTestId('registration-submit').click();
  await page.waitForURL(/\/keluarga\/\d+$/);
  ids.first = Number(new URL(page.url()).pathname.split('/').pop());

  form = await startRegistration(page, SECOND.kk);
  await fillFamily(form, SECOND);
  await page.getByTestId('registration-submit').click();
  const likely = page.getByTestId('likely-duplicates');
  await likely.waitFor();
  const household = likely.getByTestId('likely-household').filter({ hasText: FIRST.head });
  await household.waitFor();
  const said = await household.textContent();
  assert.match(said, /Sangat mirip/, said);
  assert.ok(said.includes(`${SECOND.head} ↔ ${FIRST.head}`), said);
  assert.match(said, /tanggal lahir sama/, said);
  assert.equal(
    await household.getByTestId('open-likely-household').getAttribute('href'),
    `/keluarga/${ids.first}`,
    'the family on record opens from here',
  );
  // Nothing was saved: still on the form, which keeps what was typed.
  assert.match(page.url(), /\/layanan/);
  assert.equal(await field(form, 'Nama kepala keluarga').inputValue(), SECOND.head);
  assert.equal(await overflow(page), null, 'nothing wider than the phone');
  assert.deepEqual(await seriousAccessibilityViolations(page), []);
  // The phone's screen as the desk sees it: the summary's message and the families found.
  await page.getByTestId('registration-submit').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'duplicate-caught-phone.png') });

  // The desk confirms another family: saved, and the confirmation audited.
  await likely.getByTestId('confirm-new-household').click();
  await page.waitForURL(/\/keluarga\/\d+$/);
  ids.second = Number(new URL(page.url()).pathname.split('/').pop());
  assert.notEqual(ids.second, ids.first);
  await closePage(page);
});

test('the SLRT manager finds the pair on the district list and merges it on a phone', async () => {
  assert.ok(ids.first && ids.second, 'both records registered by the test before');
  const page = await signedInPage(browser, 'manajer.cirebon', PHONE);
  await page.goto(`${BASE_URL}/keluarga`);
  await page.getByTestId('duplicates-link').click();
  await page.waitForURL(/\/ganda$/);
  const pair = page.getByTestId('duplicate-pair').filter({ hasText: FIRST.head }).filter({ hasText: SECOND.head });
  await pair.waitFor();
  await waitForHydration(page);
  await pair.getByTestId('compare-pair').click();
  await page.waitForURL(new RegExp(`/ganda/${ids.first}/${ids.second}$`));
  const form = page.getByTestId('merge-form');
  await form.waitFor();
  await waitForHydration(page);
  // The second record's head is proposed as the same person as the first's.
  const pairing = form.getByTestId('merge-pair').first();
  assert.notEqual(await pairing.inputValue(), '0', 'the heads are paired');
  // The head's name as the second record spells it.
  await form.getByTestId('merge-head_name').getByLabel(new RegExp(`2\\. ${SECOND.head}`)).check();
  assert.equal(await overflow(page), null, 'nothing wider than the phone');
  assert.deepEqual(await seriousAccessibilityViolations(page), []);
  await screenshot(page, 'merge-phone');
  await page.getByTestId('merge-submit').click();
  await page.waitForURL(new RegExp(`/keluarga/${ids.first}\\?diubah=digabung`));
  await page.getByTestId('household-head').filter({ hasText: SECOND.head }).waitFor();
  await page.getByTestId('household-timeline').filter({ hasText: 'Catatan ganda digabungkan' }).waitFor();

  // The merged record says where its family went, and takes no new work.
  await page.goto(`${BASE_URL}/keluarga/${ids.second}`);
  const moved = page.getByTestId('household-merged-into');
  await moved.waitFor();
  assert.equal(await moved.getByRole('link').getAttribute('href'), `/keluarga/${ids.first}`);
  // The pair is gone from the list.
  await page.goto(`${BASE_URL}/ganda`);
  await page.locator('[data-testid="duplicate-pairs"], [data-testid="duplicates-none"]').first().waitFor();
  assert.equal(await page.getByTestId('duplicate-pair').filter({ hasText: family }).count(), 0);
  await closePage(page);
});
