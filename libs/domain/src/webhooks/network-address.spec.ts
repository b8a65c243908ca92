import fc from 'fast-check';
import { classifyAddress } from './network-address';

describe('SSRF guard: which addresses a webhook may reach', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '64:ff9b::a00:1',
    '2002:7f00:1::',
  ])('given %s, then blocked', (ip) => expect(classifyAddress(ip)).toBe('blocked'));

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'given %s, then public',
    (ip) => expect(classifyAddress(ip)).toBe('public'),
  );

  it.each(['example.com', '1.2.3', '1.2.3.256', ':::1', '1::2::3'])('given %s, then not an IP literal', (text) =>
    expect(classifyAddress(text)).toBe('invalid'),
  );

  it('property: every IPv4 address is judged the same as its IPv4-mapped IPv6 form', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(classifyAddress(`::ffff:${ip}`)).toBe(classifyAddress(ip));
      }),
    );
  });

  it('property: every 10/8, 127/8 and 192.168/16 address is blocked', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('10', '127', '192.168'),
        fc.array(fc.nat({ max: 255 }), { minLength: 3, maxLength: 3 }),
        (head, rest) => {
          const ip = [head, ...rest].join('.').split('.').slice(0, 4).join('.');
          expect(classifyAddress(ip)).toBe('blocked');
        },
      ),
    );
  });
});
