// Registry proposals (flow B) in real Chromium against the real server and the
// demo data: a facilitator's worklist holds what awaits their step, the
// proposal's page records the village meeting, and the proposal moves on to
// the next worker's list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BASE_URL, PHONE, closePage, field, fillHousehold, fillMember, launchBrowser, screenshot,
  seriousAccessibilityViolations, signedInPage, waitForHydration,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** The count shown for `stage` above the list now on `page`. */
async function countAt(page, stage) {
  const chip = page.locator(`[data-testid="proposal-stage-counts"] a[data-stage="${stage}"]`);
  return Number(await chip.getAttribute('data-count'));
}

/** The stages shown on the cards of the list now on `page`. */
async function stagesOnList(page) {
  await page.getByTestId('proposal-count').waitFor();
  return page.locator('[data-testid="proposal-card"]').evaluateAll(
    (cards) => cards.map((card) => card.dataset.stage),
  );
}

test('a facilitator records the village meeting from the worklist; the proposal moves to the next step', async () => {
  const page = await signedInPage(browser, 'fasilitator.waled', PHONE);
  await page.getByTestId('nav-proposals').click();
  await page.waitForURL(`${BASE_URL}/usulan`);
  // The worklist opens on "awaiting my step": the village meeting and the home visit.
  const stages = await stagesOnList(page);
  assert.ok(stages.length > 0, 'the demo village has proposals awaiting the facilitator');
  for (const stage of stages) {
    assert.ok(['proposed', 'village_meeting_approved'].includes(stage), `not the facilitator's step: ${stage}`);
  }
  const proposedBefore = await countAt(page, 'proposed');
  const metBefore = await countAt(page, 'village_meeting_approved');
  assert.ok(proposedBefore > 0);
  assert.deepEqual(await seriousAccessibilityViolations(page), []);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the worklist fits a 360 px phone (${width} px)`);
  await screenshot(page, 'proposals-worklist-phone');

  const proposed = page.locator('[data-testid="proposal-card"][data-stage="proposed"]').first();
  await proposed.getByTestId('proposal-link').click();
  await page.waitForURL(/\/usulan\/\d+$/);
  await page.getByTestId('proposal-timeline').waitFor();
  await waitForHydration(page);
  const proposalPath = new URL(page.url()).pathname;
  assert.equal(await page.getByTestId('proposal-stage').textContent(), 'Usulan');
  const stepsBefore = await page.locator('[data-testid="proposal-timeline"] li').count();

  // A refusal needs its reason: named under the field once it is left.
  const reason = page.getByTestId('proposal-note-reject');
  await reason.fill('x');
  await reason.fill('');
  await reason.press('Tab');
  await page.locator('[data-live-error="note"]').first().waitFor();

  await page.getByTestId('proposal-note-approve_in_village_meeting').fill('Berita acara musdes 12/2026');
  await page.getByTestId('proposal-approve_in_village_meeting').click();
  await page.getByTestId('form-success').waitFor();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="proposal-stage"]')?.textContent === 'Musdes',
  );
  const steps = page.locator('[data-testid="proposal-timeline"] li');
  assert.equal(await steps.count(), stepsBefore + 1);
  assert.match(await steps.last().textContent(), /Berita acara musdes 12\/2026/);
  assert.match(await steps.last().textContent(), /fasilitator\.waled/);
  // The next step's form starts empty: the note of the step just taken is not carried over.
  const next = page.getByTestId('proposal-note-verify');
  await next.waitFor();
  assert.equal(await next.inputValue(), '');
  await screenshot(page, 'proposal-after-musdes-phone');
  // Back on the worklist, the counts per stage moved by one.
  await page.goto(`${BASE_URL}/usulan`);
  await page.getByTestId('proposal-count').waitFor();
  assert.equal(await countAt(page, 'proposed'), proposedBefore - 1);
  assert.equal(await countAt(page, 'village_meeting_approved'), metBefore + 1);
  await closePage(page);

  // The district's SLRT manager has nothing to do with it yet (the home visit
  // comes first); the page names who acts next and offers no step.
  const manager = await signedInPage(browser, 'manajer.cirebon', PHONE);
  await manager.goto(`${BASE_URL}${proposalPath}`);
  await manager.getByTestId('proposal-waits').waitFor();
  assert.match(await manager.getByTestId('proposal-waits').textContent(), /Fasilitator Desa/);
  assert.equal(await manager.locator('[data-testid="proposal-actions"] form').count(), 0);
  await closePage(manager);
});

test('the front office, who takes no step of flow B, is refused the worklist', async () => {
  const page = await signedInPage(browser, 'fo.waled', PHONE);
  assert.equal(await page.getByTestId('nav-proposals').count(), 0);
  const response = await page.goto(`${BASE_URL}/usulan`);
  assert.equal(response.status(), 403);
  await closePage(page);
});

test('a facilitator proposes a member who moved out, sees now and proposed side by side, and cannot propose it twice', async () => {
  const page = await signedInPage(browser, 'fasilitator.waled', PHONE);
  await page.goto(`${BASE_URL}/keluarga?registri=ya`);
  const links = await page.getByTestId('household-link').evaluateAll((all) => all.map((a) => a.getAttribute('href')));
  assert.ok(links.length > 0, 'the demo sub-district has families in the registry');
  let leaving = null;
  let form = null;
  for (const link of links.slice(0, 12)) {
    await page.goto(`${BASE_URL}${link}`);
    form = page.getByTestId('propose-form');
    await form.waitFor();
    await waitForHydration(page);
    await field(form, 'Jenis usulan').selectOption('remove_member');
    const options = await field(form, 'Anggota yang keluar').locator('option').evaluateAll(
      (all) => all.filter((o) => o.value !== '').map((o) => ({ value: o.value, name: o.textContent.trim() })),
    );
    if (options.length > 0) {
      leaving = options[0];
      break;
    }
  }
  assert.ok(leaving, 'a family in the registry with a member besides the head');
  await field(form, 'Anggota yang keluar').selectOption(leaving.value);
  await field(form, 'Alasan').selectOption('moved_out');
  await field(form, 'Tanggal (meninggal atau pindah)').fill('2026-11-02');
  await field(form, 'Catatan usulan').fill('Pindah ikut suami ke Indramayu.');
  // Before it is sent: the members now, and without the one who leaves.
  const preview = form.getByTestId('change-preview');
  await preview.filter({ hasText: 'Pindah keluar' }).waitFor();
  const rows = await preview.locator('tbody tr').evaluateAll((all) => all.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  assert.ok(rows[0][1].includes(leaving.name), `now lists ${leaving.name}: ${rows[0]}`);
  assert.ok(!rows[0][2].includes(leaving.name), `proposed drops ${leaving.name}: ${rows[0]}`);
  await screenshot(page, 'proposal-form-phone');
  const household = new URL(page.url()).pathname;
  await page.getByTestId('propose-submit').click();
  await page.waitForURL(/\/usulan\/\d+$/);
  const proposalPath = new URL(page.url()).pathname;
  await page.getByTestId('proposal-kind').filter({ hasText: 'Keluarkan anggota' }).waitFor();
  await page.getByTestId('change-preview').filter({ hasText: leaving.name }).waitFor();
  assert.deepEqual(await seriousAccessibilityViolations(page), []);

  // The same change again is refused, naming the open proposal; what was typed stays.
  await page.goto(`${BASE_URL}${household}`);
  form = page.getByTestId('propose-form');
  await form.waitFor();
  await waitForHydration(page);
  await field(form, 'Jenis usulan').selectOption('remove_member');
  await field(form, 'Anggota yang keluar').selectOption(leaving.value);
  await field(form, 'Alasan').selectOption('died');
  await field(form, 'Tanggal (meninggal atau pindah)').fill('2026-11-03');
  await field(form, 'Catatan usulan').fill('Dicatat lagi.');
  await page.getByTestId('propose-submit').click();
  const proposalNumber = proposalPath.split('/').pop();
  await form.getByText(`usulan nomor ${proposalNumber}`).waitFor();
  assert.equal(await field(form, 'Catatan usulan').inputValue(), 'Dicatat lagi.');
  assert.equal(new URL(page.url()).pathname, household);
  await closePage(page);
});

test('the SLRT manager lists proposals by stage and kind and downloads exactly that list as CSV', async () => {
  const page = await signedInPage(browser, 'manajer.cirebon', PHONE);
  await page.goto(`${BASE_URL}/usulan?tahap=semua&jenis=correction`);
  // On a phone every entry of the menu is in sight, none beyond the screen's edge.
  const edges = await page.locator('nav[aria-label="Menu utama"] a').evaluateAll(
    (links) => links.map((a) => [a.textContent.trim(), a.getBoundingClientRect().right]),
  );
  assert.ok(edges.length >= 6, `${edges}`);
  for (const [name, right] of edges) assert.ok(right <= 360, `${name} ends at ${right} px`);
  const shown = Number(((await page.getByTestId('proposal-count').textContent()).split(' ')[0]).replace(/\./g, ''));
  assert.ok(shown > 0, 'the demo district has corrections');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('proposal-export').click(),
  ]);
  const rows = readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '').trim().split('\n');
  assert.match(rows[0], /^nomor_usulan;kepala_keluarga;no_kk;kode_desa;jenis;perubahan;asal;tahap;terakhir_bergerak$/);
  assert.equal(rows.length - 1, shown, 'the CSV holds the list as filtered, every page of it');
  assert.ok(rows.slice(1).every((row) => row.includes(';Perbaikan data;')), 'only corrections');
  assert.ok(rows.slice(1).every((row) => !/\d{16}/.test(row)), 'no whole NIK or No KK');
  await closePage(page);
});

test('the back office sends the civil registry\'s match-result file; a file without its columns is refused, saying which', async () => {
  const page = await signedInPage(browser, 'bo.waled', PHONE);
  await page.goto(`${BASE_URL}/usulan`);
  const box = page.getByTestId('match-file');
  await box.waitFor();
  await box.locator('summary').click();
  await page.getByTestId('match-file-input').setInputFiles({
    name: 'hasil-padan.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('nama;alamat\nBudi;Waled\n'),
  });
  await page.getByTestId('match-file-upload').click();
  await page.waitForURL(/padan_galat=match_file_header/);
  await page.getByTestId('match-file-error').filter({ hasText: /kolom NIK/ }).waitFor();
  // A file that answers nobody waiting: read, nothing recorded, said so.
  await page.getByTestId('match-file-input').setInputFiles({
    name: 'hasil-padan.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('NIK;Hasil\n3209010101900009;Padan\n'),
  });
  await page.getByTestId('match-file-upload').click();
  await page.waitForURL(/padan=0-0-0-1/);
  await page.getByTestId('match-file-result').filter({ hasText: /1 baris/ }).waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the list with the upload fits a 360 px phone (${width} px)`);
  await closePage(page);
});

