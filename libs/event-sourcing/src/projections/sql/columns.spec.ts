import { arrayLiteral, columns, jsonColumn } from './columns';

describe('statement parameters by column', () => {
  it('quotes every element, escapes quotes and backslashes, and writes NULL for null and undefined', () => {
    expect(arrayLiteral(['a', '', 'NULL', 'x,y {z}', 'say "hi"', 'back\\slash', null, undefined])).toBe(
      '{"a","","NULL","x,y {z}","say \\"hi\\"","back\\\\slash",NULL,NULL}',
    );
  });

  it('writes numbers, booleans and instants as PostgreSQL reads them', () => {
    expect(arrayLiteral([1, 9007199254740991, true, false, new Date('2024-03-10T09:30:00.123Z')])).toBe(
      '{"1","9007199254740991","true","false","2024-03-10T09:30:00.123Z"}',
    );
    expect(arrayLiteral([])).toBe('{}');
  });

  it('gives one literal per key in key order, and JSON columns as one JSON array', () => {
    const rows = [
      { id: 'a', n: 1, doc: { k: ['v'] } },
      { id: 'b', n: 2, doc: { k: [] } },
    ];
    expect(columns(rows, ['n', 'id'])).toEqual(['{"1","2"}', '{"a","b"}']);
    expect(JSON.parse(jsonColumn(rows, 'doc'))).toEqual([{ k: ['v'] }, { k: [] }]);
  });
});
