// Every page fits a 360 px phone, for a district's, an institution's, the national
// monitor's and the administrator's accounts: every entry of the menu and the first
// record each list links to, nothing wider than the screen
// (a page that scrolls sideways hides what is on its right, often the button).
// The roles are split over two files to keep each within the runner's time limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, pagesWiderThanAPhone } from '../support.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

for (const username of ['manajer.cirebon', 'lembaga.rsud', 'pemantau.kemensos', 'admin']) {
  test(`every page ${username} can reach fits a 360 px screen`, async () => {
    const { menu, wide, seen } = await pagesWiderThanAPhone(browser, username);
    assert.ok(menu.length > 1, `${username} has a menu: ${menu}`);
    assert.deepEqual(wide, [], `pages wider than 360 px for ${username}`);
    assert.ok(seen.length >= menu.length, `${username}: visited ${seen.join(' ')}`);
  });
}