test('a family known only by name is proposed from the worklist: registered first, then on to its proposal form', async () => {
  // Synthetic numbers of Kecamatan Waled the demo does not use; a serial from
  // the clock (7000–7999: the other walks use 5000–9999 with other dates).
  const serial = String(7000 + (Date.now() % 1000)).padStart(4, '0');
  const noKk = `320901200626${serial}`;
  const headNik = `320901070779${serial}`; // male, born 07/07/1979
  const head = `Darsono Usulan ${serial}`;
  const page = await signedInPage(browser, 'bo.waled', PHONE);
  await page.goto(`${BASE_URL}/usulan`);
  await page.getByTestId('propose-new-family').click();
  await page.waitForURL(`${BASE_URL}/layanan?usul=1`);
  await page.getByTestId('intake-to-propose').waitFor();
  await waitForHydration(page);
  await page.getByLabel('Nomor KK').check();
  await page.getByLabel('Nomor (16 digit)').fill(noKk);
  await page.getByTestId('lookup-submit').click();
  await page.getByTestId('registry-not-found').waitFor();
  await page.getByTestId('start-registration').click();
  const form = page.getByTestId('registration-form');
  await form.waitFor();
  assert.equal(await field(form, 'Nomor KK').inputValue(), noKk);
  await fillHousehold(form, head);
  const member = form.getByTestId('member').nth(0);
  await field(member, 'NIK').fill(headNik);
  await fillMember(member, 'Cirebon');
  await page.getByTestId('registration-submit').click();
  // Saved, the household opens at its proposal form, a new family already chosen.
  await page.waitForURL(/\/keluarga\/\d+#usulan$/);
  const propose = page.getByTestId('propose-form');
  await propose.waitFor();
  await waitForHydration(page);
  assert.equal(await field(propose, 'Jenis usulan').inputValue(), 'new_family');
  await field(propose, 'Catatan usulan').fill('Keluarga miskin dari daftar desa, belum pernah didata.');
  await page.getByTestId('propose-submit').click();
  await page.waitForURL(/\/usulan\/\d+$/);
  await page.getByTestId('proposal-kind').filter({ hasText: 'Keluarga baru' }).waitFor();
  assert.match(await page.getByTestId('proposal-summary').textContent(), new RegExp(head));
  await closePage(page);
});
