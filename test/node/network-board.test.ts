// The board with and without a network: virtio-net only when asked for (in the slot after the
// disks), so a machine without it has the device tree and saved state it had before; a saved
// networked machine keeps its device and the frames waiting for the guest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtMachine, type MachineOptions } from '../../src/engine/board/virt-machine.js';
import { VirtualNetwork } from '../../src/engine/network/virtual-network.js';
import { VIRTIO_BASE, VIRTIO_STRIDE } from '../../src/engine/board/memory-map.js';
import { MmioResult } from '../../src/engine/bus.js';

function options(network?: VirtualNetwork): MachineOptions {
  const kernel = new Uint8Array(64); // just the Image header the board checks; it never runs
  kernel.set(new TextEncoder().encode('RISCV\0\0\0RSC\x05'), 48);
  return { kernel, cmdline: 'console=hvc0', memoryMiB: 64, onOutput: () => {}, network };
}

/** The device ID in each virtio slot the bus answers for (-1: nothing there). */
function virtioIds(machine: VirtMachine): number[] {
  const out = new Uint32Array(2);
  return Array.from({ length: 6 }, (_, slot) =>
    machine.bus.read(VIRTIO_BASE + slot * VIRTIO_STRIDE + 8, 4, out) === MmioResult.Ok
      ? out[0]
      : -1,
  );
}

function save(machine: VirtMachine) {
  return machine.saveState(({ state, ram }) => ({ state, ram: ram.slice() }));
}

test('without a network the board has no virtio-net and the state no net', async () => {
  const machine = await VirtMachine.create(options());
  assert.equal(machine.net, undefined);
  assert.deepEqual(virtioIds(machine), [3, 3, 4, -1, -1, -1]);
  const { state } = await save(machine);
  assert.equal('net' in state, false);
  assert.equal(state.virtio.length, 3);
});

test('with a network, virtio-net (ID 1) is in the last slot and saved with its backlog', async () => {
  const network = new VirtualNetwork();
  const machine = await VirtMachine.create(options(network));
  assert.deepEqual(virtioIds(machine), [3, 3, 4, 1, -1, -1]);
  // A frame for the guest before its driver is up waits in the device.
  const frame = new Uint8Array(60).fill(9);
  assert.equal(machine.net?.receive(frame), true);
  const { state, ram } = await save(machine);
  assert.equal(state.virtio.length, 4);
  assert.equal(state.net?.mac, '525400123456');
  assert.equal(state.net?.pendingRx.length, 1);

  const restored = await VirtMachine.fromState(state, {
    onOutput: () => {},
    network: new VirtualNetwork(),
    loadRam: (m) => m.hart.ram.set(ram),
  });
  assert.deepEqual(virtioIds(restored), [3, 3, 4, 1, -1, -1]);
  assert.deepEqual(restored.net?.saveState(), state.net);

  // Restored without a network, the guest keeps its eth0 (its cable unplugged).
  const unplugged = await VirtMachine.fromState(state, {
    onOutput: () => {},
    loadRam: (m) => m.hart.ram.set(ram),
  });
  assert.equal(unplugged.net?.saveState().pendingRx.length, 1);
});

test('a state saved without a network restores without virtio-net, network or not', async () => {
  const plain = await VirtMachine.create(options());
  const { state, ram } = await save(plain);
  const restored = await VirtMachine.fromState(state, {
    onOutput: () => {},
    network: new VirtualNetwork(),
    loadRam: (m) => m.hart.ram.set(ram),
  });
  assert.equal(restored.net, undefined);
  assert.deepEqual(virtioIds(restored), [3, 3, 4, -1, -1, -1]);
});
