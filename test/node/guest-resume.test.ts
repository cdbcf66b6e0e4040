// lt-resume on the real busybox image, through exec() as the host runs it after a restore: it
// sets the guest's clock, feeds the kernel's RNG (RNDADDENTROPY, RNDRESEEDCRNG) and refuses bad
// arguments with one line and exit status 2, changing nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadBootImage } from '../../src/engine/node/images.js';
import { MachineThread } from '../../src/engine/node/machine-thread.js';

const DAY = 86_400;
/** Seconds the guest may take between lt-resume and the next `date` on a busy host. */
const SLACK = 30;

const seed = (bytes = 64) => randomBytes(bytes).toString('hex');
const resume = (...args: string[]) => `lt-resume ${args.map((arg) => `'${arg}'`).join(' ')}`;

describe('lt-resume', () => {
  let machine: MachineThread;
  const guestSeconds = async () => {
    const { exitCode, output } = await machine.exec('date +%s');
    assert.equal(exitCode, 0);
    return Number(output);
  };

  before(async () => {
    machine = new MachineThread(await loadBootImage({}));
    // The first exec waits for the agent's hello (boot).
    await machine.exec('true', { timeout: 120_000 });
  });
  after(() => machine.terminate());

  test('bad arguments: exit status 2, one line saying which, and the clock untouched', async () => {
    const cases: [string[], RegExp][] = [
      [[], /expected 3 arguments/],
      [['1', '0'], /expected 3 arguments/],
      [['1', '0', seed(), 'more'], /expected 3 arguments/],
      [['', '0', seed()], /seconds/],
      [['-5', '0', seed()], /seconds/],
      [['12x', '0', seed()], /seconds/],
      [['99999999999999999999', '0', seed()], /seconds/],
      [['1', '1000000000', seed()], /nanoseconds/],
      [['1', '+1', seed()], /nanoseconds/],
      [['1', '0', 'zz'.repeat(64)], /seed/],
      [['1', '0', `${seed()}a`], /seed/],
      [['1', '0', seed(31)], /seed/],
      [['1', '0', seed(513)], /seed/],
    ];
    for (const [args, reason] of cases) {
      const { exitCode, output } = await machine.exec(resume(...args));
      const call = `lt-resume ${args.join(' ')}`.slice(0, 60);
      assert.equal(exitCode, 2, `${call}: ${output}`);
      assert.match(output, /^lt-resume: [^\n]+\n$/, call);
      assert.match(output, reason, call);
    }
    // Each of them asked for 1970: the clock is still this century.
    assert.ok((await guestSeconds()) > 1_700_000_000);
  });

  test('a refused request: exit status 1 and the kernel’s reason', async () => {
    // Adding entropy needs CAP_SYS_ADMIN (random(4)): this shows the ioctl is made.
    const unprivileged = await machine.exec(`chpst -u 1:1 ${resume('1', '0', seed())}`);
    assert.deepEqual(unprivileged, {
      exitCode: 1,
      output: 'lt-resume: RNDADDENTROPY: Operation not permitted\n',
      truncated: false,
    });
    // Past the kernel's last valid time (year 2262, timespec64_valid_settod).
    const tooLate = await machine.exec(resume('99999999999', '0', seed()));
    assert.deepEqual(tooLate, {
      exitCode: 1,
      output: 'lt-resume: setting CLOCK_REALTIME: Invalid argument\n',
      truncated: false,
    });
  });

  test('as root, both ioctls succeed and the clock moves a day ahead', async () => {
    const before = await guestSeconds();
    const target = before + DAY;
    // Exit status 0 means RNDADDENTROPY and RNDRESEEDCRNG both returned 0 (lt-resume exits 1
    // with their errno otherwise) and so did clock_settime.
    const { exitCode, output } = await machine.exec(`${resume(String(target), '0', seed())}`);
    assert.deepEqual({ exitCode, output }, { exitCode: 0, output: '' });
    const now = await guestSeconds();
    assert.ok(now >= target && now <= target + SLACK, `date +%s is ${now}, set ${target}`);
  });

  test('the nanoseconds count: half a second set, and 0.6 s later it is the next second', async () => {
    // (date reads the kernel's coarse clock, which moves at the next tick, 10 ms: so a sleep
    // rather than 999999999 ns and an immediate date.)
    const target = (await guestSeconds()) + DAY;
    const { exitCode, output } = await machine.exec(
      `${resume(String(target), '500000000', seed())} && sleep 0.6 && date +%s`,
    );
    assert.equal(exitCode, 0, output);
    const now = Number(output);
    assert.ok(now >= target + 1 && now <= target + SLACK, `date +%s is ${now}, set ${target}.5`);
  });

  test('after it, /dev/urandom still reads', async () => {
    const { exitCode, output } = await machine.exec('head -c 16 /dev/urandom | od -An -tx1');
    assert.equal(exitCode, 0);
    assert.match(output.replace(/\s+/g, ''), /^[0-9a-f]{32}$/);
  });
});
