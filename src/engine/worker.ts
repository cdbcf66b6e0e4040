/// <reference lib="webworker" />
// The engine's Worker entry: receives HostMessages, answers with EngineMessages.
//
// Placeholder until the machine lands (issues 3 and 4): it proves the element <-> Worker round trip
// by greeting and echoing keystrokes back the way a terminal's line discipline would.
import type { EngineMessage, HostMessage } from './protocol.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(message: EngineMessage): void {
  scope.postMessage(message);
}

scope.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'boot':
      post({
        type: 'output',
        data: `linux-terminal engine worker (${message.image}, ${message.memoryMiB} MiB)\r\n$ `,
      });
      post({ type: 'ready' });
      break;
    case 'input':
      post({ type: 'output', data: message.data.replace(/\r/g, '\r\n$ ') });
      break;
    case 'resize':
      break;
  }
});
