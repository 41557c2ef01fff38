// Flow B's second walk, in real Chromium against the real server and the demo
// data: a family already in the registry loses a member and a married child
// takes a card of her own (pecah KK). Both are proposed from the household's
// file, agreed by the village meeting, verified at home on a phone, matched
// with the civil registry, approved and sent in one batch, and enacted: the
// member is recorded as deceased, and the child moves with her own No KK to a
// new household she heads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BASE_URL, DESKTOP, PHONE, closePage, field, launchBrowser, optionValue, screenshot,
  seriousAccessibilityViolations, signedInPage, waitForHydration,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// The new card's synthetic number: Kecamatan Waled, issued 1 July 2026, a
// serial from the clock so that a rerun on the same database uses a new one.
const serial = String(5000 + (Date.now() % 1000)).padStart(4, '0');
const NEW_KK = `320901010726${serial}`;
const walk = { household: '', head: '', died: '', leaves: '', death: '', split: '', accessibility: [] };

async function checkAccessibility(page, name) {
  for (const violation of await seriousAccessibilityViolations(page)) {
    walk.accessibility.push(`${name}: ${violation}`);
  }
}

/** Sends the proposal form now on `page` and returns the proposal's path, or '' when refused. */
async function sendProposal(page) {
  await page.getByTestId('propose-submit').click();
  // Whichever comes first; the other one's wait is let go quietly.
  const sent = page.waitForURL(/\/usulan\/\d+$/).then(() => true, () => false);
  const refused = page.getByTestId('form-error').first().waitFor().then(() => false, () => false);
  return (await Promise.race([sent, refused])) ? new URL(page.url()).pathname : '';
}

async function openProposal(username, path, viewport = PHONE) {
  const page = await signedInPage(browser, username, viewport);
  await page.goto(`${BASE_URL}${path}`);
  await page.getByTestId('proposal-stage').first().waitFor();
  await waitForHydration(page);
  return page;
}

async function stageIs(page, stage) {
  await page.locator('dd[data-testid="proposal-stage"]').filter({ hasText: stage }).waitFor();
}

test('a death and a pecah KK are proposed from the file of a family in the registry', async () => {
  const page = await signedInPage(browser, 'bo.waled', DESKTOP);
  await page.goto(`${BASE_URL}/keluarga?registri=ya`);
  await page.getByTestId('household-list').waitFor();
  const candidates = await page.getByTestId('household-link').evaluateAll(
    (links) => links.map((a) => a.getAttribute('href')),
  );
  for (const household of candidates) {
    await page.goto(`${BASE_URL}${household}`);
    await page.getByTestId('member-table').waitFor();
    // Three members at least: the head stays, one dies, one leaves.
    const rows = page.locator('[data-testid="member-table"] tbody tr');
    const others = [];
    for (let i = 0; i < await rows.count(); i += 1) {
      const cells = rows.nth(i).locator('td');
      const relationship = (await cells.nth(2).textContent()).trim();
      const name = (await cells.nth(0).textContent()).trim();
      if (relationship !== 'Kepala keluarga' && await rows.nth(i).getByTestId('member-status').count() === 0) {
        others.push(name);
      }
    }
    if (others.length < 2) continue;
    await page.getByTestId('propose-form').waitFor();
    await waitForHydration(page);
    const form = page.getByTestId('propose-form');
    await field(form, 'Jenis usulan').selectOption('remove_member');
    const leaver = field(form, 'Anggota yang keluar');
    await leaver.selectOption(await optionValue(leaver, others[0]));
    await field(form, 'Alasan').selectOption('died');
    await field(form, 'Tanggal (meninggal atau pindah)').fill(new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10));
    await field(form, 'Catatan usulan').fill('Meninggal dunia, surat kematian dari desa.');
    await form.getByTestId('change-preview').filter({ hasText: others[0] }).waitFor();
    const death = await sendProposal(page);
    // A family with a death already proposed: the next one.
    if (!death) continue;
    walk.household = household;
    walk.head = (await page.getByTestId('proposal-summary').locator('dd').first().textContent()).trim();
    [walk.died, walk.leaves, walk.death] = [others[0], others[1], death];
    break;
  }
  assert.ok(walk.death, 'a demo family in the registry with three living members');

  // The pecah KK from the same file: the members who go are ticked.
  await page.goto(`${BASE_URL}${walk.household}`);
  await page.getByTestId('propose-form').waitFor();
  await waitForHydration(page);
  const form = page.getByTestId('propose-form');
  await field(form, 'Jenis usulan').selectOption('split');
  await form.getByLabel(walk.leaves).check();
  await field(form, 'Catatan usulan').fill('Menikah, membuat KK sendiri.');
  await form.getByTestId('change-preview').filter({ hasText: 'KK baru' }).waitFor();
  await screenshot(page, 'split-proposal-desktop');
  walk.split = await sendProposal(page);
  assert.ok(walk.split, 'the pecah KK is accepted beside the death');
  // The two touch different members: no conflict is shown.
  await page.getByTestId('proposal-others').waitFor();
  assert.equal(await page.locator('[data-testid="proposal-others"] li[data-conflict="true"]').count(), 0);
  await closePage(page);
});

