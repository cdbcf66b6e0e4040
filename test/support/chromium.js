// The Chromium the browser and end-to-end tests drive: Debian's (or CHROME_PATH), headless, with
// the flags that work in this project's containers (no sandbox, no GPU, nothing fetched in the
// background). Plain JavaScript, so that web-test-runner.config.js can import it too.
export const chromiumPath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
