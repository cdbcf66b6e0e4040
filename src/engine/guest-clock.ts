// The guest's time base (the time CSR, the CLINT's mtime): ticks of the timebase counted on a host
// clock. It can be set, so that a restored machine's time continues from the value it was saved
// with instead of starting again from zero or jumping by the time the state spent on disk.

export class GuestClock {
  private origin: number;
  private ticksAtOrigin = 0;

  constructor(
    /** Host clock in milliseconds (performance.now in a Worker). */
    private readonly clock: () => number,
    private readonly ticksPerMs: number,
  ) {
    this.origin = clock();
  }

  /** The current time in ticks; a bound function, so devices can hold it. */
  readonly now = (): number =>
    this.ticksAtOrigin + Math.floor((this.clock() - this.origin) * this.ticksPerMs);

  /** Makes now() continue from `ticks` from this moment. */
  set(ticks: number): void {
    this.ticksAtOrigin = ticks;
    this.origin = this.clock();
  }
}