test('the village meeting agrees both, the facilitator verifies the family on a phone, the back office matches it', async () => {
  assert.ok(walk.split, 'the proposals from the first test');
  for (const proposal of [walk.death, walk.split]) {
    const page = await openProposal('fasilitator.waled', proposal);
    await page.getByTestId('proposal-note-approve_in_village_meeting').fill('BA Musdes Waled Desa 21/2026');
    await page.getByTestId('proposal-approve_in_village_meeting').click();
    await stageIs(page, 'Musdes');

    await page.goto(`${BASE_URL}${proposal}/verivali`);
    const visit = page.getByTestId('visit-form');
    await visit.waitFor();
    await waitForHydration(page);
    if (proposal === walk.death) {
      // The house's front, photographed on arrival: a phone's JPEG with its
      // position in it, kept without it and shown on the page.
      const photo = readFileSync(new URL('../../server/tests/fixtures/photos/house-front-gps.jpg', import.meta.url));
      await page.getByTestId('house-photo-form').locator('input[type="file"]').setInputFiles({
        name: 'IMG_20261207_0815.jpg', mimeType: 'image/jpeg', buffer: photo,
      });
      await page.getByTestId('house-photo-upload').click();
      await page.getByTestId('house-photo-sent').waitFor();
      const image = page.getByTestId('house-photo-image');
      await image.waitFor();
      // Decoded by the browser, and upright: the phone's orientation (turned a
      // quarter) is all that is left of its Exif, so 96×64 shows as 64×96.
      await page.waitForFunction(() => {
        const img = document.querySelector('[data-testid="house-photo-image"]');
        return img?.naturalWidth === 64 && img?.naturalHeight === 96;
      });
      const kept = await page.request.get(`${BASE_URL}${await image.getAttribute('src')}`);
      assert.equal(kept.status(), 200);
      const bytes = await kept.body();
      assert.ok(photo.includes('SamsungA15') && !bytes.includes('SamsungA15'), 'the phone and its position are gone');
      await screenshot(page, 'house-photo-phone');
      await waitForHydration(page);
    }
    await visit.locator('input[name="visited_on"]').fill(new Date().toISOString().slice(0, 10));
    const members = visit.locator('[data-testid="visit-members"] li');
    for (let i = 0; i < await members.count(); i += 1) {
      const died = (await members.nth(i).locator('label').textContent()).includes(walk.died);
      await members.nth(i).locator('select').selectOption(died ? 'deceased' : 'confirmed');
    }
    await page.getByTestId('visit-finish').check();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `the visit form fits a 360 px phone (${width} px)`);
    await page.getByTestId('visit-save').click();
    await page.waitForFunction(() => /Selesai/.test(document.querySelector('[data-testid="visit-state"]')?.textContent ?? ''));
    await closePage(page);

    const desk = await openProposal('bo.waled', proposal);
    await stageIs(desk, 'Verivali');
    const answers = desk.getByTestId('proposal-match-form').locator('select');
    for (let i = 0; i < await answers.count(); i += 1) {
      const choices = await answers.nth(i).locator('option').evaluateAll((o) => o.map((x) => x.value));
      await answers.nth(i).selectOption(choices.includes('matched') ? 'matched' : 'no_nik');
    }
    await desk.getByTestId('proposal-match-note').fill('Surat Disdukcapil 470/130/2026');
    await desk.getByTestId('proposal-match_civil_registry').click();
    await stageIs(desk, 'Padan Dukcapil');
    await closePage(desk);
  }
});

