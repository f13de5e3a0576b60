// Capture the README's screenshots from the running dev server in headless Chromium.
// Run by scripts/screenshots (which starts the dev server and installs playwright-core);
// not meant to be run by hand, but it can be: node scripts/dev/screenshots.mjs <out dir>
//
// Environment: BLINK_CARE_NODE_DIR (where playwright-core is installed), CHROMIUM (the
// browser binary, default /usr/bin/chromium), HA_URL (default http://127.0.0.1:8123),
// SETTLE_TIMEOUT_S (how long to wait for every device's online state to be known).
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(join(process.env.BLINK_CARE_NODE_DIR ?? '.', 'package.json'));
const { chromium } = require('playwright-core');

const BASE = process.env.HA_URL ?? 'http://127.0.0.1:8123';
const OUT = process.argv[2] ?? 'docs/screenshots';
const LOGIN = { username: 'dev', password: 'dev' };
// The showcase fleet's XT ("Porch"): a battery camera whose batteries are nearly flat after a
// year of simulated history, so its device page (with its predicted replacement date), its
// repair and its fix flow all have something to show.
const BATTERY_CAMERA_SERIAL = 'SIM-CAM-005';
// The Nursery Mini: mains powered (a Mini reports no Wi-Fi strength, only whether it is online),
// its plug mapped by the demo, with the "Power-cycle the Nursery Mini" script on its page.
const MINI_SERIAL = 'SIM-MINI-001';
const SETTLE_TIMEOUT_MS = Number(process.env.SETTLE_TIMEOUT_S ?? 900) * 1000;
const LAUNCH_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const log = (message) => console.log(`[screenshots] ${message}`);

async function logIn(page) {
  await page.goto(`${BASE}/`);
  await page.getByLabel('Username').fill(LOGIN.username);
  await page.getByLabel('Password', { exact: true }).fill(LOGIN.password);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('home-assistant')?.hass?.states);
  log(`logged in as ${LOGIN.username}`);
}

/**
 * Wait until no blink_care device reads "unknown" online: blink_care confirms an offline
 * device only after its grace period (the dev server's simulated year has done that already,
 * unless it was started with --no-history).
 */
async function waitForSettledConnectivity(page) {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (let said = 0; ; said += 1) {
    const pending = await page.evaluate(() => {
      const hass = document.querySelector('home-assistant').hass;
      return Object.values(hass.entities)
        .filter((e) => e.platform === 'blink_care' && e.entity_id.endsWith('_online'))
        .filter((e) => hass.states[e.entity_id]?.state === 'unknown')
        .map((e) => e.entity_id);
    });
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      log(`still unconfirmed, capturing anyway: ${pending.join(', ')}`);
      return;
    }
    if (said % 12 === 0) log(`waiting for blink_care to confirm offline: ${pending.join(', ')}`);
    await page.waitForTimeout(5000);
  }
}

async function settle(page) {
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForTimeout(2500); // let cards, icons and charts finish rendering
}

async function capture(page, name, target = page) {
  const path = join(OUT, `${name}.png`);
  await target.screenshot({ path });
  log(`wrote ${path}`);
}

async function devicePage(page, serial, name, waitText, height) {
  const deviceId = await page.evaluate((wanted) => {
    const hass = document.querySelector('home-assistant').hass;
    return Object.values(hass.devices).find((device) =>
      device.identifiers.some(([domain, id]) => domain === 'blink_care' && id === wanted),
    )?.id;
  }, serial);
  if (!deviceId) throw new Error(`no device with serial ${serial}`);
  await page.setViewportSize({ width: 1280, height });
  await page.goto(`${BASE}/config/devices/device/${deviceId}`);
  for (const text of waitText) await page.getByText(text).first().waitFor();
  await settle(page);
  await capture(page, name);
  await page.setViewportSize({ width: 1280, height: 860 });
}

async function repairs(page) {
  await page.goto(`${BASE}/config/repairs`);
  const issue = page.getByText('Replace the batteries of', { exact: false }).first();
  const found = await issue.waitFor({ timeout: 15000 }).then(() => true, () => false);
  await settle(page);
  await capture(page, 'repairs');
  if (!found) {
    log('no blink_care battery issue on the Repairs page; no fix-flow screenshot');
    return;
  }
  await issue.click();
  await page.getByText('I replaced the batteries').first().waitFor();
  await settle(page);
  await capture(page, 'fix-flow');
  await page.keyboard.press('Escape');
}

async function dashboard(page) {
  await page.goto(`${BASE}/blink-care/0`);
  const card = page.locator('hui-vertical-stack-card').first();
  await page.getByText('Blink batteries').first().waitFor();
  await settle(page);
  await capture(page, 'dashboard-card', card);
}

mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: LAUNCH_FLAGS,
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, locale: 'en-GB' });
  await logIn(page);
  await waitForSettledConnectivity(page);
  await devicePage(
    page, BATTERY_CAMERA_SERIAL, 'device-battery-camera', ['Battery level', 'Battery replacement due'], 1060,
  );
  await devicePage(
    page, MINI_SERIAL, 'device-mini', ['Online', 'Power-cycle the Nursery Mini'], 960,
  );
  await repairs(page);
  await dashboard(page);
} finally {
  await browser.close();
}
