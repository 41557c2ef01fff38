// Shared helpers of the browser tests: Debian's Chromium driven by
// playwright-core against the server `cargo xtask test` started.
import { after } from 'node:test';
import { chromium } from 'playwright-core';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
export const ARTIFACTS_DIR = process.env.ARTIFACTS_DIR ?? new URL('./artifacts/', import.meta.url).pathname;
export const DEMO_PASSWORD = 'slrt-demo-2026';

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

/** Starts a headless Chromium that stays off the (closed) network. */
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  browsers.push(browser);
  return browser;
}

/** A page in a fresh browser context (its own cookies), as a new visitor. */
export async function newPage(browser, { viewport = DESKTOP, javaScriptEnabled = true, serviceWorkers = 'block' } = {}) {
  // The service worker is off unless a test asks for it: requests it answers
  // would pass by the routes tests set to hold back or cut the bundle.
  const context = await browser.newContext({
    viewport, javaScriptEnabled, serviceWorkers, locale: 'id-ID', timezoneId: 'Asia/Jakarta',
  });
  // Every address the browser asks for is kept, so that `cargo xtask test` can
  // check that no NIK or No KK ever travels in a URL.
  context.on('request', (request) => {
    appendFileSync(join(ARTIFACTS_DIR, 'urls.txt'), `${request.method()} ${request.url()}\n`);
  });
  const page = await context.newPage();
  // Errors in the page (a panic in the bundle, a failed request) are kept for whoever reads a failure.
  // An uncaught error stops the bundle (a panic leaves the page dead to clicks),
  // so it also fails the test: when its page is closed, or at the end of the file.
  page.on('pageerror', (error) => {
    appendFileSync(join(ARTIFACTS_DIR, 'console.txt'), `${page.url()} pageerror ${error.message}\n`);
    pageErrors.push({ page, message: `${page.url()}: ${error.message.split('\n')[0]}` });
  });
  page.on('console', (message) => {
    if (message.type() === 'error') appendFileSync(join(ARTIFACTS_DIR, 'console.txt'), `${page.url()} ${message.text().slice(0, 2000)}\n`);
    // Something the page's Content-Security-Policy refused (an inline style, a
    // script) is broken in the browser though the page looks whole in a test.
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) {
      pageErrors.push({ page, message: `${page.url()}: ${message.text().split('\n')[0].slice(0, 200)}` });
    }
  });
  return page;
}

/** The field labelled exactly `label` (a required field's label ends in " *"). */
export function field(scope, label) {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return scope.getByLabel(new RegExp(`^${escaped}( \\*)?$`));
}

/**
 * Fills the registration form's household part (card number typed already
 * from the lookup): the head's name, the first village offered, the house
 * and the income, each choice the first one.
 */
export async function fillHousehold(form, head) {
  await field(form, 'Nama kepala keluarga').fill(head);
  await field(form, 'Desa/kelurahan').selectOption({ index: 1 });
  for (const label of ['Status rumah', 'Status lahan', 'Lantai', 'Dinding', 'Atap', 'Air minum', 'Penerangan', 'Bahan bakar memasak', 'Fasilitas BAB', 'Penghasilan keluarga per bulan']) {
    await field(form, label).selectOption({ index: 1 });
  }
  await field(form, 'Luas lantai (m²)').fill('21');
}

/** The option of `select` whose text contains `name`. */
export async function optionValue(select, name) {
  const options = select.locator('option');
  for (let i = 0; i < await options.count(); i += 1) {
    if ((await options.nth(i).textContent()).includes(name)) return options.nth(i).getAttribute('value');
  }
  throw new Error(`no option "${name}"`);
}

/** Fills a member row's own fields after its NIK: birthplace, marriage, schooling and work. */
export async function fillMember(member, birthplace) {
  await field(member, 'Tempat lahir').fill(birthplace);
  for (const label of ['Status perkawinan', 'Pendidikan tertinggi', 'Pekerjaan utama']) {
    await field(member, label).selectOption({ index: 2 });
  }
}

/** Uncaught errors of every page this file opened, not yet reported. */
const pageErrors = [];

