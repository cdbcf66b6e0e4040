// Registering the service worker (service-worker/service-worker.ts), once per page, with
// workbox-window. A page opened before the worker controlled it loaded its files past it, so once
// the worker is active the page sends it those URLs (Workbox's CACHE_URLS message) to be cached:
// the page itself, the same-origin files it loaded, and what the element's Worker loaded, which
// the page's resource timing does not list (the Worker script and the hart's wasm).
import { Workbox, messageSW } from 'workbox-window';

/** Why offline use could not be set up, beside the image's own errors. */
export type ServiceWorkerErrorCode = 'service-worker-failed';

export class ServiceWorkerError extends Error {
  readonly code: ServiceWorkerErrorCode = 'service-worker-failed';
  constructor(message: string) {
    super(message);
    this.name = 'ServiceWorkerError';
  }
}

/** How long the worker may take to confirm that it cached the URLs it was sent. */
const CACHE_URLS_TIMEOUT_MS = 60_000;

const supported = () => typeof navigator !== 'undefined' && 'serviceWorker' in navigator;

// Whether this page loaded without a service worker (its files then bypassed it). Read when the
// module is evaluated, with the page's first scripts, before a new worker can claim the page.
const uncontrolledAtLoad = supported() && !navigator.serviceWorker.controller;

let registered: { url: string; ready: Promise<ServiceWorker | undefined> } | undefined;
/** URLs the element's Workers loaded, to be sent with the page's own. */
const handed = new Set<string>();
const sent = new Set<string>();
/** The CACHE_URLS messages not yet answered. */
let sending: Promise<void> = Promise.resolve();

/**
 * Registers the service worker at `script` (once per page: later calls return the first
 * registration) and, if the page was loaded without one, has it cache what the page loaded.
 * Resolves once the worker is active and has answered; to undefined where there are no service
 * workers (then the HTTP cache is all there is). Rejects with a ServiceWorkerError.
 */
export function registerServiceWorker(
  script: string | URL,
  scope?: string,
): Promise<ServiceWorker | undefined> {
  const url = new URL(script, document.baseURI).href;
  if (registered) {
    if (registered.url !== url)
      console.warn(
        `linux-terminal: the service worker ${registered.url} is registered already; ${url} was not`,
      );
    return registered.ready;
  }
  const ready = supported() ? activate(url, scope) : Promise.resolve(undefined);
  registered = { url, ready };
  // Failures are reported where someone waits (precache); a page that only registers is told here.
  ready.catch((error: Error) => console.warn(`linux-terminal: ${error.message}`));
  return ready;
}

/** Whether a service worker was registered through this module (configure or the element). */
export function serviceWorkerConfigured(): boolean {
  return registered !== undefined;
}

/**
 * Resolves when the registered worker (if any) is active and has cached the page's files;
 * rejects if it could not be registered or did not confirm.
 */
export async function serviceWorkerReady(): Promise<void> {
  if (!registered) return;
  await registered.ready;
  await sending;
}

/** Hands the service worker URLs that the page loaded without going through it. */
export function handLoadedUrls(urls: (string | URL)[]): void {
  for (const url of urls) handed.add(new URL(url, document.baseURI).href);
  registered?.ready.then((worker) => worker && send(worker, [...handed])).catch(() => {});
}

async function activate(url: string, scope?: string): Promise<ServiceWorker> {
  const workbox = new Workbox(url, scope ? { scope } : {});
  let registration: ServiceWorkerRegistration | undefined;
  try {
    registration = await workbox.register(); // waits for the page's load event
  } catch (error) {
    throw new ServiceWorkerError(
      `the service worker ${url} could not be registered (${(error as Error).message}): serve the file there as JavaScript, from this page's origin, with a scope that covers this page`,
    );
  }
  if (!registration)
    throw new ServiceWorkerError(`the service worker ${url} could not be registered`);
  const worker = await activeWorker(registration, url);
  if (uncontrolledAtLoad) await send(worker, [...pageUrls(), ...handed]);
  return worker;
}

/** The registration's newest worker once it is active (the worker skips waiting). */
async function activeWorker(registration: ServiceWorkerRegistration, url: string) {
  for (;;) {
    const next = registration.installing ?? registration.waiting;
    if (!next) {
      if (registration.active) return registration.active;
      throw new ServiceWorkerError(
        `the service worker ${url} failed to install: see the browser's console for its error`,
      );
    }
    await new Promise<void>((resolve) => {
      const settled = () => next.state === 'activated' || next.state === 'redundant';
      if (settled()) return resolve();
      next.addEventListener('statechange', function check() {
        if (!settled()) return;
        next.removeEventListener('statechange', check);
        resolve();
      });
    });
  }
}

/** The page and the same-origin files it loaded (scripts, styles, wasm…): the worker keeps what it routes. */
function pageUrls(): string[] {
  const page = new URL(location.href);
  page.hash = '';
  const loaded = performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((name) => new URL(name).origin === location.origin);
  return [page.href, ...loaded];
}

/** Sends CACHE_URLS for the URLs not sent yet; resolves when the worker has cached them. */
function send(worker: ServiceWorker, urls: string[]): Promise<void> {
  if (!uncontrolledAtLoad) return sending;
  const fresh = [...new Set(urls)].filter((url) => !sent.has(url));
  if (fresh.length === 0) return sending;
  for (const url of fresh) sent.add(url);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const answered = Promise.race([
    messageSW(worker, { type: 'CACHE_URLS', payload: { urlsToCache: fresh } }),
    new Promise((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ServiceWorkerError(
              `the service worker did not confirm that it cached this page's files within ${CACHE_URLS_TIMEOUT_MS / 1000} s: one of them may be unreachable; reload the page to try again`,
            ),
          ),
        CACHE_URLS_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  sending = Promise.all([sending, answered]).then(() => {});
  return sending;
}
