// A fresh headless Chromium (Debian's, or CHROME_PATH) for the end-to-end tests, with a profile of
// its own that is removed after.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { chromiumArgs, chromiumPath } from '../../support/chromium.js';

/** A fresh Chromium with its own profile (so its own caches and service workers). */
export async function withBrowser<T>(body: (browser: Browser) => Promise<T>): Promise<T> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'linux-terminal-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
    userDataDir,
    args: chromiumArgs,
  });
  try {
    return await body(browser);
  } finally {
    await browser.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}
