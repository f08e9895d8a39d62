// Shared by every browser flow: launches Debian's Chromium through playwright-core, watches each
// page for console errors, uncaught exceptions and failed requests (any of them fails the flow),
// takes the screenshots at desktop and phone size, and logs in. The Rust harness
// (tests/browser/main.rs) starts reelarr and the fakes and passes everything through the
// environment: REELARR_URL, CHROMIUM, SCREENSHOTS, and the flow's own variables.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const BASE = must('REELARR_URL');
const SHOTS = must('SCREENSHOTS');

/** A required environment variable. */
export function must(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through cargo test --test browser)`);
  return v;
}

/** Throws with `message` unless `cond` holds. */
export function check(cond, message) {
  if (!cond) throw new Error(message);
}

/** The flags of the brief: headless, no sandbox (containers), nothing phoning home, fresh profile
 *  (playwright gives every launch a new temporary user-data-dir). */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Runs `flow(page, ctx)` in a new browser and fails (exit 1) on a thrown error or on any console
 * error, page error or failed request seen on any page. `allow(url, status)` may excuse an HTTP
 * error status the flow provokes on purpose.
 */
export async function run(name, flow, { allow = () => false } = {}) {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: must('CHROMIUM'), headless: true, args: FLAGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(15000);
  const problems = [];
  context.on('page', (p) => watch(p, problems, allow));
  const page = await context.newPage();
  watch(page, problems, allow);
  let failure = null;
  try {
    await flow(page, context);
  } catch (e) {
    failure = e;
    await page.screenshot({ path: join(SHOTS, `FAILED-${name}.png`), fullPage: true }).catch(() => {});
  }
  await browser.close();
  if (failure) {
    console.error(`${name}: ${failure.stack || failure}`);
  }
  if (problems.length) {
    console.error(`${name}: ${problems.length} console error(s) or failed request(s):\n  ${problems.join('\n  ')}`);
  }
  if (failure || problems.length) process.exit(1);
  console.log(`${name}: ok`);
}

function watch(page, problems, allow) {
  if (page.__watched) return;
  page.__watched = true;
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught on ${page.url()}: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    // A poll cut short by leaving the page is not a failure of the page.
    if (why.includes('ERR_ABORTED')) return;
    problems.push(`request failed: ${r.method()} ${r.url()} ${why}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !allow(r.url(), r.status())) {
      problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
    }
  });
}

/** Screenshots of the page as it is, at 1280×800 and at 390×844 (a phone), into SCREENSHOTS. */
export async function shoot(page, name) {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: join(SHOTS, `${name}-1280x800.png`) });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(SHOTS, `${name}-390x844.png`) });
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Logs in through the login page (after the first flow changed the password). */
export async function login(page, password = must('NEW_PASSWORD')) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('link', { name: 'Movies', exact: true }).waitFor();
}

/** Opens a hash route of the app and waits for its one <h1>. */
export async function visit(page, hash, heading) {
  await page.goto(`${BASE}/#/${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}
