// The board's device tree, decoded by the reference tool (dtc, Debian's device-tree-compiler).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDeviceTree } from '../../src/engine/board/device-tree.js';

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
});

test('without an initramfs the chosen node names none', () => {
  const dts = decompile(
    buildDeviceTree({ ramSize: 64 * 2 ** 20, bootargs: 'console=hvc0', virtioSlots: 0 }),
  );
  assert.doesNotMatch(dts, /initrd/);
  assert.doesNotMatch(dts, /virtio_mmio/);
});
