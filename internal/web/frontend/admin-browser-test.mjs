// Drives headless Chromium through the web admin as a sysop: first a
// sysop with two-factor login logs in with a code (the test computed
// it), after cancelling once at the code form, and logs out; then a
// browser terminal in one tab makes a caller to see online; in another
// the sysop logs in at /admin/, watches who's online refresh by itself,
// validates and locks a user, lifts a ban, deletes a one-liner and a
// message, reads the configuration and the charts, broadcasts, ends the
// caller's call and logs out, with a screenshot of each page. Fails on
// any script error or Content-Security-Policy violation. Run by
// internal/webadmin's TestAdminBrowser:
//
//	node admin-browser-test.mjs BASE_URL HANDLE PASSWORD SCREENSHOT_DIR OTP_HANDLE OTP_PASSWORD OTP_CODE
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, handle, password, shots, otpHandle, otpPassword, otpCode] = process.argv.slice(2);
if (!base || !handle || !password || !shots || !otpHandle || !otpPassword || !otpCode) {
  console.error('usage: node admin-browser-test.mjs BASE_URL HANDLE PASSWORD SCREENSHOT_DIR OTP_HANDLE OTP_PASSWORD OTP_CODE');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const profile = mkdtempSync(join(tmpdir(), 'x84-admin-chromium-'));
const problems = [];
const taken = [];
let context;

const watch = (page) => {
  page.on('pageerror', (err) => problems.push('page error: ' + err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push('console error: ' + msg.text());
  });
};

// terminalText returns what the browser terminal shows.
const terminalText = (page) =>
  page.evaluate(() => [...document.querySelectorAll('.xterm-rows > div')].map((r) => r.textContent).join('\n'));

async function waitForTerminal(page, text, what) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const screen = await terminalText(page);
    if (screen.includes(text)) return screen;
    if (Date.now() > deadline) throw new Error(`${what}: "${text}" never appeared; the terminal:\n${screen}`);
    await page.waitForTimeout(100);
  }
}

