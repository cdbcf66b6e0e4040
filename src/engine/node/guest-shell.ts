// A console session with the engine's machine in a worker thread: the headless runner's guest.
import { ConsoleSession, GuestError } from '../console-session.js';
import { MachineThread, type BootImage, type MachineThreadOptions } from './machine-thread.js';

export { GuestError };

export class GuestShell extends ConsoleSession {
  readonly thread: MachineThread;
  /** Called for each failed disk read: the guest got an I/O error and goes on. */
  onDiskError: (code: string, message: string) => void = () => {};
  /** Set once the machine runs: whether it was restored from a snapshot. */
  restored: boolean | undefined;
  /** Why the image's snapshot could not be restored (the machine booted cold instead). */
  restoreFailure: { code: string; message: string } | undefined;

  constructor(image: BootImage, options: MachineThreadOptions = {}) {
    const thread = new MachineThread(image, options);
    super((text) => thread.send(text));
    this.thread = thread;
    const decoder = new TextDecoder();
    thread.on((event) => {
      if (event.type === 'output') this.receive(decoder.decode(event.data, { stream: true }));
      else if (event.type === 'exit') {
        const { exit } = event;
        this.fail(
          exit.reason === 'panic'
            ? new GuestError('kernel-panic', `the guest kernel panicked: ${exit.message}`)
            : new GuestError(
                'guest-exited',
                `the guest ${exit.reason === 'reboot' ? 'rebooted' : exit.reason === 'stopped' ? 'was stopped' : 'powered off'}`,
              ),
        );
      } else if (event.type === 'error') this.fail(new GuestError(event.code, event.message));
      else if (event.type === 'disk-error') this.onDiskError(event.code, event.message);
      else if (event.type === 'booted') this.restored = event.restored;
      else if (event.type === 'restore-failed')
        this.restoreFailure = { code: event.code, message: event.message };
    });
  }

  terminate(): Promise<number> {
    return this.thread.terminate();
  }
}
