// Names the guest looked up, each given an address of 10.0.3.0/24 that the host side owns, so
// that a connection to it can be turned back into the name (when the request carries no Host
// header). At most 254 names: the 255th takes the address of the one looked up longest ago.
import { type Ipv4, ipv4 } from './addresses.js';

const FIRST = ipv4('10.0.3.1');
export const VIRTUAL_HOSTS = 254;

export class VirtualHosts {
  /** Name → address, in order of last lookup (a Map keeps insertion order). */
  private readonly byName = new Map<string, Ipv4>();
  private readonly byAddress = new Map<Ipv4, string>();

  /** The address of `name` (lower-cased), given one if it has none. */
  address(name: string): Ipv4 {
    const key = name.toLowerCase().replace(/\.$/, '');
    let address = this.byName.get(key);
    if (address !== undefined) {
      this.byName.delete(key);
    } else if (this.byName.size < VIRTUAL_HOSTS) {
      address = FIRST + this.byName.size;
    } else {
      const [oldest, reused] = this.byName.entries().next().value as [string, Ipv4];
      this.byName.delete(oldest);
      address = reused;
    }
    this.byName.set(key, address);
    this.byAddress.set(address, key);
    return address;
  }

  /** The name an address was given to, if it is one of these. */
  name(address: Ipv4): string | undefined {
    return this.byAddress.get(address);
  }
}
