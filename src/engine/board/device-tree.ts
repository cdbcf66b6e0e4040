// The device tree the board hands the kernel, generated from its configuration.
import { type FdtNode, encodeFdt, u64Cells } from './fdt.js';
import * as map from './memory-map.js';

export interface DeviceTreeConfig {
  ramSize: number;
  bootargs: string;
  initrd?: { start: number; end: number };
  /** virtio-mmio slots in use (0-based). */
  virtioSlots: number;
  /**
   * Random bytes for /chosen/rng-seed, fresh on every boot: Linux mixes them into its entropy
   * pool before anything needs it (drivers/of/fdt.c, early_init_dt_scan_chosen), so the pool is
   * ready at once instead of after a minute of interrupt timings.
   */
  rngSeed?: Uint8Array;
}

const CPU_INTC = 1;
const PLIC = 2;
const SYSCON = 3;

const reg = (base: number, size: number) => [...u64Cells(base), ...u64Cells(size)];

export function buildDeviceTree(config: DeviceTreeConfig): Uint8Array {
  const chosen: FdtNode = {
    name: 'chosen',
    props: {
      bootargs: config.bootargs,
      'stdout-path': `/soc/serial@${map.UART_BASE.toString(16)}`,
      ...(config.initrd && {
        'linux,initrd-start': u64Cells(config.initrd.start),
        'linux,initrd-end': u64Cells(config.initrd.end),
      }),
      ...(config.rngSeed && { 'rng-seed': config.rngSeed }),
    },
  };
  const virtio: FdtNode[] = [];
  for (let i = 0; i < config.virtioSlots; i++) {
    const base = map.VIRTIO_BASE + i * map.VIRTIO_STRIDE;
    virtio.push({
      name: `virtio_mmio@${base.toString(16)}`,
      props: {
        compatible: 'virtio,mmio',
        reg: reg(base, map.VIRTIO_STRIDE),
        interrupts: [map.VIRTIO_FIRST_IRQ + i],
        'interrupt-parent': [PLIC],
      },
    });
  }
  const root: FdtNode = {
    name: '',
    props: {
      '#address-cells': [2],
      '#size-cells': [2],
      compatible: 'riscv-virtio',
      model: 'linux-terminal virt',
    },
    children: [
      chosen,
      {
        name: `memory@${map.RAM_BASE.toString(16)}`,
        props: { device_type: 'memory', reg: reg(map.RAM_BASE, config.ramSize) },
      },
      {
        name: 'cpus',
        props: {
          '#address-cells': [1],
          '#size-cells': [0],
          'timebase-frequency': [map.TIMEBASE_HZ],
        },
        children: [
          {
            name: 'cpu@0',
            props: {
              device_type: 'cpu',
              reg: [0],
              status: 'okay',
              compatible: 'riscv',
              'riscv,isa': 'rv64imafdc_zicntr_zicsr_zifencei_sstc',
              'mmu-type': 'riscv,sv48',
            },
            children: [
              {
                name: 'interrupt-controller',
                props: {
                  '#interrupt-cells': [1],
                  'interrupt-controller': true,
                  compatible: 'riscv,cpu-intc',
                  phandle: [CPU_INTC],
                },
              },
            ],
          },
        ],
      },
      {
        name: 'soc',
        props: {
          '#address-cells': [2],
          '#size-cells': [2],
          compatible: 'simple-bus',
          ranges: true,
        },
        children: [
          {
            name: `test@${map.SYSCON_BASE.toString(16)}`,
            props: {
              compatible: ['sifive,test1', 'sifive,test0', 'syscon'],
              reg: reg(map.SYSCON_BASE, 0x1000),
              phandle: [SYSCON],
            },
          },
          {
            name: `rtc@${map.RTC_BASE.toString(16)}`,
            props: {
              compatible: 'google,goldfish-rtc',
              reg: reg(map.RTC_BASE, map.RTC_SIZE),
              interrupts: [map.RTC_IRQ],
              'interrupt-parent': [PLIC],
            },
          },
          {
            name: `clint@${map.CLINT_BASE.toString(16)}`,
            props: {
              compatible: ['sifive,clint0', 'riscv,clint0'],
              reg: reg(map.CLINT_BASE, map.CLINT_SIZE),
              'interrupts-extended': [CPU_INTC, 3, CPU_INTC, 7],
            },
          },
          {
            name: `plic@${map.PLIC_BASE.toString(16)}`,
            props: {
              compatible: ['sifive,plic-1.0.0', 'riscv,plic0'],
              reg: reg(map.PLIC_BASE, map.PLIC_SIZE),
              '#address-cells': [0],
              '#interrupt-cells': [1],
              'interrupt-controller': true,
              'riscv,ndev': [31],
              'interrupts-extended': [CPU_INTC, 11, CPU_INTC, 9],
              phandle: [PLIC],
            },
          },
          {
            name: `serial@${map.UART_BASE.toString(16)}`,
            props: {
              compatible: 'ns16550a',
              reg: reg(map.UART_BASE, 0x100),
              'clock-frequency': [3686400],
              interrupts: [map.UART_IRQ],
              'interrupt-parent': [PLIC],
            },
          },
          ...virtio,
        ],
      },
      // No syscon-poweroff node: the kernel powers off through SBI SRST, and with both it logs
      // that the power-off hook was already claimed. The device still answers 0x5555.
      {
        name: 'reboot',
        props: { compatible: 'syscon-reboot', regmap: [SYSCON], offset: [0], value: [0x7777] },
      },
    ],
  };
  return encodeFdt(root);
}
