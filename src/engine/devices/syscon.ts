// The virt board's test/syscon device (sifive,test1): the guest powers off or reboots by writing
// a magic value; Linux reaches it through the syscon-poweroff and syscon-reboot nodes.
import type { MmioDevice } from '../bus.js';
import { StateReader } from './state-error.js';

/** The syscon holds nothing between accesses; its state is empty, listed for uniformity. */
export type SysconState = Record<string, never>;

export type PowerRequest =
  { kind: 'poweroff' } | { kind: 'reboot' } | { kind: 'fail'; code: number };

export class Syscon implements MmioDevice {
  constructor(private readonly onRequest: (request: PowerRequest) => void) {}

  read(): number {
    return 0;
  }

  write(offset: number, _size: number, value: number): void {
    if (offset !== 0) return;
    const command = value & 0xffff;
    if (command === 0x5555) this.onRequest({ kind: 'poweroff' });
    else if (command === 0x7777) this.onRequest({ kind: 'reboot' });
    else if (command === 0x3333) this.onRequest({ kind: 'fail', code: value >>> 16 });
  }

  saveState(): SysconState {
    return {};
  }

  restoreState(state: SysconState): void {
    new StateReader('syscon', state);
  }
}