async function shot(page, name) {
  const path = join(shots, `admin-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  taken.push(path);
}

// expectFlash waits for the notice a change leaves on the next page.
async function expectFlash(page, text) {
  const flash = page.locator('p.flash');
  await flash.waitFor({ timeout: 10000 });
  const got = (await flash.textContent()).trim();
  if (got !== text) throw new Error(`notice "${got}"; want "${text}"`);
}

async function expectText(page, text, what) {
  const body = await page.locator('main').textContent();
  if (!body.includes(text)) throw new Error(`${what}: "${text}" is not on ${page.url()}:\n${body}`);
}

let resp;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    ignoreHTTPSErrors: true, // the self-signed certificate
    viewport: { width: 1200, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
  });

  // A sysop with two-factor login, first, while the code is fresh: the
  // password, Cancel at the code form, the password again, the code.
  const otp = context.pages()[0] || (await context.newPage());
  watch(otp);
  await otp.goto(base + '/admin/login');
  for (const cancel of [true, false]) {
    await otp.fill('input[name=handle]', otpHandle);
    await otp.fill('input[name=password]', otpPassword);
    await Promise.all([otp.waitForURL(base + '/admin/login/code'), otp.click('form.box button[type=submit]')]);
    await expectText(otp, 'Enter the 6-digit code', 'the code form');
    if (cancel) {
      await shot(otp, 'code');
      await Promise.all([otp.waitForURL(base + '/admin/login'), otp.click('button:text("Cancel")')]);
      resp = await otp.goto(base + '/admin/login/code');
      if (!otp.url().endsWith('/admin/login')) throw new Error(`the code form after Cancel ended at ${otp.url()}; want the login`);
    }
  }
  await otp.fill('input[name=code]', otpCode);
  await Promise.all([otp.waitForURL(base + '/admin/'), otp.click('form.box button[type=submit]')]);
  await expectText(otp, 'Nobody is online.', 'who\'s online after the code');
  const who = await otp.locator('header .who').textContent();
  if (who.trim() !== otpHandle) throw new Error(`logged in as "${who}"; want ${otpHandle}`);
  await Promise.all([otp.waitForURL(base + '/admin/login'), otp.click('header button:text("Log out")')]);

  // A caller, in the browser terminal.
  const caller = otp;
  watch(caller);
  await caller.goto(base + '/');
  await waitForTerminal(caller, 'Welcome, carol', 'the caller\'s terminal');

  const page = await context.newPage();
  watch(page);

  // Not logged in: the admin sends the browser to the login form.
  resp = await page.goto(base + '/admin/users');
  if (!page.url().endsWith('/admin/login')) throw new Error(`GET /admin/users ended at ${page.url()}; want the login`);
  const csp = resp.headers()['content-security-policy'] || '';
  if (!csp.includes("script-src 'self'") || csp.includes('unsafe-inline')) throw new Error(`CSP ${csp}`);
  await shot(page, 'login');

  // A wrong password first.
  await page.fill('input[name=handle]', handle);
  await page.fill('input[name=password]', 'not the password');
  await page.click('button[type=submit]');
  await expectText(page, 'Wrong handle or password.', 'a wrong password');
  // That page's 401 is the answer wanted, not a problem.
  for (let i = problems.length - 1; i >= 0; i--) {
    if (problems[i].includes('status of 401')) problems.splice(i, 1);
  }

  await page.fill('input[name=handle]', handle);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(base + '/admin/'), page.click('form.box button[type=submit]')]);
  await expectText(page, 'carol', 'who\'s online');
  await expectText(page, 'testing the admin', 'who\'s online');
  // admin.js refreshes the table by itself.
  await page.locator('#live', { hasText: 'Live: updated' }).waitFor({ timeout: 15000 });
  await shot(page, 'who');

  // Broadcast, then end the caller's call.
  await page.fill('input[name=text]', 'The board goes down at noon.');
  await page.click('form.inline button[type=submit]');
  await expectFlash(page, 'Broadcast sent to 1 sessions.');
  await waitForTerminal(caller, 'The board goes down at noon.', 'the broadcast on the caller\'s screen');
  await page.locator('#who button', { hasText: 'Disconnect' }).first().click();
  await expectFlash(page, 'Node 1 disconnected.');
  await waitForTerminal(caller, 'disconnected by the sysop', 'the caller\'s last line');
  await expectText(page, 'Nobody is online.', 'who\'s online after the disconnect');

  // Users: search, open, validate, lock.
  await page.click('nav a[href="/admin/users"]');
  await page.fill('input[name=q]', 'eri');
  await page.click('form.inline button[type=submit]');
  await shot(page, 'users');
  await page.click('a[href="/admin/user?handle=erin"]');
  await expectText(page, 'unvalidated', 'erin\'s page');
  await shot(page, 'user');
  await page.click('button:text("Validate")');
  await expectFlash(page, 'erin: validated.');
  await page.click('button:text("Lock")');
  await expectFlash(page, 'erin: locked.');
  await page.fill('input[name=level]', '42');
  await page.click('button:text("Set level")');
  await expectFlash(page, 'erin: level set to 42.');
  await shot(page, 'user-changed');

  // Deleting asks first.
  await page.click('a:text("Delete…")');
  await expectText(page, 'This cannot be undone.', 'the delete confirmation');
  await shot(page, 'delete-confirm');
  await page.click('a:text("Keep the account")');

  // Bans: lift one.
  await page.click('nav a[href="/admin/bans"]');
  await expectText(page, '203.0.113.66', 'the bans');
  await shot(page, 'bans');
  await page.click('button:text("Lift")');
  await expectFlash(page, '203.0.113.66 unbanned.');

  // One-liners: delete the spam.
  await page.click('nav a[href="/admin/oneliners"]');
  await shot(page, 'oneliners');
  await page.locator('tr', { hasText: 'BUY CHEAP' }).locator('button:text("Delete")').click();
  await expectText(page, 'deleted.', 'the one-liner\'s deletion');
  const left = await page.locator('main').textContent();
  if (left.includes('BUY CHEAP')) throw new Error('the spam one-liner is still listed');

  // Messages: delete one.
  await page.click('nav a[href="/admin/messages"]');
  await shot(page, 'messages');
  await page.locator('tr', { hasText: 'Spam subject' }).locator('button:text("Delete")').click();
  await expectText(page, 'deleted.', 'the message\'s deletion');

  // The configuration, secrets masked, and the charts.
  await page.click('nav a[href="/admin/config"]');
  await expectText(page, 'metrics_token = "********"', 'the configuration');
  await shot(page, 'config');
  await page.click('nav a[href="/admin/charts"]');
  if ((await page.locator('svg polyline').count()) !== 3) throw new Error('the charts do not have their three lines');
  await shot(page, 'charts');

  await page.click('header button:text("Log out")');
  await page.waitForURL(base + '/admin/login');
  resp = await page.goto(base + '/admin/users');
  if (!page.url().endsWith('/admin/login')) throw new Error('still in after logging out');

  if (problems.length) throw new Error(problems.join('\n'));
  console.log(JSON.stringify({ ok: true, screenshots: taken }));
} catch (err) {
  console.error(err.stack || String(err));
  if (problems.length) console.error(problems.join('\n'));
  process.exitCode = 1;
} finally {
  if (context) await context.close();
  rmSync(profile, { recursive: true, force: true });
}
