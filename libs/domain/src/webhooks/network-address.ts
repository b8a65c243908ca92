/**
 * The SSRF guard's rule, pure: which IP addresses a webhook may be delivered to. Private, loopback, link-local,
 * carrier-grade NAT, multicast, reserved and unspecified addresses are refused (IPv4, IPv6 and IPv4-mapped IPv6).
 */

function ipv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : undefined;
}

/** Eight 16-bit groups, or undefined. Accepts `::` compression and a trailing dotted IPv4. */
function ipv6(text: string): number[] | undefined {
  let t = text.toLowerCase();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  const lastColon = t.lastIndexOf(':');
  if (t.includes('.')) {
    // A dotted IPv4 tail (::ffff:10.0.0.1) becomes its two hex groups.
    const v4 = lastColon >= 0 ? ipv4(t.slice(lastColon + 1)) : undefined;
    if (!v4) return undefined;
    t = `${t.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const group = (s: string): number[] | undefined => {
    if (s === '') return [];
    const gs = s.split(':');
    if (!gs.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
    return gs.map((g) => parseInt(g, 16));
  };
  const head = group(halves[0]);
  const rest = halves.length === 2 ? group(halves[1]) : [];
  if (!head || !rest) return undefined;
  const known = head.length + rest.length;
  if (halves.length === 1) return known === 8 ? head : undefined;
  if (known > 7) return undefined;
  return [...head, ...new Array<number>(8 - known).fill(0), ...rest];
}

function blockedV4([a, b, c]: number[]): boolean {
  return (
    a === 0 || // this network, unspecified
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local (cloud metadata)
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) || // IETF protocol assignments, TEST-NET-1
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113) ||
    a >= 224 // multicast, reserved, broadcast
  );
}

export type AddressVerdict = 'public' | 'blocked' | 'invalid';

/** Whether a webhook may connect to this IP address. */
export function classifyAddress(address: string): AddressVerdict {
  const v4 = ipv4(address);
  if (v4) return blockedV4(v4) ? 'blocked' : 'public';
  const v6 = ipv6(address);
  if (!v6) return 'invalid';
  const [g0, g1, g2, g3, g4, g5, g6, g7] = v6;
  const zeroTo5 = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (zeroTo5 && g5 === 0 && g6 === 0 && (g7 === 0 || g7 === 1)) return 'blocked'; // :: and ::1
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible addresses: judged as the IPv4 address they carry.
  if (zeroTo5 && (g5 === 0xffff || g5 === 0)) {
    return blockedV4([g6 >> 8, g6 & 255, g7 >> 8, g7 & 255]) ? 'blocked' : 'public';
  }
  if (g0 === 0x64 && g1 === 0xff9b) return blockedV4([g6 >> 8, g6 & 255, g7 >> 8, g7 & 255]) ? 'blocked' : 'public';
  if ((g0 & 0xfe00) === 0xfc00) return 'blocked'; // unique local
  if ((g0 & 0xffc0) === 0xfe80) return 'blocked'; // link-local
  if ((g0 & 0xff00) === 0xff00) return 'blocked'; // multicast
  if (g0 === 0x2001 && g1 === 0x0db8) return 'blocked'; // documentation
  if (g0 === 0x2002) return 'blocked'; // 6to4 can wrap any IPv4 address
  return 'public';
}

/** True for an address text that is an IP literal (not a host name). */
export const isIpLiteral = (host: string): boolean => classifyAddress(host) !== 'invalid';
