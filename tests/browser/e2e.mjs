// End-to-end: open silkroute's page in Debian's headless Chromium, search a route, check that it
// is drawn and the legs table is filled, save a screenshot. Fails on any console error or failed
// request. Usage: BASE=http://127.0.0.1:8080 node e2e.mjs  (FROM, TO, SCREENSHOT optional)
import { chromium } from 'playwright-core';

const base = process.env.BASE || 'http://127.0.0.1:8080';
const from = process.env.FROM || "Xi'an";
const to = process.env.TO || 'Tashkent';
const shot = process.env.SCREENSHOT || new URL('../../docs/screenshot.png', import.meta.url).pathname;
const problems = [];

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) problems.push(`external request: ${r.url()}`); });

  await page.goto(base, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__silkroute && window.__silkroute.ready === true, null, { timeout: 30000 });
  await page.fill('#from', from);
  await page.fill('#to', to);
  await page.click('#go');
  await page.waitForFunction(() => window.__silkroute.routeDrawn === true, null, { timeout: 30000 });
  const rows = await page.locator('#legs tbody tr').count();
  const options = await page.locator('.option').count();
  const status = await page.textContent('#status');
  if (rows < 3) problems.push(`legs table has ${rows} rows`);
  if (options < 1) problems.push('no route option shown');
  if (!status.includes('→')) problems.push(`status says: ${status}`);
  const drawn = await page.evaluate(() => window.__silkroute.legs);
  if (drawn !== rows) problems.push(`page drew ${drawn} legs but the table has ${rows}`);
  await page.screenshot({ path: shot });
  console.log(`${status.trim()} — ${options} option(s), ${rows} legs; screenshot ${shot}`);
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
