// The board's device tree, decoded by the reference tool (dtc, Debian's device-tree-compiler).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDeviceTree } from '../../src/engine/board/device-tree.js';
import { VirtMachine } from '../../src/engine/board/virt-machine.js';

function decompile(blob: Uint8Array): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fdt-')), 'board.dtb');
  writeFileSync(file, blob);
  const result = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
  assert.equal(result.status, 0, `dtc rejected the blob: ${result.stderr ?? result.error}`);
  return result.stdout;
}

test('dtc reads back the board description', () => {
  const dts = decompile(
    buildDeviceTree({
      ramSize: 128 * 2 ** 20,
      bootargs: 'console=ttyS0 rw',
      initrd: { start: 0x87000000, end: 0x87100000 },
      virtioSlots: 3,
    }),
  );
  assert.match(dts, /compatible = "riscv-virtio";/);
  assert.match(dts, /bootargs = "console=ttyS0 rw";/);
  assert.match(dts, /linux,initrd-start = <0x00 0x87000000>;/);
  assert.match(
    dts,
    /memory@80000000 \{\s*device_type = "memory";\s*reg = <0x00 0x80000000 0x00 0x8000000>;/,
  );
  assert.match(dts, /timebase-frequency = <0x989680>;/);
  assert.match(dts, /riscv,isa = "rv64imafdc[^"]*";/);
  assert.match(dts, /serial@10000000 \{[^}]*compatible = "ns16550a";[^}]*interrupts = <0x0a>;/);
  assert.match(dts, /compatible = "sifive,plic-1\.0\.0(\\0|", ")riscv,plic0";/); // dtc versions print string lists either way
  assert.equal(dts.match(/virtio_mmio@/g)?.length, 3);
  assert.match(dts, /reboot \{[^}]*compatible = "syscon-reboot";[^}]*value = <0x7777>;/);
  // QEMU virt's RTC, where Linux's rtc-goldfish driver finds it.
  assert.match(
    dts,
    /rtc@101000 \{[^}]*compatible = "google,goldfish-rtc";[^}]*reg = <0x00 0x101000 0x00 0x1000>;[^}]*interrupts = <0x0b>;/,
  );
});

/** The device tree a freshly created board put in its RAM (the last MiB), before it runs. */
async function bootedDeviceTree(): Promise<string> {
  const kernel = new Uint8Array(64); // just the Image header the board checks
  kernel.set(new TextEncoder().encode('RISCV\0\0\0RSC\x05'), 48);
  const machine = await VirtMachine.create({
    kernel,
    cmdline: 'console=hvc0',
    memoryMiB: 64,
    onOutput: () => {},
  });
  const ramSize = 64 * 2 ** 20;
  const header = new DataView(
    machine.hart.ram.buffer,
    machine.hart.ram.byteOffset + ramSize - 2 ** 20,
  );
  const size = header.getUint32(4); // totalsize, big-endian (Devicetree Specification 5.2)
  return decompile(machine.hart.ram.slice(ramSize - 2 ** 20, ramSize - 2 ** 20 + size));
}

test('every boot passes a fresh 64-byte rng-seed in /chosen', async () => {
  const seeds = [await bootedDeviceTree(), await bootedDeviceTree()].map((dts) => {
    // dtc prints 64 bytes as 16 cells, <0x…>, or as bytes, [..] (its versions differ)
    const m = /chosen \{[^}]*rng-seed = (<[^>]*>|\[[^\]]*\]);/.exec(dts);
    assert.ok(m, `no rng-seed in /chosen:\n${dts.slice(0, 400)}`);
    return m[1];
  });
  const words = seeds[0].slice(1, -1).trim().split(/\s+/).length;
  assert.equal(seeds[0].startsWith('<') ? words * 4 : words, 64);
  assert.notEqual(seeds[0], seeds[1]);
});

test('without an initramfs the chosen node names none', () => {
  const dts = decompile(
    buildDeviceTree({ ramSize: 64 * 2 ** 20, bootargs: 'console=hvc0', virtioSlots: 0 }),
  );
  assert.doesNotMatch(dts, /initrd/);
  assert.doesNotMatch(dts, /virtio_mmio/);
});
