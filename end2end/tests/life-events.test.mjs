// A family's life on its file, on a 360 px phone, in real Chromium against the
// real server and the demo data: a baby is born, the head dies and his wife
// heads the family from then on, and a child takes a family card of her own
// (pecah KK). Each event is one form on a page of its own; the file's history
// shows them. The specific personal data (health, disability) is asked for on
// purpose, and reaches only the roles that work with it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, PHONE, closePage, field, fillMember, launchBrowser, optionValue, overflow, screenshot,
  seriousAccessibilityViolations, settled, signedInPage, waitForHydration,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// Synthetic numbers from the clock, so that a rerun on the same database uses new ones.
const serial = String(6000 + (Date.now() % 1000)).padStart(4, '0');
const NEW_KK = `320901020726${serial}`;
const BABY = `Bayi Uji ${serial}`;
const family = { path: '', head: '', spouse: '', child: '' };

/** The living members of the file open on `page`: [name, relationship] pairs. */
async function livingMembers(page) {
  const rows = page.locator('[data-testid="member-table"] tbody tr');
  const found = [];
  for (let i = 0; i < await rows.count(); i += 1) {
    if (await rows.nth(i).getByTestId('member-status').count() > 0) continue;
    const cells = rows.nth(i).locator('td');
    found.push([(await cells.nth(0).textContent()).trim(), (await cells.nth(2).textContent()).trim()]);
  }
  return found;
}

/** Opens the form of event `kind` from the file on `page`, hydrated. */
async function openEvent(page, kind) {
  await page.goto(`${BASE_URL}${family.path}`);
  await page.getByTestId('life-event-links').waitFor();
  await page.locator(`[data-testid="life-event-links"] a[data-kind="${kind}"]`).click();
  await page.getByTestId('life-event-form').waitFor();
  await waitForHydration(page);
  return page.getByTestId('life-event-form');
}

/** Saves the form and waits for the file's history saying it was recorded. */
async function save(page) {
  await page.getByTestId('life-event-submit').click();
  await page.waitForURL(/\/keluarga\/\d+\?peristiwa=/);
  await page.getByTestId('life-event-recorded').waitFor();
}

test('a birth, a death with the new head and a pecah KK are recorded from the file on a phone', async () => {
  const page = await signedInPage(browser, 'fo.waled', PHONE);
  await page.goto(`${BASE_URL}/keluarga`);
  await page.getByTestId('household-list').waitFor();
  const candidates = await page.getByTestId('household-link').evaluateAll(
    (links) => links.map((a) => a.getAttribute('href')),
  );
  // A family with its head, a wife and another member.
  for (const household of candidates) {
    await page.goto(`${BASE_URL}${household}`);
    await page.getByTestId('member-table').waitFor();
    const members = await livingMembers(page);
    const head = members.find(([, relationship]) => relationship === 'Kepala keluarga');
    const spouse = members.find(([, relationship]) => relationship === 'Istri/suami');
    const child = members.find(([, relationship]) => relationship !== 'Kepala keluarga' && relationship !== 'Istri/suami');
    if (head && spouse && child) {
      Object.assign(family, { path: household, head: head[0], spouse: spouse[0], child: child[0] });
      break;
    }
  }
  assert.ok(family.path, 'a demo family with a head, a spouse and a child');

  // A birth: the baby has no NIK yet.
  let form = await openEvent(page, 'birth');
  const baby = form.getByTestId('life-event-member');
  await baby.getByLabel(/Tidak memiliki dokumen/).check();
  await field(baby, 'Nama lengkap').fill(BABY);
  await field(baby, 'Jenis kelamin').selectOption('female');
  await fillMember(baby, 'Cirebon');
  await field(form, 'Dokumen yang dilihat').selectOption('birth_certificate');
  await screenshot(page, 'life-event-birth-phone');
  await save(page);
  await page.getByTestId('member-table').filter({ hasText: BABY }).waitFor();
  await page.getByTestId('household-timeline').filter({ hasText: BABY }).waitFor();

  // The head dies: the form asks who heads the family from now on.
  form = await openEvent(page, 'death');
  const who = field(form, 'Anggota');
  await who.selectOption(await optionValue(who, family.head));
  const newHead = field(form, 'Kepala keluarga baru');
  await newHead.waitFor();
  await newHead.selectOption(await optionValue(newHead, family.spouse));
  await field(form, 'Dokumen yang dilihat').selectOption('death_certificate');
  await field(form, 'Catatan').fill('Surat kematian dari desa.');
  await screenshot(page, 'life-event-death-phone');
  await save(page);
  assert.equal((await page.getByTestId('household-head').textContent()).trim(), family.spouse);
  const deceased = page.locator('[data-testid="member-table"] tbody tr').filter({ hasText: family.head });
  assert.match(await deceased.getByTestId('member-status').textContent(), /Meninggal/);

  // Pecah KK: the child takes her own card; the head of the new card must be
  // among those who go, which the form says before anything is sent.
  form = await openEvent(page, 'split');
  await form.getByTestId('life-event-split').getByLabel(family.child).check();
  await field(form, 'No KK baru (dari Dukcapil)').fill(NEW_KK);
  const cardHead = field(form, 'Kepala keluarga KK baru');
  await cardHead.selectOption(await optionValue(cardHead, family.child));
  await field(form, 'Dokumen yang dilihat').selectOption('kk');
  await screenshot(page, 'life-event-split-phone');
  await save(page);
  const left = await livingMembers(page);
  assert.ok(!left.some(([name]) => name === family.child), `${family.child} left the family card`);
  await page.getByTestId('household-timeline').filter({ hasText: 'Pecah KK' }).waitFor();
  assert.deepEqual(await seriousAccessibilityViolations(page), []);
  await settled(page);
  assert.equal(await overflow(page), null, 'the file fits a 360 px screen');
  await screenshot(page, 'life-event-history-phone');

  // The child's new card: her own household, which she heads.
  await page.goto(`${BASE_URL}/keluarga?cari=${encodeURIComponent(family.child)}`);
  await page.getByTestId('household-list').waitFor();
  await closePage(page);
});

test('health and disability are opened on purpose, by the back office only', async () => {
  assert.ok(family.path, 'the family of the first test');
  const desk = await signedInPage(browser, 'fo.waled', PHONE);
  await desk.goto(`${BASE_URL}${family.path}`);
  await desk.getByTestId('member-table').waitFor();
  assert.equal(await desk.getByTestId('specific-data').count(), 0, 'the front desk is not offered it');
  await closePage(desk);

  const office = await signedInPage(browser, 'bo.waled', PHONE);
  await office.goto(`${BASE_URL}${family.path}`);
  await office.getByTestId('specific-data').waitFor();
  await waitForHydration(office);
  assert.equal(await office.getByTestId('specific-data-list').count(), 0, 'not before it is asked for');
  await office.getByTestId('show-specific-data').click();
  await office.getByTestId('specific-data-list').waitFor();
  assert.ok(await office.locator('[data-testid="specific-data-list"] li').count() > 0);
  await closePage(office);
});
