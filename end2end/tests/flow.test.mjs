// Flow A end to end, as the people at a Puskesos and the receiving institution
// do it, in real Chromium against the real server and the demo data: the front
// office registers a new household with two members and a complaint, the back
// office identifies the needs, the coordinator decides and refers, the letter
// is printed, the hospital accepts and completes, the case is resolved; and an
// overdue case is escalated to the district, which takes it over.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import {
  ARTIFACTS_DIR, BASE_URL, DESKTOP, PHONE, closePage, launchBrowser, screenshot,
  field, seriousAccessibilityViolations, waitForHydration, signedInPage,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// Synthetic numbers of Kecamatan Waled (320901) that no demo household uses:
// the serial comes from the clock, so a rerun on the same database registers anew.
const serial = String(9000 + (Date.now() % 1000)).padStart(4, '0');
const NO_KK = `320901150326${serial}`;
const HEAD_NIK = `320901120485${serial}`; // male, born 12/04/1985
const SPOUSE_NIK = `320901610988${serial}`; // female (day + 40), born 21/09/1988
const HEAD = `Warsono Uji ${serial}`;

const found = { household: '', casePath: '', referral: '', proposal: '', accessibility: [] };

/** Chooses the option whose text matches `pattern`, as a person reading the list would. */
async function selectByText(select, pattern) {
  const value = await select.evaluate(
    (element, source) => [...element.options].find((o) => new RegExp(source).test(o.textContent))?.value,
    pattern.source,
  );
  assert.ok(value, `an option matching ${pattern}`);
  await select.selectOption(value);
}

/** Checks the page with axe-core and keeps what it found for the last test. */
async function checkAccessibility(page, name) {
  const violations = await seriousAccessibilityViolations(page);
  found.accessibility.push(...violations.map((v) => `${name}: ${v}`));
}

/** Opens the case page as `username` and waits for the WebAssembly bundle. */
async function openCase(username, viewport = PHONE) {
  const page = await signedInPage(browser, username, viewport);
  await page.goto(`${BASE_URL}${found.casePath}`);
  await page.getByTestId('case-number').waitFor();
  await waitForHydration(page);
  return page;
}

/** Takes a case action by its code, with a note, and waits until the page shows `state`. */
async function act(page, action, state, note = '') {
  const form = page.locator(`form[data-action="${action}"]`);
  if (note) await form.getByLabel(/Catatan/).fill(note);
  const confirm = form.getByTestId(`confirm-${action}`);
  if (['resolve', 'close'].includes(action)) {
    // A final action waits for its confirmation: pressed first, it sends nothing.
    const before = await page.getByTestId('case-state').textContent();
    await form.getByTestId(`action-${action}`).click();
    assert.equal(await confirm.evaluate((box) => box.validity.valueMissing), true, `${action} asks to confirm`);
    assert.equal(await page.getByTestId('case-state').textContent(), before);
    await confirm.check();
  }
  await form.getByTestId(`action-${action}`).click();
  const moved = page.getByTestId('case-state').filter({ hasText: state });
  const refused = page.getByTestId('form-error');
  try {
    await moved.or(refused).first().waitFor();
  } catch (error) {
    await screenshot(page, `failed-${action}`);
    throw error;
  }
  if (await refused.count() > 0) assert.fail(`${action}: ${await refused.first().textContent()}`);
  // The next action's form starts empty: a note is never carried over to another action.
  const notes = await page.locator('form[data-action] input[name="note"]').evaluateAll(
    (inputs) => inputs.map((input) => input.value),
  );
  assert.ok(notes.every((value) => value === ''), `notes left typed after ${action}: ${notes}`);
}

/** Checks the case page's next-step line: what it says, and whether it is the user's turn. */
async function nextStep(page, text, mine) {
  const line = page.getByTestId('case-next-step');
  await line.filter({ hasText: text }).waitFor();
  assert.equal(await line.getAttribute('data-mine'), String(mine), await line.textContent());
}

