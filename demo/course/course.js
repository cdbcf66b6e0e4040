// The course's status line: what the lesson's <linux-terminal offline> says about keeping the
// image for offline use (it starts after the first shell prompt; see docs/offline.md).
import '../../dist/linux-terminal.js';

const terminal = document.querySelector('linux-terminal');
const status = document.querySelector('.offline-status');

function show(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

if (!('serviceWorker' in navigator)) {
  show('failed', 'This browser cannot keep the course for offline use.');
} else if (terminal && status) {
  let caching = false;
  terminal.addEventListener('linux-terminal-ready', () => {
    caching = true;
    show('caching', 'Keeping the course for offline use…');
  });
  terminal.addEventListener('linux-terminal-precache-progress', ({ detail }) => {
    show('caching', `Caching ${detail.loaded} of ${detail.total}…`);
  });
  terminal.addEventListener('linux-terminal-precached', () => {
    caching = false;
    show('done', 'Available offline ✓');
  });
  terminal.addEventListener('linux-terminal-error', ({ detail }) => {
    if (caching && !detail.fatal) show('failed', `Not available offline: ${detail.message}`);
  });
}
