// Drives headless Chromium through the board's browser terminal: load
// the page, wait for the login screen, type "new" and Enter, and wait for
// the new-user application; then, as a browser set to German (its
// Accept-Language), see the login screen in German. Fails on any script
// error or Content-Security-Policy violation. Run by internal/web's
// TestBrowser:
//
//	node browser-test.mjs URL SCREENSHOT.png
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, shot] = process.argv.slice(2);
if (!url || !shot) {
  console.error('usage: node browser-test.mjs URL SCREENSHOT.png');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const profile = mkdtempSync(join(tmpdir(), 'x84-chromium-'));
const problems = [];
let context;

// screenText returns what the terminal shows, one line per row.
const screenText = (page) =>
  page.evaluate(() => [...document.querySelectorAll('.xterm-rows > div')].map((r) => r.textContent).join('\n'));

async function waitForText(page, text, what) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const screen = await screenText(page);
    if (screen.includes(text)) return screen;
    if (Date.now() > deadline) throw new Error(`${what}: "${text}" never appeared; the screen:\n${screen}`);
    await page.waitForTimeout(100);
  }
}

// launch starts Chromium with the browser's language set to locale.
const launch = (locale) =>
  chromium.launchPersistentContext(profile, {
    executablePath,
    locale,
    headless: true,
    ignoreHTTPSErrors: true, // the board's self-signed certificate
    viewport: { width: 1000, height: 640 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });

try {
  context = await launch('en-US');
  const page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (err) => problems.push('page error: ' + err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push('console error: ' + msg.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
  });

  const resp = await page.goto(url);
  if (!resp || resp.status() !== 200) throw new Error(`GET ${url}: status ${resp && resp.status()}`);
  await waitForText(page, 'Handle:', 'the login screen');
  const size = await page.evaluate(() => {
    const rows = document.querySelectorAll('.xterm-rows > div').length;
    return { rows };
  });
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('new');
  await page.keyboard.press('Enter');
  const screen = await waitForText(page, 'Apply for an account', 'the new-user application');
  await page.screenshot({ path: shot });
  await context.close();

  // A German browser: the board takes its Accept-Language as LANG.
  context = await launch('de-DE');
  const dePage = context.pages()[0] || (await context.newPage());
  dePage.on('pageerror', (err) => problems.push('page error: ' + err.message));
  await dePage.goto(url);
  const deScreen = await waitForText(dePage, 'Verbunden mit', 'the login screen in German');
  if (!deScreen.includes('Name:')) throw new Error(`no German handle prompt; the screen:\n${deScreen}`);
  await dePage.screenshot({ path: shot.replace(/\.png$/, '-de.png') });
  if (problems.length) throw new Error(problems.join('\n'));
  console.log(JSON.stringify({ ok: true, rows: size.rows, screen }));
} catch (err) {
  console.error(err.stack || String(err));
  if (problems.length) console.error(problems.join('\n'));
  process.exitCode = 1;
} finally {
  if (context) await context.close();
  rmSync(profile, { recursive: true, force: true });
}
