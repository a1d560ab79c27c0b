/** IPv4 CIDR arithmetic, done at synth time so subnet ranges are literal values in the plan. */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  /** Prefix length, 0 to 32. */
  readonly prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined when it is not a valid, normalised IPv4 CIDR block. */
export function parseCidr(text: string): Cidr | undefined {
  const match = CIDR.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (base % 2 ** (32 - prefix) !== 0) return undefined; // host bits set: 10.0.0.1/16
  return { base, prefix };
}

/** Writes a CIDR block as `a.b.c.d/n`. */
export function formatCidr(cidr: Cidr): string {
  const b = cidr.base;
  return `${Math.floor(b / 2 ** 24)}.${Math.floor(b / 2 ** 16) % 256}.${Math.floor(b / 2 ** 8) % 256}.${b % 256}/${cidr.prefix}`;
}

/** Terraform's `cidrsubnet(prefix, newbits, netnum)`. */
export function cidrSubnet(parent: Cidr, newbits: number, netnum: number): Cidr {
  const prefix = parent.prefix + newbits;
  if (prefix > 32) throw new Error(`cidrSubnet: /${parent.prefix} + ${newbits} bits exceeds /32`);
  if (netnum < 0 || netnum >= 2 ** newbits) {
    throw new Error(`cidrSubnet: netnum ${netnum} does not fit in ${newbits} bits`);
  }
  return { base: parent.base + netnum * 2 ** (32 - prefix), prefix };
}

function size(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base < outer.base + size(outer);
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** RFC 1918 private ranges; a VPC outside them is almost always a typo. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(
  (text) => parseCidr(text) as Cidr,
);
