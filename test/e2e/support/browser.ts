// A fresh headless Chromium (Debian's, or CHROME_PATH) for the end-to-end tests, with a profile of
// its own that is removed after.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/** A fresh Chromium with its own profile (so its own caches and service workers). */
export async function withBrowser<T>(body: (browser: Browser) => Promise<T>): Promise<T> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'linux-terminal-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    userDataDir,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    return await body(browser);
  } finally {
    await browser.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}
