// Each built example site (VitePress, Docusaurus, MkDocs; scripts/build-examples.mjs) on a static
// host, in real Chromium: the page's <linux-snippet> elements run their code blocks in the page.
// The first is run by its method, the second by its Run button; both pass, the second printing
// its expected output, and the element's files come from the site itself. A site that is not
// built is skipped, saying so; so is the snippets' run while the bundle has no <linux-snippet>.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { withBrowser } from './support/browser.js';
import { type StaticServer, startSiteServer } from './support/static-server.js';
import { exampleSites, notBuilt, repositoryRoot, tour } from '../support/example-sites.js';

/** What `run()` resolves to and `linux-snippet-done` carries. */
interface SnippetResult {
  output: string;
  exitCode: number;
  passed: boolean;
}

/** The element's side of the contract, as the page sees it. */
type SnippetElement = HTMLElement & { run(): Promise<SnippetResult> };

const BOOT_AND_RUN_MS = 120_000;

/** The bundle has no <linux-snippet> before the element lands: its tests wait for it. */
const snippetElementBuilt = (() => {
  try {
    return readFileSync(join(repositoryRoot, 'dist/linux-terminal.js'), 'utf8').includes(
      'linux-snippet',
    );
  } catch {
    return false;
  }
})();

async function openSite(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  if (process.env.E2E_DEBUG) page.on('console', (m) => console.log(`[page] ${m.text()}`));
  // tsx keeps function names with calls to its `__name` helper, which page.evaluate carries in.
  await page.evaluateOnNewDocument('globalThis.__name = (fn) => fn');
  await page.goto(url, { waitUntil: 'load' });
  return page;
}

/** The site's page, once its script has defined <linux-snippet>. */
async function openSnippetPage(browser: Browser, url: string): Promise<Page> {
  const page = await openSite(browser, url);
  const defined = await page.evaluate(
    () =>
      Promise.race([
        customElements.whenDefined('linux-snippet').then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000)),
      ]),
    // The script is a module: it has run by `load`, but give a slow machine time.
  );
  assert.ok(defined, '<linux-snippet> is not defined: the page did not load the element script');
  return page;
}

for (const site of exampleSites) {
  describe(`the ${site.name} example site in Chromium`, { skip: notBuilt(site) }, () => {
    let server: StaticServer;
    before(async () => {
      server = await startSiteServer(site.built);
    });
    after(() => server.stop());

    test('the element script it hosts runs a machine from the image it hosts', async () => {
      await withBrowser(async (browser) => {
        const page = await openSite(browser, `${server.origin}/`);
        // Once the generator's own script has run (hydration): the snippets, in order, each right after the code block it runs.
        const codes = await page.$$eval('linux-snippet', (elements) =>
          elements.map((el) => {
            const block = el.previousElementSibling;
            return (block?.querySelector('pre') ?? block)?.textContent ?? '';
          }),
        );
        assert.deepEqual(
          codes.map((code) => code.replace(/\n?$/, '\n')),
          tour.code,
        );

        const output = await page.evaluate(async (timeout) => {
          await customElements.whenDefined('linux-terminal');
          type Terminal = HTMLElement & {
            autorun: boolean;
            exec(command: string, options: { timeout: number }): Promise<{ output: string }>;
          };
          const el = document.createElement('linux-terminal') as Terminal;
          el.autorun = true;
          document.body.append(el);
          return (await el.exec('uname -m', { timeout })).output;
        }, BOOT_AND_RUN_MS);
        assert.equal(output.trim(), 'riscv64');
      });
      const folder = site.script.replace(/[^/]*$/, '');
      assert.ok(server.requests.includes(site.script));
      assert.ok(server.requests.includes(`${folder}images/busybox/dist/manifest.json`));
    });

    const waiting = snippetElementBuilt
      ? false
      : 'dist/linux-terminal.js has no <linux-snippet> element yet';
    test(
      'runs both snippets in the page: by run(), then by its Run button',
      { skip: waiting },
      async () => {
        server.requests.length = 0;
        await withBrowser(async (browser) => {
          const page = await openSnippetPage(browser, `${server.origin}/`);
          const first = await page.evaluate(async () => {
            const el = document.querySelectorAll('linux-snippet')[0] as SnippetElement;
            const result = await el.run();
            return { result, state: el.getAttribute('state') };
          });
          assert.equal(first.result.exitCode, 0, first.result.output);
          assert.equal(first.result.passed, true, first.result.output);
          assert.ok(['passed', 'done'].includes(first.state ?? ''), `state=${first.state}`);

          const second = await page.evaluate(async (timeoutMs) => {
            const el = document.querySelectorAll('linux-snippet')[1] as SnippetElement;
            const button = el.shadowRoot!.querySelector<HTMLButtonElement>(
              'button[part="run-button"]',
            );
            if (!button) throw new Error('no <button part="run-button"> in the snippet');
            // The event bubbles and is composed: the document hears it.
            const done = new Promise<SnippetResult>((resolve, reject) => {
              document.addEventListener('linux-snippet-done', (event) =>
                resolve((event as CustomEvent<SnippetResult>).detail),
              );
              setTimeout(() => reject(new Error('no linux-snippet-done event')), timeoutMs);
            });
            const label = button.textContent?.trim() ?? '';
            button.click();
            const detail = await done;
            return {
              detail,
              label,
              state: el.getAttribute('state'),
              shown: el.shadowRoot!.querySelector('pre[part="output"]')?.textContent ?? '',
            };
          }, BOOT_AND_RUN_MS);
          assert.match(second.label, /^Run/);
          assert.deepEqual(
            { passed: second.detail.passed, exitCode: second.detail.exitCode },
            { passed: true, exitCode: 0 },
            second.detail.output,
          );
          assert.ok(second.detail.output.includes(tour.expected), second.detail.output);
          assert.ok(second.shown.includes(tour.expected.trim()), second.shown);
          assert.equal(second.state, 'passed');
        });
        // The element and its image came from the site, beside the script.
        const folder = site.script.replace(/[^/]*$/, '');
        assert.ok(server.requests.includes(site.script));
        assert.ok(server.requests.includes(`${folder}images/busybox/dist/manifest.json`));
      },
    );
  });
}