test('the manager approves and sends both in one batch, then records what Kemensos enacted', async () => {
  assert.ok(walk.split, 'the proposals from the first tests');
  const page = await signedInPage(browser, 'manajer.cirebon', DESKTOP);
  await page.goto(`${BASE_URL}/usulan/berkas`);
  const form = page.getByTestId('batch-ratify-form');
  await form.waitFor();
  await waitForHydration(page);
  const waiting = form.locator('[data-testid="batch-waiting"] li');
  const ours = [walk.death, walk.split];
  let ticked = 0;
  for (let i = 0; i < await waiting.count(); i += 1) {
    const href = await waiting.nth(i).locator('a').getAttribute('href');
    const mine = ours.includes(href);
    ticked += mine ? 1 : 0;
    await waiting.nth(i).locator('input[type="checkbox"]').setChecked(mine);
  }
  assert.equal(ticked, 2, 'both wait for approval');
  await page.getByTestId('batch-decree').fill('400.9/81/Dinsos/2026');
  await page.getByTestId('batch-ratify').click();
  await page.waitForURL(/\/usulan\/berkas\/\d+$/);
  await page.getByTestId('batch-state').filter({ hasText: 'Disahkan' }).waitFor();
  await waitForHydration(page);
  await page.getByTestId('batch-submit').click();
  await page.getByTestId('batch-state').filter({ hasText: 'Dikirim' }).waitFor();
  await closePage(page);

  // The death: enacted, the member is recorded as deceased on the file.
  const death = await openProposal('manajer.cirebon', walk.death);
  await stageIs(death, 'Dikirim');
  await death.getByTestId('proposal-note-enact').fill('Ditetapkan Kemensos, rilis Desember 2026');
  await death.getByTestId('proposal-enact').click();
  await stageIs(death, 'Ditetapkan');
  await death.goto(`${BASE_URL}${walk.household}`);
  const died = death.locator('[data-testid="member-table"] tbody tr').filter({ hasText: walk.died });
  await died.getByTestId('member-status').filter({ hasText: 'Meninggal' }).waitFor();
  await closePage(death);

  // The pecah KK asks for the card the civil registry issued and who heads it.
  const split = await openProposal('manajer.cirebon', walk.split, PHONE);
  await stageIs(split, 'Dikirim');
  const card = split.getByTestId('proposal-new-card');
  await card.waitFor();
  await split.getByTestId('proposal-enact').click();
  assert.equal(await split.getByTestId('proposal-new-no-kk').evaluate((input) => input.validity.valueMissing), true);
  // A number that is not a No KK is named under its field, in Indonesian.
  await split.getByTestId('proposal-new-no-kk').fill('3209');
  await split.getByTestId('proposal-new-no-kk').press('Tab');
  await split.locator('[data-live-error="new_no_kk"]').waitFor();
  await split.getByTestId('proposal-new-no-kk').fill(NEW_KK);
  await split.getByTestId('proposal-new-head').selectOption({ label: walk.leaves });
  await split.getByTestId('proposal-note-enact').fill('Ditetapkan Kemensos, rilis Desember 2026');
  const width = await split.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the enactment fits a 360 px phone (${width} px)`);
  await screenshot(split, 'split-enact-phone');
  await split.getByTestId('proposal-enact').click();
  await stageIs(split, 'Ditetapkan');
  await checkAccessibility(split, 'split enacted');

  // The old file keeps its head without her; the new one is hers, with her own card.
  await split.goto(`${BASE_URL}${walk.household}`);
  await split.getByTestId('member-table').waitFor();
  assert.equal(await split.locator('[data-testid="member-table"] tbody tr').filter({ hasText: walk.leaves }).count(), 0);
  await split.goto(`${BASE_URL}/keluarga?q=${encodeURIComponent(walk.leaves)}`);
  await split.getByTestId('household-link').filter({ hasText: walk.leaves }).first().click();
  await split.getByTestId('household-head').filter({ hasText: walk.leaves }).waitFor();
  assert.match(await split.getByTestId('masked-number').first().textContent(), new RegExp(`${serial}$`));
  assert.equal(await split.locator('[data-testid="member-table"] tbody tr').count(), 1);
  await screenshot(split, 'split-new-household-phone');
  await closePage(split);
  assert.deepEqual(walk.accessibility, [], 'serious or critical accessibility violations');
});
