// Returning to the event loop between slices of guest execution, so messages (keystrokes,
// resizes) are handled while the machine runs. setImmediate in Node; a MessageChannel round trip
// in browsers, where setTimeout(0) is clamped to 4 ms.
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