test('the front office looks up a number not on record, registers the household with two members, and opens a case', async () => {
  const page = await signedInPage(browser, 'fo.waled', PHONE);
  await page.getByTestId('nav-intake').click();
  await page.getByTestId('lookup-form').waitFor();
  await waitForHydration(page);
  await page.getByLabel('Nomor KK').check();
  await page.getByLabel('Nomor (16 digit)').fill(NO_KK);
  await page.getByTestId('lookup-submit').click();
  await page.getByTestId('registry-not-found').waitFor();
  // Whoever looks at the screen now sees the number masked.
  assert.match(await page.getByLabel('Nomor (16 digit)').inputValue(), /^\*{12}\d{4}$/);
  await checkAccessibility(page, 'intake');
  await page.getByTestId('start-registration').click();

  const form = page.getByTestId('registration-form');
  await form.waitFor();
  assert.equal(await field(form, 'Nomor KK').inputValue(), NO_KK, 'the number looked up is carried into the form');
  await field(form, 'Nama kepala keluarga').fill(HEAD);
  const village = field(form, 'Desa/kelurahan');
  await village.selectOption({ index: 1 });
  await field(form, 'RW').fill('2');
  await field(form, 'RT').fill('5');
  await field(form, 'Jalan, nomor rumah, patokan').fill('Gang Mawar 7');
  for (const label of ['Status rumah', 'Status lahan', 'Lantai', 'Dinding', 'Atap', 'Air minum', 'Penerangan', 'Bahan bakar memasak', 'Fasilitas BAB', 'Penghasilan keluarga per bulan']) {
    await field(form, label).selectOption({ index: 1 });
  }
  await field(form, 'Luas lantai (m²)').fill('24');

  // Member 1, the head: the NIK fills sex and birth date by itself.
  const head = form.getByTestId('member').nth(0);
  await field(head, 'NIK').fill(HEAD_NIK);
  // The head's name is typed once: the head's row shows it, with no second field.
  assert.ok((await head.getByTestId('head-member-name').textContent()).includes(HEAD));
  assert.equal(await field(head, 'Nama lengkap').count(), 0);
  await field(head, 'Tempat lahir').fill('Cirebon');
  assert.equal(await field(head, 'Tanggal lahir').inputValue(), '1985-04-12');
  assert.equal(await field(head, 'Jenis kelamin').inputValue(), 'male');
  for (const label of ['Status perkawinan', 'Pendidikan tertinggi', 'Pekerjaan utama']) {
    await field(head, label).selectOption({ index: 2 });
  }

  // Member 2: a mistyped NIK is named beside its field as soon as the field is left.
  await form.getByTestId('add-member').click();
  const spouse = form.getByTestId('member').nth(1);
  await field(spouse, 'NIK').fill('3209016109');
  await field(spouse, 'Nama lengkap').focus();
  const nikError = spouse.locator('#f-members-1-nik-error');
  await nikError.filter({ hasText: /16 digit/ }).waitFor();
  await screenshot(page, 'registration-error-phone');
  await field(spouse, 'NIK').fill(SPOUSE_NIK);
  await page.waitForFunction(() => document.querySelector('#f-members-1-nik-error')?.textContent === '');
  await field(spouse, 'Nama lengkap').fill('Sulastri');
  await field(spouse, 'Hubungan dengan kepala keluarga').selectOption('spouse');
  await field(spouse, 'Tempat lahir').fill('Indramayu');
  assert.equal(await field(spouse, 'Jenis kelamin').inputValue(), 'female');
  for (const label of ['Status perkawinan', 'Pendidikan tertinggi', 'Pekerjaan utama']) {
    await field(spouse, label).selectOption({ index: 2 });
  }
  // Every section of the form is complete, and each can be jumped to.
  assert.equal(await page.getByTestId('registration-progress').textContent(), 'Bagian lengkap: 4 dari 4');
  assert.equal(await page.getByTestId('registration-sections').getByRole('link').count(), 4);
  await checkAccessibility(page, 'registration');
  await screenshot(page, 'registration-phone');
  await page.getByTestId('registration-submit').click();

  // The household's file: two members, NIK masked; the whole number on request.
  await page.waitForURL(/\/keluarga\/\d+$/);
  found.household = new URL(page.url()).pathname;
  await page.getByTestId('household-head').filter({ hasText: HEAD }).waitFor();
  await waitForHydration(page);
  const members = page.getByTestId('member-table').locator('tbody tr');
  assert.equal(await members.count(), 2);
  const masked = await members.first().getByTestId('masked-number').textContent();
  assert.ok(!masked.includes(HEAD_NIK) && masked.includes('*'), `masked: ${masked}`);
  await members.first().getByTestId('reveal').click();
  await members.first().getByTestId('masked-number').filter({ hasText: HEAD_NIK }).waitFor();
  await checkAccessibility(page, 'household');
  await screenshot(page, 'household-phone');

  // A case with one complaint.
  const caseForm = page.getByTestId('open-case-form');
  const complaint = caseForm.getByTestId('complaint').first();
  await field(complaint, 'Jenis').selectOption('service_request');
  await field(complaint, 'Sektor').selectOption('health');
  await field(complaint, 'Uraian').fill('Istri perlu kontrol kehamilan; belum punya jaminan kesehatan.');
  await field(complaint, 'Urgensi').selectOption({ index: 2 });
  await field(complaint, 'KTP').check();
  await page.getByTestId('open-case-submit').click();
  await page.waitForURL(/\/kasus\/\d+$/);
  found.casePath = new URL(page.url()).pathname;
  await page.getByTestId('case-state').filter({ hasText: 'Terdaftar' }).waitFor();
  await waitForHydration(page);
  // The case says whose turn it is: the front office's, to check the registry;
  // then the back office's, to identify the needs. The village by its name.
  await nextStep(page, /Cek registri/, true);
  assert.match(await page.getByTestId('case-village').textContent(), /Waled Desa/);
  await act(page, 'check_registry', 'Sudah dicek di registri');
  // The timeline keeps what the registry said at that moment: this family is not in it.
  await page.getByTestId('case-timeline').filter({ hasText: 'Hasil cek registri: keluarga tidak ditemukan' }).waitFor();
  await nextStep(page, /Identifikasi kebutuhan — oleh Petugas Back Office/, false);
  await closePage(page);
});