/** Throws for the uncaught errors of `page` (every page when none is given). */
function failOnPageErrors(page) {
  const found = pageErrors.filter((entry) => !page || entry.page === page);
  if (found.length === 0) return;
  pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((entry) => !found.includes(entry)));
  throw new Error(`uncaught error in the page (see console.txt): ${found.map((entry) => entry.message).join('; ')}`);
}

/** Browsers this file launched: closed before the last check, so that a failing check cannot leave one running. */
const browsers = [];

after(async () => {
  for (const browser of browsers) await browser.close().catch(() => {});
  failOnPageErrors();
});

/** Closes a page together with its context; fails if the page threw. */
export async function closePage(page) {
  await page.context().close();
  failOnPageErrors(page);
}

/** Waits until the WebAssembly bundle has hydrated the page. */
export async function waitForHydration(page) {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
}

/**
 * Waits until the page is done changing by itself: the bundle has hydrated it,
 * no request is in flight, and the head has its title again (the client
 * replaces the server's `<title>` while it hydrates; a check run in between
 * sees a page without one).
 */
export async function settled(page) {
  await waitForHydration(page);
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => (document.querySelector('head > title')?.textContent ?? '').trim().length > 0);
}

/** Saves a full-page screenshot under end2end/artifacts/. */
export async function screenshot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

/** Signs in through the form, as a person would. */
export async function signIn(page, username, password = DEMO_PASSWORD) {
  await page.goto(`${BASE_URL}/login`);
  await waitForHydration(page);
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Masuk' }).click();
}

/** A new page signed in as `username`, on the home page. */
export async function signedInPage(browser, username, viewport = DESKTOP) {
  const page = await newPage(browser, { viewport });
  await signIn(page, username);
  await page.waitForURL(`${BASE_URL}/`);
  return page;
}

const AXE_SOURCE = readFileSync(new URL('../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

/**
 * Runs axe-core in the page (evaluated through the browser's debugging
 * protocol, so the page's Content-Security-Policy stays as it is) and answers
 * the serious and critical violations, each as "rule: target".
 */
export async function seriousAccessibilityViolations(page) {
  await settled(page);
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${v.help})`));
  });
  return violations;
}

/** Links a list page offers to its records: the first of each kind is visited too. */
const RECORD_LINKS = ['case-link', 'household-link', 'proposal-link', 'meetings-link', 'meeting-agenda-link', 'letter-link', 'proposal-visit-link'];

/** The page's width beyond a 360 px screen, with the widest elements that cause it (null: it fits). */
export async function overflow(page) {
  return page.evaluate((limit) => {
    const width = document.documentElement.scrollWidth;
    if (width <= limit) return null;
    const culprits = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > limit + 1)
      .filter((el) => !el.closest('.overflow-x-auto'))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''}.${[...el.classList].slice(0, 4).join('.')} (${Math.round(el.getBoundingClientRect().right)} px)`);
    return `${width} px wide: ${culprits.join(', ')}`;
  }, PHONE.width);
}

/**
 * Visits, as `username` on a 360 px screen, every entry of the menu and the
 * first record each list links to; returns the pages wider than the screen
 * (with what sticks out) and the paths visited.
 */
export async function pagesWiderThanAPhone(browser, username) {
  const page = await signedInPage(browser, username, PHONE);
  await page.getByTestId('nav-home').waitFor();
  const menu = await page.locator('[data-testid^="nav-"]').evaluateAll(
    (links) => links.map((a) => a.getAttribute('href')).filter((href) => href && href.startsWith('/')),
  );
  const seen = new Set();
  const wide = [];
  const visit = async (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    await page.goto(`${BASE_URL}${path}`);
    await settled(page);
    const found = await overflow(page);
    if (found) {
      wide.push(`${path}: ${found}`);
      await screenshot(page, `narrow-${username}-${path.replace(/[^a-z0-9]+/gi, '-')}`);
    }
  };
  for (const path of menu) {
    await visit(path);
    // Read at once (the page has settled): waiting for links a page does not have costs seconds each.
    const records = await page.evaluate((ids) => ids.map(
      (id) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute('href') ?? null,
    ), RECORD_LINKS);
    for (const href of records) {
      if (href && href.startsWith('/') && !href.startsWith('/unduh/')) await visit(href);
    }
  }
  await closePage(page);
  return { menu, wide, seen: [...seen] };
}