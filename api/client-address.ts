import ipaddr from 'ipaddr.js';

/**
 * What a per-address limit counts a client as. One IPv6 subscriber usually holds a whole /64 and
 * can pick any address in it, so IPv6 clients are counted by their /64; an IPv4 client reaching
 * a dual-stack listener (`::ffff:a.b.c.d`) is the IPv4 address it is.
 */
export function limitedAddress(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const parsed = ipaddr.process(ip);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/64`);
  return `${network.toString()}/64`;
}