test('the back office identifies the needs and proposes the family to the registry', async () => {
  assert.ok(found.casePath, 'the case from the first test');
  const page = await openCase('bo.waled');
  await act(page, 'identify_needs', 'Kebutuhan teridentifikasi', 'Butuh PBI dan pemeriksaan kehamilan.');
  // Not in the registry: from the case straight to the proposal form of the household.
  await page.getByTestId('case-propose').click();
  await page.waitForURL(`${BASE_URL}${found.household}#usulan`);
  await page.getByTestId('propose-form').waitFor();
  await waitForHydration(page);
  // A family outside the registry can only be proposed as a new family.
  const form = page.getByTestId('propose-form');
  assert.equal(await field(form, 'Jenis usulan').inputValue(), 'new_family');
  await field(form, 'Catatan usulan').fill('Keluarga baru, belum pernah didata.');
  await form.getByTestId('change-preview').filter({ hasText: 'Keluarga baru' }).waitFor();
  await page.getByTestId('propose-submit').click();
  // Sent, the proposal's own page opens with the change asked for.
  await page.waitForURL(/\/usulan\/\d+$/);
  found.proposal = new URL(page.url()).pathname;
  await page.getByTestId('proposal-kind').filter({ hasText: 'Keluarga baru' }).waitFor();
  await closePage(page);
});

