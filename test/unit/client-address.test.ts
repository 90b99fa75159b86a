import { describe, expect, it } from 'vitest';
import { limitedAddress } from '../../api/client-address';

describe('the address a per-address limit counts', () => {
  it('is an IPv6 client’s /64, however the address is written', () => {
    const one64 = [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:fffe',
      '2001:DB8:1:2:0:0:0:9',
      '2001:db8:1:2::1.2.3.4',
    ];
    expect(new Set(one64.map(limitedAddress))).toEqual(new Set(['2001:db8:1:2::/64']));
    expect(limitedAddress('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(limitedAddress('fe80::1%eth0')).toBe('fe80::/64');
  });

  it('is the IPv4 address itself, also when it reaches a dual-stack listener as IPv6', () => {
    expect(limitedAddress('198.51.100.7')).toBe('198.51.100.7');
    expect(limitedAddress('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(limitedAddress('::ffff:c633:6407')).toBe('198.51.100.7');
    expect(limitedAddress('198.51.100.8')).toBe('198.51.100.8');
  });
});
