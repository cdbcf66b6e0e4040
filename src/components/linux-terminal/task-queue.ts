// Work that would make one long main-thread task if every terminal on a page did it at once
// (creating a terminal: xterm.js measures fonts and builds its DOM, ~25 ms each): each job runs
// in a task of its own, in order, so twelve terminals appended together never block input or
// drawing for longer than one of them takes.

const jobs: (() => void)[] = [];
let scheduled = false;

function runNext(): void {
  scheduled = false;
  jobs.shift()?.();
  if (jobs.length > 0) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // A macrotask (not a microtask), so the browser may draw and handle input between jobs.
  // MessageChannel, because setTimeout is clamped to 4 ms when nested.
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    runNext();
  };
  channel.port2.postMessage(null);
}

/** Runs `job` in a task of its own after the jobs queued before it; returns a cancel function. */
export function inOwnTask(job: () => void): () => void {
  let cancelled = false;
  jobs.push(() => {
    if (!cancelled) job();
  });
  schedule();
  return () => {
    cancelled = true;
  };
}