test('the coordinator decides, issues a referral with consent and prints its letter', async () => {
  const page = await openCase('koordinator.waled', DESKTOP);
  await nextStep(page, /Tetapkan layanan/, true);
  await act(page, 'decide_service', 'Layanan ditetapkan');
  await nextStep(page, /rujukan/, true);
  const form = page.getByTestId('referral-form');
  await selectByText(field(form, 'Program/layanan'), /PBI/);
  await selectByText(field(form, 'Lembaga penerima'), /RSUD Waled/);
  // The pregnancy check is for the wife: the referral names her, not only the head.
  await selectByText(field(form, 'Untuk anggota keluarga'), /Sulastri/);
  await field(form, 'Persetujuan diberikan oleh').fill(HEAD);
  await form.getByTestId('consent').check();
  await checkAccessibility(page, 'case');
  await form.getByTestId('referral-submit').click();
  // The case moves on and lists the referral with its letter.
  await page.getByTestId('case-state').filter({ hasText: 'Dirujuk' }).waitFor();
  // The confirmation stays above the redrawn file, with the letter's number.
  assert.match(await page.getByTestId('case-notice').textContent(), /Rujukan RJK\/.+ terbit/);
  const issued = page.getByTestId('case-referrals').locator('li').filter({ hasText: 'RSUD Waled' });
  await issued.waitFor();
  assert.match(await issued.getByTestId('referral-member').textContent(), /Untuk .*Sulastri/);
  await screenshot(page, 'case-desktop');
  await issued.getByTestId('letter-link').click();
  await page.getByTestId('referral-letter').waitFor();
  found.referral = (await page.getByTestId('letter-number').textContent()).replace('Nomor:', '').trim();
  assert.match(await page.getByTestId('letter-member').textContent(), /Sulastri/);
  assert.ok(found.referral.length > 0);
  const letter = await page.getByTestId('referral-letter').textContent();
  assert.ok(letter.includes(HEAD), 'the letter names the resident');
  assert.ok(!letter.includes(HEAD_NIK), 'the letter shows no whole NIK');
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: join(ARTIFACTS_DIR, 'flow-referral-letter.pdf'), format: 'A4', preferCSSPageSize: true });
  await closePage(page);
});

test('the hospital accepts and completes the referral; the coordinator resolves the case; the timeline shows every step', async () => {
  assert.ok(found.referral, 'the referral from the previous test');
  const hospital = await signedInPage(browser, 'lembaga.rsud', PHONE);
  // The inbox opens on what awaits the hospital, newest first: the new referral
  // heads the first page, among the demo's many older ones.
  await hospital.getByTestId('nav-referrals').click();
  const newest = hospital.getByTestId('referral-card').first();
  await newest.waitFor();
  assert.equal(await newest.getAttribute('data-number'), found.referral, 'the newest referral comes first');
  const find = `${BASE_URL}/rujukan?cari=${encodeURIComponent(found.referral)}`;
  await hospital.goto(find);
  const card = hospital.getByTestId('referral-card').first();
  await card.waitFor();
  await waitForHydration(hospital);
  await card.getByTestId('action-accept').click();
  await hospital.getByTestId('form-success').waitFor();
  for (const [action, note] of [['start_processing', ''], ['complete', 'Sudah didaftarkan PBI APBD dan diperiksa di poli kandungan.']]) {
    await hospital.goto(find);
    await waitForHydration(hospital);
    await card.waitFor();
    if (note) await card.getByTestId(`note-${action}`).fill(note);
    await card.getByTestId(`action-${action}`).click();
    await hospital.getByTestId('form-success').waitFor();
  }
  await hospital.goto(find);
  await card.waitFor();
  assert.equal(await card.getByTestId('referral-state').textContent(), 'Selesai');
  await closePage(hospital);

  const page = await openCase('koordinator.waled');
  await page.getByTestId('case-state').filter({ hasText: 'Pemantauan' }).waitFor();
  await act(page, 'resolve', 'Selesai', 'Kebutuhan terpenuhi.');
  const timeline = await page.getByTestId('case-timeline').textContent();
  for (const step of ['Terdaftar', 'Sudah dicek di registri', 'Kebutuhan teridentifikasi', 'Layanan ditetapkan', 'Dirujuk', 'Pemantauan', 'Selesai']) {
    assert.ok(timeline.includes(step), `timeline shows ${step}: ${timeline}`);
  }
  for (const who of ['fo.waled', 'bo.waled', 'koordinator.waled', 'lembaga.rsud']) {
    assert.ok(timeline.includes(who), `timeline names ${who}`);
  }
  await screenshot(page, 'case-resolved-phone');
  await closePage(page);
});

