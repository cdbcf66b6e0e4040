// A saved device state that does not fit the device, and the checks that find it. A device's
// restoreState reads its state through a StateReader first and assigns only once every field has
// passed, so a malformed state (truncated, corrupt, from another version) leaves the device as it
// was, never half-restored.

/** A saved state the device cannot take: names the device and the field. */
export class StateError extends Error {
  constructor(
    readonly device: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${device} state: ${field} ${problem}`);
    this.name = 'StateError';
  }
}

const DECIMAL = /^-?\d{1,40}$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Typed reads of one saved object's fields; each throws StateError when the field is wrong. */
export class StateReader {
  private readonly fields: Record<string, unknown>;

  constructor(
    readonly device: string,
    value: unknown,
    /** Where `value` sits in the device's state, for messages ("queues[1]."). */
    private readonly path = '',
  ) {
    if (!isPlainObject(value))
      throw new StateError(device, path.replace(/\.$/, '') || '(state)', 'must be an object');
    this.fields = value;
  }

  private fail(field: string, problem: string): never {
    throw new StateError(this.device, this.path + field, problem);
  }

  /** Whether the state has `field` at all (one added since states were first saved). */
  has(field: string): boolean {
    return Object.hasOwn(this.fields, field);
  }

  /** An integer in [min, max]. */
  integer(field: string, min: number, max: number): number {
    const value = this.fields[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      this.fail(field, `must be an integer from ${min} to ${max}`);
    return value;
  }

  boolean(field: string): boolean {
    const value = this.fields[field];
    if (typeof value !== 'boolean') this.fail(field, 'must be a boolean');
    return value;
  }

  /** A bigint saved as a decimal string (JSON has no bigints), in [min, max]. */
  bigint(field: string, min: bigint, max: bigint): bigint {
    const value = this.fields[field];
    if (typeof value !== 'string' || !DECIMAL.test(value))
      this.fail(field, 'must be a decimal string');
    const n = BigInt(value);
    if (n < min || n > max) this.fail(field, `must be from ${min} to ${max}`);
    return n;
  }

  /** A string of at most `maxLength` characters. */
  string(field: string, maxLength: number): string {
    const value = this.fields[field];
    if (typeof value !== 'string' || value.length > maxLength)
      this.fail(field, `must be a string of at most ${maxLength} characters`);
    return value;
  }

  /** Bytes of at most `maxLength`, copied (the state keeps no hold on the device's buffers). */
  bytes(field: string, maxLength: number): Uint8Array {
    const value = this.fields[field];
    if (!(value instanceof Uint8Array) || value.length > maxLength)
      this.fail(field, `must be a Uint8Array of at most ${maxLength} bytes`);
    return value.slice();
  }

  /** Exactly `length` integers, each in [min, max]. */
  integers(field: string, length: number, min: number, max: number): number[] {
    const value = this.fields[field];
    if (
      !Array.isArray(value) ||
      value.length !== length ||
      !value.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max)
    )
      this.fail(field, `must be ${length} integers from ${min} to ${max}`);
    return [...(value as number[])];
  }

  /** A nested object. */
  object(field: string): StateReader {
    return new StateReader(this.device, this.fields[field], `${this.path}${field}.`);
  }

  /** Exactly `length` nested objects. */
  objects(field: string, length: number): StateReader[] {
    const value = this.fields[field];
    if (!Array.isArray(value) || value.length !== length)
      this.fail(field, `must be a list of ${length}`);
    return value.map(
      (item, i) => new StateReader(this.device, item, `${this.path}${field}[${i}].`),
    );
  }
}
