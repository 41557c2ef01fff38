// The village post's weak signal, measured: each page opened in Chromium at
// 360 × 740 with 400 ms latency, 50 KB/s each way and the CPU slowed 4×,
// first with an empty cache, then again in the same browser (warm). Prints a
// Markdown table: first paint, usable (the page hydrated: its forms work),
// bytes on the wire and requests. Run by `cargo xtask bench pages`; needs
// BASE_URL of a demo server (`slrt serve --demo`) and CHROMIUM_PATH.
import { chromium } from 'playwright-core';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const PASSWORD = 'slrt-demo-2026';
const PROFILE = { latency: 400, throughput: 50 * 1024, cpu: 4 };
const PAGES = [
  { name: 'home, village FO', user: 'fo.waled', path: '/' },
  { name: 'front desk `/layanan`', user: 'fo.waled', path: '/layanan' },
  { name: 'district dashboard `/dasbor`', user: 'manajer.cirebon', path: '/dasbor' },
];
const ROUNDS = Number(process.env.ROUNDS ?? 1);

/** Signs in without throttling and returns the session's storage state. */
async function signedIn(browser, username) {
  // No service worker here: it would keep the bundle for the measured visit.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/login`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 60_000 });
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL(`${BASE_URL}/`, { timeout: 60_000 });
  const state = await context.storageState();
  await context.close();
  return state;
}

/** Opens `url` in `page` under the profile and measures it. */
async function visit(page, cdp, url) {
  let bytes = 0;
  let requests = 0;
  // Only what went to the network: answers from the HTTP cache or the
  // service worker cost no round trip.
  const sources = {};
  const onResponse = ({ response }) => {
    const source = response.fromServiceWorker ? 'worker' : response.fromDiskCache ? 'disk' : response.fromPrefetchCache ? 'prefetch' : 'network';
    sources[source] = (sources[source] ?? 0) + 1;
    if (process.env.VERBOSE > 1) console.error(source, Date.now() % 100000, response.url.split('/').pop());
    if (source === 'network') requests += 1;
  };
  const onFinished = (event) => { bytes += event.encodedDataLength; };
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.loadingFinished', onFinished);
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 120_000 });
  // What the page still fetches by itself (its data, late modules) counts too.
  await page.waitForLoadState('networkidle', { timeout: 120_000 }).catch(() => {});
  const times = await page.evaluate(() => ({
    paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    usable: window.__hydratedAt ?? NaN,
  }));
  if (new URL(page.url()).pathname !== new URL(url).pathname) {
    throw new Error(`${url} went to ${page.url()}: is the account signed in?`);
  }
  cdp.off('Network.responseReceived', onResponse);
  cdp.off('Network.loadingFinished', onFinished);
  return { ...times, bytes, requests, sources };
}

async function measure(browser, spec, state) {
  const context = await browser.newContext({
    storageState: state, viewport: { width: 360, height: 740 }, locale: 'id-ID',
  });
  // When the bundle marks the page hydrated, note the time since navigation began.
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.body?.dataset.hydrated === 'true') {
        window.__hydratedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
  });
  const page = await context.newPage();
  if (process.env.VERBOSE) page.on('framenavigated', (f) => console.error('navigated', f.url(), Date.now()));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: PROFILE.latency,
    downloadThroughput: PROFILE.throughput,
    uploadThroughput: PROFILE.throughput,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: PROFILE.cpu });
  // Cold means cold: no HTTP cache, no service worker or its cache, from any earlier round.
  await cdp.send('Network.clearBrowserCache');
  await cdp.send('Storage.clearDataForOrigin', {
    origin: new URL(BASE_URL).origin, storageTypes: 'service_workers,cache_storage',
  });
  const url = `${BASE_URL}${spec.path}`;
  const cold = await visit(page, cdp, url);
  const warm = await visit(page, cdp, url);
  await context.close();
  return { cold, warm };
}

const seconds = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '–');
const kib = (b) => `${Math.round(b / 1024)} KB`;

/** A new Chromium: a new profile, so nothing is cached from any earlier run. */
const launch = () => chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
});

const rows = [];
for (const spec of PAGES) {
  // The median of the rounds, by time to usable; each round in a browser of its own.
  const runs = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const browser = await launch();
    try {
      const state = await signedIn(browser, spec.user);
      runs.push(await measure(browser, spec, state));
    } finally {
      await browser.close();
    }
    if (process.env.VERBOSE) console.error(spec.name, JSON.stringify(runs.at(-1)));
  }
  // A worker answering during the cold visit would fetch past the throttling (and past this count).
  if (runs.some((run) => run.cold.sources.worker)) throw new Error(`${spec.name}: the service worker answered during the cold visit`);
  runs.sort((a, b) => a.cold.usable - b.cold.usable);
  const { cold, warm } = runs[Math.floor(runs.length / 2)];
  rows.push(`| ${spec.name} | ${seconds(cold.paint)} | ${seconds(cold.usable)} | ${kib(cold.bytes)} | ${cold.requests} | ${seconds(warm.usable)}, ${warm.requests} request${warm.requests === 1 ? '' : 's'}, ${kib(warm.bytes)} |`);
}
console.log(`\nslow link: ${PROFILE.latency} ms latency, ${PROFILE.throughput / 1024} KB/s each way, CPU ${PROFILE.cpu}× slower, 360 × 740, cold cache then warm\n`);
console.log('| page | first paint | usable (hydrated) | bytes | requests to the network | warm second visit: usable, requests, bytes |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