test('an overdue case is escalated by the coordinator and taken over by the district', async () => {
  const page = await signedInPage(browser, 'koordinator.waled', PHONE);
  await page.goto(`${BASE_URL}/kasus?terlambat=1`);
  await page.getByTestId('case-link').first().waitFor();
  // The first overdue case the coordinator can still escalate (some are escalated already).
  const hrefs = await page.getByTestId('case-link').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  let path = '';
  for (const href of hrefs) {
    await page.goto(`${BASE_URL}${href}`);
    await page.getByTestId('case-due').filter({ hasText: 'terlambat' }).waitFor();
    if (await page.locator('form[data-action="escalate"]').count() > 0) {
      path = href;
      break;
    }
  }
  assert.ok(path, `an overdue case to escalate among ${hrefs.length}`);
  await waitForHydration(page);
  const form = page.locator('form[data-action="escalate"]');
  // Escalating needs a note: the browser refuses the empty form and nothing changes.
  await form.getByTestId('action-escalate').click();
  assert.equal(await form.getByLabel(/Catatan/).evaluate((el) => el.validity.valueMissing), true);
  await act(page, 'escalate', 'Dieskalasi', 'Melewati batas waktu; perlu keputusan kabupaten.');
  assert.match(await page.getByTestId('case-state').textContent(), /Kabupaten\/Kota/);
  await closePage(page);

  const district = await signedInPage(browser, 'manajer.cirebon', DESKTOP);
  await district.goto(`${BASE_URL}${path}`);
  await district.getByTestId('case-number').waitFor();
  await waitForHydration(district);
  await act(district, 'take_over', 'Kebutuhan teridentifikasi');
  assert.match(await district.getByTestId('case-state').textContent(), /Kabupaten\/Kota/);
  await closePage(district);
});

test('the main pages read at 360 px and 1280 px, in Indonesian and in English, with no serious accessibility violation', async () => {
  assert.ok(found.household, 'the household from the first test');
  for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    const page = await signedInPage(browser, 'fo.waled', viewport);
    for (const [pageName, path, ready] of [
      ['intake', '/layanan', 'lookup-form'],
      ['households', '/keluarga', 'household-list'],
      ['household', found.household, 'household-head'],
      ['case', found.casePath, 'case-timeline'],
      ['cases', '/kasus', 'case-table'],
    ]) {
      await page.goto(`${BASE_URL}${path}`);
      await page.getByTestId(ready).waitFor();
      await screenshot(page, `${pageName}-${name}`);
      await checkAccessibility(page, `${pageName} (${name})`);
    }
    await closePage(page);
  }

  // English: the switch sits in the header; the choice stays for the next page.
  const page = await signedInPage(browser, 'fo.waled', PHONE);
  await page.goto(`${BASE_URL}/keluarga`);
  await page.getByTestId('language-switch').click();
  await page.getByRole('heading', { name: 'Households' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.getByTestId('nav-intake').click();
  await page.getByRole('heading', { name: 'New visit' }).waitFor();
  await screenshot(page, 'intake-english-phone');
  await page.getByTestId('language-switch').click();
  await page.getByRole('heading', { name: 'Layanan baru' }).waitFor();
  await closePage(page);

  assert.deepEqual(found.accessibility, [], 'serious or critical accessibility violations');
});

// Flow B, the same family from its proposal to the registry: the village
// meeting with its signed minutes, the home visit on a phone, padan Dukcapil,
// the district's approval and sending with the submission file, and the
// registry release that closes it.

/** Opens the family's proposal as `username` and waits for the bundle. */
async function openProposal(username, viewport = PHONE) {
  const page = await signedInPage(browser, username, viewport);
  await page.goto(`${BASE_URL}${found.proposal}`);
  await page.getByTestId('proposal-stage').first().waitFor();
  await waitForHydration(page);
  return page;
}

async function stageIs(page, stage) {
  await page.locator('dd[data-testid="proposal-stage"]').filter({ hasText: stage }).waitFor();
}

test('flow B: the village meeting agrees the family, with its signed minutes', async () => {
  assert.ok(found.proposal, 'the proposal from the flow A tests');
  const page = await openProposal('fasilitator.waled');
  const village = (await page.getByTestId('proposal-summary').locator('dd').nth(2).textContent()).trim();
  await page.goto(`${BASE_URL}/musdes/baru?desa=${village}`);
  const form = page.getByTestId('meeting-form');
  await form.waitFor();
  await waitForHydration(page);
  // Only this family on the agenda: the village's other proposals wait for theirs.
  const boxes = form.locator('[data-testid="meeting-candidates"] li');
  for (let i = 0; i < await boxes.count(); i += 1) {
    const ours = (await boxes.nth(i).textContent()).includes(HEAD);
    await boxes.nth(i).locator('input[type="checkbox"]').setChecked(ours);
  }
  await page.getByTestId('meeting-date').fill(new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
  await page.getByTestId('meeting-place').fill('Balai Desa');
  await page.getByTestId('meeting-head').fill('Sutrisno');
  await page.getByTestId('meeting-participants').fill('Sutrisno, Kepala Desa\nAni Lestari, BPD');
  await page.getByTestId('meeting-save').click();
  await page.waitForURL(/\/musdes\/\d+$/);
  await page.getByTestId('meeting-agenda').waitFor();
  await waitForHydration(page);
  const item = page.getByTestId('meeting-item');
  assert.equal(await item.count(), 1);
  assert.match(await item.textContent(), new RegExp(HEAD));
  await item.locator('input[value="agreed"]').check();
  await item.getByTestId('meeting-decide').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="meeting-item"]')?.dataset.decision === 'agreed',
  );
  await page.getByTestId('meeting-minutes-form').locator('input[type="file"]').setInputFiles({
    name: 'berita-acara.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
  });
  await page.getByTestId('meeting-minutes-upload').click();
  await page.waitForURL(/notulen=ok/);
  await waitForHydration(page);
  await page.getByTestId('meeting-approve-button').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="meeting-state"]')?.textContent?.trim() === 'Disahkan',
  );
  await page.goto(`${BASE_URL}${found.proposal}`);
  await stageIs(page, 'Musdes');
  await closePage(page);
});

