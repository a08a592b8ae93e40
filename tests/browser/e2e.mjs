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
  const labels = await page.locator('.place-label').count();
  if (labels < 2) problems.push(`${labels} place labels on the map`);
  // A dated question: the legs carry local times and the services' names.
  await page.fill('#depart', '2026-12-08T09:00');
  await page.evaluate(() => { window.__silkroute.routeDrawn = false; });
  await page.click('#go');
  await page.waitForFunction(() => window.__silkroute.routeDrawn === true, null, { timeout: 30000 });
  const when = (await page.locator('#legs tbody td.when').allTextContents()).filter((t) => /\d\d:\d\d.*\d\d:\d\d/.test(t));
  if (when.length < 3) problems.push(`only ${when.length} legs show local times`);
  const firstOption = await page.textContent('.option');
  if (!firstOption.includes('ready Tue 08.12 09:00')) problems.push(`the option says: ${firstOption}`);
  // Every departure within a week.
  await page.selectOption('#window', '7d');
  await page.evaluate(() => { window.__silkroute.routeDrawn = false; });
  await page.click('#go');
  await page.waitForFunction(() => window.__silkroute.routeDrawn === true, null, { timeout: 30000 });
  const departures = await page.locator('.option').count();
  if (departures < 1) problems.push('no departure listed for the week');
  await page.selectOption('#window', '');
  await page.fill('#depart', '');
  await page.evaluate(() => { window.__silkroute.routeDrawn = false; });
  await page.click('#go');
  await page.waitForFunction(() => window.__silkroute.routeDrawn === true, null, { timeout: 30000 });
  await page.screenshot({ path: shot });
  console.log(`${status.trim()} — ${options} option(s), ${rows} legs, ${labels} place labels; dated: ${when.length} legs with local times; 7-day window: ${departures} departure(s); screenshot ${shot}`);
  // The traveller tab: a Chinese passport, Xi'an → Almaty on the tourist train's day.
  await page.click('#tab-trip');
  await page.fill('#trip-from', "Xi'an");
  await page.fill('#trip-to', 'Almaty');
  await page.selectOption('#passport', 'CN');
  await page.fill('#trip-date', '2025-05-29');
  await page.fill('#trip-stay', '14');
  await page.evaluate(() => { window.__silkroute.tripDrawn = false; });
  await page.click('#plan');
  await page.waitForFunction(() => window.__silkroute.tripDrawn === true, null, { timeout: 30000 });
  const verdict = await page.textContent('#verdict');
  if (!verdict.startsWith('Allowed')) problems.push(`trip verdict: ${verdict}`);
  const countries = await page.textContent('#trip-countries tbody');
  if (!countries.includes('CN-KZ-2023-11-10')) problems.push(`countries table: ${countries}`);
  const tripRows = await page.locator('#trip-legs tbody tr').count();
  if (tripRows < 1) problems.push('no trip legs');
  const others = await page.textContent('#trip-options');
  if (!others.includes('Y29')) problems.push(`other options: ${others}`);
  const tripShot = shot.replace(/\.png$/, '-trip.png');
  await page.screenshot({ path: tripShot });
  console.log(`trip: ${verdict.trim()}; ${tripRows} legs; screenshot ${tripShot}`);
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
