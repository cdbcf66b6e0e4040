// Where translated units live: slots of the function table the hart calls them through
// (`call_indirect` in cpu/hart.ts), under a memory budget. Units leave oldest first when the
// budget or the slots run out; the hart's own table (JIT_TABLE) is cleared of a unit before its
// slot is reused, so the hart never calls a slot that holds something else.

/** What one unit costs in memory: V8 keeps its module and the machine code (a few times the
 * module's size); the estimate is deliberately generous. */
export const CODE_BYTES_PER_MODULE_BYTE = 4;

interface Resident {
  host: number;
  bytes: number;
}

export class CodeCache {
  private readonly slots: (Resident | undefined)[];
  private next = 0;
  private used = 0;
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
  ) {
    this.slots = new Array<Resident | undefined>(capacity);
  }

  /** Bytes the resident units are estimated to take. */
  get bytes(): number {
    return this.used;
  }

  get units(): number {
    return this.slots.reduce((n, r) => n + (r ? 1 : 0), 0);
  }

  /** Puts `unit` (translated from host address `host`) in a slot and returns its table index. */
  add(unit: WebAssembly.ExportValue, host: number, moduleBytes: number): number {
    const bytes = moduleBytes * CODE_BYTES_PER_MODULE_BYTE;
    // The ring's oldest units start at `next`: evict from there until a slot and the bytes are free.
    let oldest = this.next;
    for (
      let n = 0;
      n < this.slots.length && (this.slots[this.next] || this.used + bytes > this.budget);
      n++
    ) {
      this.evict(oldest);
      oldest = (oldest + 1) % this.slots.length;
    }
    const at = this.next;
    this.slots[at] = { host, bytes };
    this.used += bytes;
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
    this.used = 0;
    this.next = 0;
  }

  private evict(at: number): void {
    const resident = this.slots[at];
    if (!resident) return;
    this.unlink(resident.host, this.first + at);
    this.table.set(this.first + at, null);
    this.slots[at] = undefined;
    this.used -= resident.bytes;
    this.evictions++;
  }
}