test('flow B: the facilitator verifies the family at home on a phone', async () => {
  const page = await signedInPage(browser, 'fasilitator.waled', PHONE);
  await page.goto(`${BASE_URL}${found.proposal}/verivali`);
  const form = page.getByTestId('visit-form');
  await form.waitFor();
  await waitForHydration(page);
  await form.locator('input[name="visited_on"]').fill(new Date().toISOString().slice(0, 10));
  const members = form.locator('[data-testid="visit-members"] select');
  assert.equal(await members.count(), 2);
  for (let i = 0; i < 2; i += 1) await members.nth(i).selectOption('confirmed');
  await page.getByTestId('visit-finish').check();
  await page.getByTestId('visit-save').click();
  await page.waitForFunction(() => /Selesai/.test(document.querySelector('[data-testid="visit-state"]')?.textContent ?? ''));
  await page.goto(`${BASE_URL}${found.proposal}`);
  await stageIs(page, 'Verivali');
  await closePage(page);
});

test('flow B: the back office records padan Dukcapil member by member', async () => {
  const page = await openProposal('bo.waled');
  await stageIs(page, 'Verivali');
  const form = page.getByTestId('proposal-match-form');
  await form.waitFor();
  const answers = form.locator('select');
  assert.equal(await answers.count(), 2, 'one answer per living member');
  // Not answered: the browser asks for each one and nothing is sent.
  await page.getByTestId('proposal-match_civil_registry').click();
  assert.equal(await answers.first().evaluate((select) => select.validity.valueMissing), true);
  await answers.nth(0).selectOption('matched');
  await answers.nth(1).selectOption('matched');
  await page.getByTestId('proposal-match-note').fill('Surat Disdukcapil 470/112/2026');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the match form fits a 360 px phone (${width} px)`);
  await screenshot(page, 'proposal-match-phone');
  await page.getByTestId('proposal-match_civil_registry').click();
  await stageIs(page, 'Padan Dukcapil');
  await page.getByTestId('proposal-match').filter({ hasText: 'Padan' }).waitFor();
  await checkAccessibility(page, 'proposal match');
  await closePage(page);
});

test('flow B: the manager approves a batch, sends it and the registry release closes the proposal', async () => {
  const page = await signedInPage(browser, 'manajer.cirebon', DESKTOP);
  await page.goto(`${BASE_URL}/usulan`);
  await page.getByTestId('batches-link').click();
  await page.waitForURL(`${BASE_URL}/usulan/berkas`);
  const form = page.getByTestId('batch-ratify-form');
  await form.waitFor();
  await waitForHydration(page);
  const waiting = form.locator('[data-testid="batch-waiting"] li');
  let ours = 0;
  for (let i = 0; i < await waiting.count(); i += 1) {
    const mine = (await waiting.nth(i).textContent()).includes(HEAD);
    ours += mine ? 1 : 0;
    await waiting.nth(i).locator('input[type="checkbox"]').setChecked(mine);
  }
  assert.equal(ours, 1, 'the family waits for approval');
  await screenshot(page, 'batch-approve-desktop');
  // The decree's number is asked for before anything is sent.
  await page.getByTestId('batch-ratify').click();
  assert.equal(await page.getByTestId('batch-decree').evaluate((input) => input.validity.valueMissing), true);
  await page.getByTestId('batch-decree').fill('400.9/77/Dinsos/2026');
  await page.getByTestId('batch-ratify').click();
  await page.waitForURL(/\/usulan\/berkas\/\d+$/);
  await page.getByTestId('batch-state').filter({ hasText: 'Disahkan' }).waitFor();
  await waitForHydration(page);
  assert.match(await page.getByTestId('batch-proposals').textContent(), new RegExp(HEAD));
  await page.getByTestId('batch-submit').click();
  await page.getByTestId('batch-state').filter({ hasText: 'Dikirim' }).waitFor();
  assert.equal((await page.getByTestId('batch-people').textContent()).trim(), '2');
  await checkAccessibility(page, 'batch');
  await screenshot(page, 'batch-sent-desktop');
  await page.setViewportSize(PHONE);
  await screenshot(page, 'batch-sent-phone');

  // The submission file: one row per person, whole numbers, the registry's columns first.
  const csvResponse = await page.request.get(`${BASE_URL}${await page.getByTestId('batch-csv').getAttribute('href')}`);
  assert.equal(csvResponse.status(), 200);
  const csv = (await csvResponse.text()).replace(/^\uFEFF/, '');
  const [header, ...rows] = csv.trim().split(/\r?\n/);
  assert.match(header, /^id_keluarga,sumber,no_kk,nik,nama,hubungan,kode_wilayah,alamat,desil,program,/);
  assert.equal(rows.length, 2);
  assert.ok(rows.some((row) => row.includes(HEAD_NIK) && row.includes(NO_KK) && row.includes(HEAD)));
  const xlsx = await page.request.get(`${BASE_URL}${await page.getByTestId('batch-xlsx').getAttribute('href')}`);
  assert.equal(xlsx.status(), 200);
  assert.match(xlsx.headers()['content-type'], /spreadsheetml/);
  assert.equal((await xlsx.body()).subarray(0, 2).toString(), 'PK', 'a workbook (a zip)');
  await closePage(page);

  // Kemensos' release: the same rows with the family's id and decile, imported
  // as the district imports every release.
  assert.ok(process.env.SLRT_BIN && process.env.DATABASE_URL, 'the runner names the server and its database');
  const folder = mkdtempSync(join(tmpdir(), 'slrt-release-'));
  const release = join(folder, 'rilis.csv');
  const released = rows.map((row) => {
    const cells = row.split(',');
    cells[0] = `R-${serial}`;
    cells[8] = '2';
    return cells.join(',');
  });
  writeFileSync(release, `${header}\n${released.join('\n')}\n`);
  const imported = spawnSync(process.env.SLRT_BIN, ['import-registry', release], { env: process.env, encoding: 'utf8' });
  assert.equal(imported.status, 0, `${imported.stdout}\n${imported.stderr}`);

  const after = await openProposal('manajer.cirebon');
  await stageIs(after, 'Ditetapkan');
  assert.match(await after.getByTestId('proposal-timeline').textContent(), /impor nomor \d+/);
  await screenshot(after, 'proposal-enacted-phone');
  await after.goto(`${BASE_URL}${found.household}`);
  await after.getByTestId('household-head').filter({ hasText: HEAD }).waitFor();
  await closePage(after);
  assert.deepEqual(found.accessibility, [], 'serious or critical accessibility violations');
});
