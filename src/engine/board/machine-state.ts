// A saved machine, apart from its RAM and disks: the hart's registers and CSRs, the guest's time,
// and every device's state, as plain data (JSON). RAM and the overlay disks' written pages travel
// beside it as chunks named by their hash (docs/image-format.md, "Snapshots").
import type { Uart16550State } from '../devices/uart16550.js';
import type { ClintState } from '../devices/clint.js';
import type { PlicState } from '../devices/plic.js';
import type { GoldfishRtcState } from '../devices/goldfish-rtc.js';
import type { VirtioMmioState } from '../devices/virtio/mmio.js';
import type { VirtioConsoleState } from '../devices/virtio/console.js';
import type { VirtioNetState } from '../devices/virtio/net.js';
import { StateError, StateReader } from '../devices/state-error.js';
import { fromBase64, toBase64 } from '../base64.js';

export const MACHINE_STATE_FORMAT = 'linux-terminal-machine';
export const MACHINE_STATE_VERSION = 1;

export interface MachineState {
  format: typeof MACHINE_STATE_FORMAT;
  version: typeof MACHINE_STATE_VERSION;
  memoryMiB: number;
  /** The kernel command line the machine booted with (its consoles follow from it). */
  cmdline: string;
  /** The guest's time (mtime) when saved, in timebase ticks: it runs on from there. */
  time: number;
  /** The hart's registers, CSRs and reservation (Hart.saveState), base64. */
  hart: string;
  uart: Uart16550State;
  clint: ClintState;
  plic: PlicState;
  rtc: GoldfishRtcState;
  /** The virtio-mmio transports, in slot order: console, command channel, entropy, disks, net. */
  virtio: VirtioMmioState[];
  console: VirtioConsoleState;
  commandChannel: VirtioConsoleState;
  /** How many disks the machine has (virtio slots after the entropy device). */
  disks: number;
  /** eth0's device, when the machine has a network (virtio slot after the disks). */
  net?: VirtioNetState;
  /** What the host keeps beside the machine (the command channel's side), opaque here. */
  host?: Record<string, unknown>;
}

/** Checks the envelope of a saved machine; devices check their own parts when they restore. */
export function checkMachineState(value: unknown): MachineState {
  const r = new StateReader('machine', value);
  const state = value as MachineState;
  if (state.format !== MACHINE_STATE_FORMAT)
    throw new StateError('machine', 'format', `must be "${MACHINE_STATE_FORMAT}"`);
  if (state.version !== MACHINE_STATE_VERSION)
    throw new StateError(
      'machine',
      'version',
      `is ${JSON.stringify(state.version)}; this linux-terminal reads version ${MACHINE_STATE_VERSION}`,
    );
  r.integer('memoryMiB', 1, 4096);
  r.string('cmdline', 4096);
  r.integer('time', 0, Number.MAX_SAFE_INTEGER);
  r.string('hart', 1 << 20);
  const disks = r.integer('disks', 0, 16);
  const net = r.has('net') ? 1 : 0;
  if (net) r.object('net');
  r.objects('virtio', 3 + disks + net);
  for (const device of ['uart', 'clint', 'plic', 'rtc', 'console', 'commandChannel'])
    r.object(device);
  return state;
}

/** The state as a blob: JSON, with byte arrays as {"$base64": "…"}. */
export function encodeMachineState(state: MachineState): Uint8Array {
  const text = JSON.stringify(state, (_key, value: unknown) =>
    value instanceof Uint8Array ? { $base64: toBase64(value) } : value,
  );
  return new TextEncoder().encode(text);
}

/** A state blob back into a state (unchecked: fromState checks it); throws on malformed JSON. */
export function decodeMachineState(bytes: Uint8Array): MachineState {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      const encoded = (value as { $base64?: unknown }).$base64;
      if (keys.length === 1 && typeof encoded === 'string') return fromBase64(encoded);
    }
    return value;
  }) as MachineState;
}
