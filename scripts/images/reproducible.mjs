// Fixed dates and names for reproducible builds (SOURCE_DATE_EPOCH and the kernel's own variables).
import { BuildError } from './commands.mjs';

/** The date of a Debian changelog's newest entry, in seconds (its " -- name <mail>  date" line). */
export function changelogEpoch(text) {
  const trailer = /^ -- .*<.*>\s+(.+)$/m.exec(text);
  const ms = trailer ? Date.parse(trailer[1]) : NaN;
  if (Number.isNaN(ms)) throw new BuildError('IMAGES-SOURCE', 'cannot read the changelog date');
  return Math.floor(ms / 1000);
}

/** `epoch` written like date(1) in UTC does: "Mon Nov 16 10:17:40 UTC 2026". */
function dateOutput(epoch) {
  const [weekday, day, month, year, time] = new Date(epoch * 1000).toUTCString().split(/,? /);
  return `${weekday} ${month} ${day} ${time} UTC ${year}`;
}

/** The environment of a reproducible build dated `epoch`. */
export function reproducibleEnv(epoch) {
  return {
    ...process.env,
    SOURCE_DATE_EPOCH: String(epoch),
    KBUILD_BUILD_TIMESTAMP: dateOutput(epoch),
    KBUILD_BUILD_USER: 'linux-terminal',
    KBUILD_BUILD_HOST: 'linux-terminal',
    KBUILD_BUILD_VERSION: '1',
    LC_ALL: 'C',
    TZ: 'UTC',
  };
}
