// Where translated units live: slots of the function table the hart calls them through
// (`call_indirect` in cpu/hart.ts), under a memory budget. When the budget or the slots run out,
// units leave in clock order: the hand passes over slots, sparing once each unit the hart has
// called since the last pass (it marks JIT_USED), so code in use stays and code no longer run
// goes. The hart's own table (JIT_TABLE) is cleared of a unit before its slot is reused, so the
// hart never calls a slot that holds something else.

/**
 * What one unit costs in memory, as a multiple of its module bytes: V8 keeps the module, its
 * baseline code and, for hot units, optimized code besides. Measured in Node 20 on the Debian
 * image (gcc -O2, the resident set with and without the translator): about 27 KB per unit of
 * about 2.2 KB, beyond a fixed ~25 MB for the engine's compilation machinery.
 */
export const CODE_BYTES_PER_MODULE_BYTE = 12;

interface Resident {
  /** The host addresses the hart enters the unit at. */
  hosts: number[];
  bytes: number;
}

export class CodeCache {
  private readonly slots: (Resident | undefined)[];
  private next = 0;
  private bytesUsed = 0;
  evictions = 0;

  constructor(
    private readonly table: WebAssembly.Table,
    /** Table index of the first slot. */
    private readonly first: number,
    capacity: number,
    /** Budget in bytes (the estimate above). */
    private readonly budget: number,
    /** Forgets the unit in `slot` at `host` in the hart's table, if it is still there. */
    private readonly unlink: (host: number, slot: number) => void,
    /** One byte per table index, nonzero when the hart called the unit there (JIT_USED). */
    private readonly usedSince: Uint8Array,
  ) {
    this.slots = new Array<Resident | undefined>(capacity);
  }

  /** Bytes the resident units are estimated to take. */
  get bytes(): number {
    return this.bytesUsed;
  }

  get units(): number {
    return this.slots.reduce((n, r) => n + (r ? 1 : 0), 0);
  }

  /** Puts `unit` (entered at host addresses `hosts`) in a slot and returns its table index. */
  add(unit: WebAssembly.ExportValue, hosts: number[], moduleBytes: number): number {
    const bytes = moduleBytes * CODE_BYTES_PER_MODULE_BYTE;
    // The clock: from the hand on, a used unit is spared once (its mark cleared), an unused one
    // evicted, until the hand's slot is free and the bytes fit. Two turns at most: after one,
    // every mark is clear.
    for (
      let n = 0;
      n < 2 * this.slots.length && (this.slots[this.next] || this.bytesUsed + bytes > this.budget);
      n++
    ) {
      const index = this.first + this.next;
      if (this.slots[this.next] && this.usedSince[index]) this.usedSince[index] = 0;
      else this.evict(this.next);
      if (this.slots[this.next] || this.bytesUsed + bytes > this.budget)
        this.next = (this.next + 1) % this.slots.length;
    }
    const at = this.next;
    this.evict(at); // only if two turns found nothing to free
    this.usedSince[this.first + at] = 0;
    this.slots[at] = { hosts, bytes };
    this.bytesUsed += bytes;
    this.next = (at + 1) % this.slots.length;
    this.table.set(this.first + at, unit);
    return this.first + at;
  }

  /** Empties every slot (RAM was replaced: the hart has already forgotten its units). */
  clear(): void {
    for (let at = 0; at < this.slots.length; at++)
      if (this.slots[at]) {
        this.table.set(this.first + at, null);
        this.slots[at] = undefined;
      }
    this.bytesUsed = 0;
    this.next = 0;
  }

  private evict(at: number): void {
    const resident = this.slots[at];
    if (!resident) return;
    for (const host of resident.hosts) this.unlink(host, this.first + at);
    this.table.set(this.first + at, null);
    this.slots[at] = undefined;
    this.bytesUsed -= resident.bytes;
    this.evictions++;
  }
}
