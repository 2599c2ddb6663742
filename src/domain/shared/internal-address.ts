/**
 * Addresses an account's endpoints (its SMTP server, its webhooks) may not be: the platform's
 * own network. Without this an account could point "its server" at an internal service and
 * have the platform talk to it (server-side request forgery).
 *
 * Only general unicast counts as public. Loopback, private, link-local, unique-local,
 * carrier-grade NAT, multicast, unspecified, documentation and the other special ranges are
 * internal (the IANA special-purpose registries, as ipaddr.js lists them). An IPv4 address
 * carried inside IPv6 (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, translated
 * `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::/96` and `64:ff9b:1::/48`) is judged as the IPv4 it
 * carries, since that is where a packet to it ends up; 6to4 and Teredo, which also tunnel to
 * an IPv4 address, are refused outright.
 *
 * Pure, so the webhook decider judges a URL's literal host with the same rule the adapters
 * apply to what a name resolves to.
 */

type Range = readonly [prefix: readonly number[], bits: number];

/** Special-purpose IPv4 blocks; everything else is general unicast. */
const IPV4_SPECIAL: readonly Range[] = [
  [[0, 0, 0, 0], 8], // unspecified, "this network"
  [[255, 255, 255, 255], 32], // broadcast
  [[224, 0, 0, 0], 4], // multicast
  [[169, 254, 0, 0], 16], // link-local (cloud metadata lives here)
  [[127, 0, 0, 0], 8], // loopback
  [[100, 64, 0, 0], 10], // carrier-grade NAT
  [[10, 0, 0, 0], 8], // private
  [[172, 16, 0, 0], 12],
  [[192, 168, 0, 0], 16],
  [[192, 0, 0, 0], 24], // IETF protocol assignments
  [[192, 0, 2, 0], 24], // documentation
  [[192, 88, 99, 0], 24], // 6to4 relay anycast
  [[198, 18, 0, 0], 15], // benchmarking
  [[198, 51, 100, 0], 24], // documentation
  [[203, 0, 113, 0], 24], // documentation
  [[240, 0, 0, 0], 4], // reserved
  [[192, 175, 48, 0], 24], // AS112
  [[192, 31, 196, 0], 24],
  [[192, 52, 193, 0], 24], // AMT
];

/** IPv6 blocks that carry an IPv4 address in their last 32 bits. */
const IPV6_CARRYING_IPV4: readonly Range[] = [
  [[0, 0, 0, 0, 0, 0xffff], 96], // mapped
  [[0, 0, 0, 0, 0xffff, 0], 96], // translated (RFC 6145)
  [[0x64, 0xff9b, 0, 0, 0, 0], 96], // NAT64 (RFC 6052)
  [[0x64, 0xff9b, 1], 48], // local-use NAT64 (RFC 8215)
  [[0, 0, 0, 0, 0, 0], 96], // compatible (deprecated), `::` and `::1` among them: judged as 0.0.0.x, internal
];

/** Special-purpose IPv6 blocks, those carrying IPv4 aside; everything else is general unicast. */
const IPV6_SPECIAL: readonly Range[] = [
  [[0xfe80], 10], // link-local
  [[0xff00], 8], // multicast
  [[0xfc00], 7], // unique-local
  [[0xfec0], 10], // site-local (deprecated)
  [[0x100, 0, 0, 0], 64], // discard
  [[0x2002], 16], // 6to4
  [[0x2001, 0], 32], // Teredo
  [[0x2001, 0], 23], // IETF protocol assignments (benchmarking, AMT, AS112, ORCHID… within)
  [[0x2001, 0xdb8], 32], // documentation
  [[0x3fff, 0], 20], // documentation
  [[0x2620, 0x4f, 0x8000], 48], // AS112
  [[0x5f00], 16], // segment routing
];

const inRange = (parts: readonly number[], partBits: number, [prefix, bits]: Range): boolean => {
  for (let i = 0, left = bits; left > 0; i++, left -= partBits) {
    const shift = Math.max(0, partBits - left);
    if (parts[i]! >>> shift !== (prefix[i] ?? 0) >>> shift) return false;
  }
  return true;
};

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function parseIpv4(text: string): number[] | null {
  const match = IPV4.exec(text);
  return match ? match.slice(1, 5).map(Number) : null;
}

/** Eight 16-bit groups, or null. Accepts `::` shortening, a dotted IPv4 tail and a zone (`%eth0`). */
function parseIpv6(text: string): number[] | null {
  const zone = text.indexOf('%');
  const address = zone === -1 ? text : zone === text.length - 1 ? '' : text.slice(0, zone);
  if (address === '' || !/^[0-9a-fA-F:.]+$/.test(address)) return null;
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (half: string): number[] | null => {
    if (half === '') return [];
    const groups: number[] = [];
    const pieces = half.split(':');
    for (const [index, piece] of pieces.entries()) {
      if (piece.includes('.')) {
        const ipv4 = index === pieces.length - 1 ? parseIpv4(piece) : null;
        if (!ipv4) return null;
        groups.push((ipv4[0]! << 8) | ipv4[1]!, (ipv4[2]! << 8) | ipv4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) groups.push(parseInt(piece, 16));
      else return null;
    }
    return groups;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return null;
  // a dotted tail may only end the address
  if (halves.length === 2 && halves[0]!.includes('.')) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...Array<number>(missing).fill(0), ...tail] : null;
}

/** An IP address as written, IPv6 perhaps in brackets: its kind and parts, or null when it is not one. */
function parseIp(address: string): { kind: 'ipv4'; octets: number[] } | { kind: 'ipv6'; groups: number[] } | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const octets = parseIpv4(bare);
  if (octets) return { kind: 'ipv4', octets };
  const groups = parseIpv6(bare);
  return groups ? { kind: 'ipv6', groups } : null;
}

/** Whether `text` is an IPv4 address in dotted decimal or an IPv6 address (in brackets or not). */
export const isIpAddress = (text: string): boolean => parseIp(text) !== null;

/** The IPv4 address an IPv6 one carries in its last 32 bits, when its block is one that carries one. */
const carriedIpv4 = (groups: readonly number[]): number[] | null =>
  IPV6_CARRYING_IPV4.some((range) => inRange(groups, 16, range)) ? [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff] : null;

const ipv4Internal = (octets: readonly number[]) => IPV4_SPECIAL.some((range) => inRange(octets, 8, range));

/** Whether an IP address (not a name) is inside the platform's reach rather than on the internet. Throws a TypeError for anything else. */
export function isInternalAddress(address: string): boolean {
  const parsed = parseIp(address);
  if (!parsed) throw new TypeError(`not an IP address: ${address}`);
  if (parsed.kind === 'ipv4') return ipv4Internal(parsed.octets);
  const carried = carriedIpv4(parsed.groups);
  if (carried) return ipv4Internal(carried);
  return IPV6_SPECIAL.some((range) => inRange(parsed.groups, 16, range));
}

/**
 * This machine itself: 127.0.0.0/8 and ::1, as written (an IPv4 loopback carried in IPv6 is
 * internal but not counted here). The only internal addresses development may allow.
 */
export function isLoopbackAddress(address: string): boolean {
  const parsed = parseIp(address);
  if (!parsed) return false;
  if (parsed.kind === 'ipv4') return parsed.octets[0] === 127;
  return parsed.groups.every((group, index) => group === (index === 7 ? 1 : 0));
}

/** `localhost` and its subdomains (RFC 6761: they always mean this machine), in any case, with or without the root dot. */
export const isLocalhostName = (host: string): boolean => /^(?:[^.]+\.)*localhost\.*$/i.test(host) && !isIpAddress(host);
