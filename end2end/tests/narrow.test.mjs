// Every page fits a 360 px phone: for each role, every entry of its menu and
// the first record each list links to, nothing wider than the screen (a page
// that scrolls sideways hides what is on its right, often the button).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, PHONE, closePage, launchBrowser, screenshot, settled, signedInPage,
} from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Links a list page offers to its records: the first of each kind is visited too. */
const RECORD_LINKS = ['case-link', 'household-link', 'proposal-link', 'meetings-link', 'meeting-agenda-link', 'letter-link', 'proposal-visit-link'];

/** The page's width beyond the screen, with the widest elements that cause it. */
async function overflow(page) {
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

for (const username of ['fo.waled', 'koordinator.waled', 'fasilitator.waled', 'manajer.cirebon', 'lembaga.rsud', 'pemantau.kemensos', 'admin']) {
  test(`every page ${username} can reach fits a 360 px screen`, async () => {
    const page = await signedInPage(browser, username, PHONE);
    await page.getByTestId('nav-home').waitFor();
    const menu = await page.locator('[data-testid^="nav-"]').evaluateAll(
      (links) => links.map((a) => a.getAttribute('href')).filter((href) => href && href.startsWith('/')),
    );
    assert.ok(menu.length > 1, `${username} has a menu: ${menu}`);
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
      for (const testId of RECORD_LINKS) {
        const href = await page.getByTestId(testId).first().getAttribute('href', { timeout: 500 }).catch(() => null);
        if (href && href.startsWith('/') && !href.startsWith('/unduh/')) await visit(href);
      }
    }
    assert.deepEqual(wide, [], `pages wider than 360 px for ${username}`);
    assert.ok(seen.size >= menu.length, `${username}: visited ${[...seen].join(' ')}`);
    await closePage(page);
  });
}
