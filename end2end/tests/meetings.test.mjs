// The village meeting (musdes) in real Chromium against the real server and the
// demo data, on a 360 px phone: a facilitator makes a meeting with two of a
// village's waiting proposals, decides them (one agreed, one not, with its
// reason), uploads the signed minutes, approves the meeting and finds the
// proposals moved on; the printed agenda lists the families with masked numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, PHONE, closePage, launchBrowser, screenshot, seriousAccessibilityViolations,
  signedInPage, waitForHydration,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** A date some days back, as a date input takes it (yyyy-mm-dd). */
function daysAgo(days) {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

async function fitsPhone(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${what} fits a 360 px phone (${width} px)`);
}

test('a facilitator holds a village meeting: agenda, decisions, signed minutes, approval', async () => {
  const page = await signedInPage(browser, 'fasilitator.waled', PHONE);
  await page.goto(`${BASE_URL}/usulan`);
  await page.getByTestId('meetings-link').click();
  await page.waitForURL(`${BASE_URL}/musdes`);
  await page.getByTestId('new-meeting').click();
  await page.waitForURL(`${BASE_URL}/musdes/baru`);

  // Choose a village with waiting proposals (a plain GET form).
  await page.getByTestId('meeting-village').waitFor();
  const villages = page.locator('#desa option:not([value=""])');
  assert.ok(await villages.count() > 0, 'the demo sub-district has proposals waiting for a meeting');
  const village = await villages.first().getAttribute('value');
  await page.selectOption('#desa', village);
  await page.locator('[data-testid="meeting-village"] button[type="submit"]').click();
  await page.waitForURL(new RegExp(`desa=${village.replaceAll('.', '\\.')}`));
  const form = page.getByTestId('meeting-form');
  await form.waitFor();
  await waitForHydration(page);

  // Two proposals on the agenda (the rest stay for other tests and meetings).
  const boxes = form.locator('input[type="checkbox"]');
  const offered = await boxes.count();
  assert.ok(offered >= 2, `at least two waiting proposals in ${village} (${offered})`);
  for (let i = 2; i < offered; i += 1) await boxes.nth(i).uncheck();
  await page.getByTestId('meeting-date').fill(daysAgo(2));
  await page.getByTestId('meeting-place').fill('Balai Desa');
  await page.getByTestId('meeting-participants').fill('Sutrisno, Kepala Desa\nAni Lestari, BPD\nWarsih, RT 002');
  await fitsPhone(page, 'the new meeting form');
  await screenshot(page, 'meeting-new-phone');
  await page.getByTestId('meeting-save').click();
  await page.waitForURL(/\/musdes\/\d+$/);
  const meetingPath = new URL(page.url()).pathname;
  await page.getByTestId('meeting-agenda').waitFor();
  await waitForHydration(page);
  assert.match(await page.getByTestId('meeting-state').textContent(), /Belum disahkan/);
  assert.match(await page.getByTestId('meeting-participant-count').textContent(), /^3 /);
  const items = page.getByTestId('meeting-item');
  assert.equal(await items.count(), 2);
  // Nothing decided yet: approval says what is missing.
  assert.match(await page.getByTestId('meeting-approval-problem').textContent(), /keputusan/);
  assert.ok(await page.getByTestId('meeting-approve-button').isDisabled());

  // The decisions, one agreed, one not with the meeting's reason.
  const first = items.nth(0);
  await first.locator('input[value="agreed"]').check();
  await first.getByTestId('meeting-decide').click();
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid="meeting-item"]')[0]?.dataset.decision === 'agreed',
  );
  const second = page.getByTestId('meeting-item').nth(1);
  await second.locator('input[value="not_agreed"]').check();
  await second.getByTestId('meeting-decide').click();
  // Not agreed without a reason is refused, and nothing is recorded.
  await page.getByTestId('form-error').waitFor();
  assert.equal(await page.getByTestId('meeting-item').nth(1).getAttribute('data-decision'), '');
  await page.getByTestId('meeting-item').nth(1).locator('input[name="reason"]').fill('Sudah pindah ke luar desa');
  await page.getByTestId('meeting-item').nth(1).getByTestId('meeting-decide').click();
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid="meeting-item"]')[1]?.dataset.decision === 'not_agreed',
  );
  assert.match(await page.getByTestId('meeting-approval-problem').textContent(), /kepala desa/i);

  // The village head's name, through the meeting's own form.
  await page.locator('[data-testid="meeting-approve"] ~ details summary').click();
  await page.getByTestId('meeting-head').fill('Sutrisno');
  await page.locator('[data-testid="meeting-approve"] ~ details').getByTestId('meeting-save').click();
  // What is missing now is the minutes (the head's message names them too, so
  // the wait is for the minutes' own message: the page has the new version).
  await page.waitForFunction(
    () => /^Unggah berita acara/.test(document.querySelector('[data-testid="meeting-approval-problem"]')?.textContent?.trim() ?? ''),
  );

  // A file that is not a PDF or a photo is refused; the signed minutes are kept.
  const upload = page.getByTestId('meeting-minutes-form');
  await upload.locator('input[type="file"]').setInputFiles({
    name: 'berita-acara.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html>bukan pdf</html>'),
  });
  await page.getByTestId('meeting-minutes-upload').click();
  await page.waitForURL(/galat=minutes_type/);
  await page.getByTestId('meeting-minutes-error').waitFor();
  await page.getByTestId('meeting-minutes-form').locator('input[type="file"]').setInputFiles({
    name: 'berita-acara.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
  });
  await page.getByTestId('meeting-minutes-upload').click();
  await page.waitForURL(/notulen=ok/);
  await page.getByTestId('meeting-minutes-download').waitFor();
  await waitForHydration(page);
  assert.deepEqual(await seriousAccessibilityViolations(page), []);
  await fitsPhone(page, 'the meeting page');
  await screenshot(page, 'meeting-decided-phone');

  // The minutes download back as they were sent.
  const minutesHref = await page.getByTestId('meeting-minutes-download').getAttribute('href');
  const minutes = await page.request.get(`${BASE_URL}${minutesHref}`);
  assert.equal(minutes.status(), 200);
  assert.equal(minutes.headers()['content-type'], 'application/pdf');
  assert.match((await minutes.body()).toString(), /^%PDF-1\.4/);

  // Approval: both proposals move on at once, the record is frozen.
  assert.ok(await page.getByTestId('meeting-approve-button').isEnabled());
  await page.getByTestId('meeting-approve-button').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="meeting-state"]')?.textContent?.trim() === 'Disahkan',
  );
  assert.equal(await page.getByTestId('meeting-decide').count(), 0);
  assert.equal(await page.getByTestId('meeting-minutes-form').count(), 0);
  const links = await page.locator('[data-testid="meeting-item"] a').evaluateAll(
    (anchors) => anchors.map((a) => a.getAttribute('href')),
  );
  await screenshot(page, 'meeting-approved-phone');
  const stageOf = async (href) => {
    await page.goto(`${BASE_URL}${href}`);
    return (await page.getByTestId('proposal-stage').textContent()).trim();
  };
  assert.equal(await stageOf(links[0]), 'Musdes');
  assert.equal(await stageOf(links[1]), 'Ditolak');
  assert.match(await page.getByTestId('proposal-timeline').textContent(), /Sudah pindah ke luar desa/);

  // The printed agenda: both families, no whole identity number.
  await page.goto(`${BASE_URL}${meetingPath}/agenda`);
  await page.getByTestId('agenda-table').waitFor();
  assert.equal(await page.locator('[data-testid="agenda-table"] tbody tr').count(), 2);
  const agendaText = await page.getByTestId('meeting-agenda-print').textContent();
  assert.doesNotMatch(agendaText, /\d{16}/);
  await screenshot(page, 'meeting-agenda-phone');
  await closePage(page);
});

test('roles without access to personal data get neither the meeting nor its minutes', async () => {
  const owner = await signedInPage(browser, 'fasilitator.waled', PHONE);
  await owner.goto(`${BASE_URL}/musdes`);
  const card = owner.getByTestId('meeting-card').first();
  await card.waitFor();
  const href = await card.locator('a').first().getAttribute('href');
  const id = href.split('/').pop();
  await closePage(owner);

  for (const username of ['lembaga.rsud', 'kadis.cirebon']) {
    const outsider = await signedInPage(browser, username, PHONE);
    const minutes = await outsider.request.get(`${BASE_URL}/unduh/notulen-musdes?id=${id}`);
    assert.equal(minutes.status(), 403, `${username}: minutes answered ${minutes.status()}`);
    await outsider.goto(`${BASE_URL}${href}`);
    await outsider.waitForLoadState('networkidle');
    assert.equal(await outsider.getByTestId('meeting-agenda').count(), 0, `${username} sees no agenda`);
    await closePage(outsider);
  }
});
