import fc from 'fast-check';
import { operatorCredentialOf, sameOrigin, tokenMatches } from './operator-credential';

const basic = (userAndPassword: string): string => `Basic ${Buffer.from(userAndPassword).toString('base64')}`;

describe('operator credential', () => {
  it('is the Bearer token, or the Basic password whatever the user name', () => {
    expect(operatorCredentialOf('Bearer abc.def')).toBe('abc.def');
    expect(operatorCredentialOf('bearer  abc ')).toBe('abc');
    expect(operatorCredentialOf(basic('ops:s3cret'))).toBe('s3cret');
    expect(operatorCredentialOf(basic(':s3cret'))).toBe('s3cret');
    expect(operatorCredentialOf(basic('ops:with:colons'))).toBe('with:colons');
  });

  it.each([undefined, '', 'Bearer', 'Bearer a b', 'Token abc', basic('no-colon'), basic('ops:'), 'Basic !!!'])(
    'is undefined for %p',
    (header) => expect(operatorCredentialOf(header)).toBeUndefined(),
  );

  it('matches only the exact token', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (token, other) => {
        expect(tokenMatches(token, token)).toBe(true);
        expect(tokenMatches(other, token)).toBe(other === token);
        expect(tokenMatches(`${token}x`, token)).toBe(false);
        expect(tokenMatches(token.slice(0, -1), token)).toBe(false);
      }),
    );
  });

  it('takes a change from no Origin or from the same host only', () => {
    expect(sameOrigin(undefined, 'ops.example:3000')).toBe(true);
    expect(sameOrigin('http://ops.example:3000', 'ops.example:3000')).toBe(true);
    expect(sameOrigin('https://evil.example', 'ops.example:3000')).toBe(false);
    expect(sameOrigin('null', 'ops.example:3000')).toBe(false);
  });
});
