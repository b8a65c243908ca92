import { DomainError } from '@csp/domain';
import { parseIfMatch } from './order-etag';

describe('parseIfMatch', () => {
  it('reads one strong or weak entity tag; none or * checks nothing', () => {
    expect(parseIfMatch('"3"')).toBe(3);
    expect(parseIfMatch('W/"12"')).toBe(12);
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toBeUndefined();
  });

  it.each(['3', '"a"', '"1", "2"', '"-1"'])('refuses %s naming If-Match', (value) => {
    expect(() => parseIfMatch(value)).toThrow(DomainError);
    try {
      parseIfMatch(value);
    } catch (e) {
      expect((e as DomainError).field).toBe('If-Match');
    }
  });
});
