import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { CSV_STRINGIFY_OPTIONS, CsvValue, neutraliseCsvCell } from './csv-cell';

const DANGEROUS = ['=', '+', '-', '@', '\t', '\r'];
const cellArb: fc.Arbitrary<CsvValue> = fc.oneof(
  fc.string(),
  fc.tuple(fc.constantFrom(...DANGEROUS), fc.string()).map(([c, s]) => c + s),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

describe('neutraliseCsvCell', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `'=HYPERLINK("http://evil","x")`],
    ['+1+cmd|calc', `'+1+cmd|calc`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['\t=1', `'\t=1`],
    ['\r=1', `'\r=1`],
    [-5, `'-5`],
    ['Contoso, "Ltd"', 'Contoso, "Ltd"'],
    ['a=b', 'a=b'],
    ["'already", "'already"],
    [42, '42'],
    [true, 'true'],
    [null, ''],
    [undefined, ''],
    ['', ''],
  ])('given %p, writes %p', (given, expected) => {
    expect(neutraliseCsvCell(given)).toBe(expected);
  });

  it('never lets a cell start with a formula character, and changes nothing else', () => {
    fc.assert(
      fc.property(cellArb, (value) => {
        const cell = neutraliseCsvCell(value);
        expect(DANGEROUS).not.toContain(cell[0]);
        const text = value === null || value === undefined ? '' : String(value);
        expect(cell).toBe(DANGEROUS.includes(text[0] ?? '') ? `'${text}` : text);
      }),
    );
  });

  it('with the export settings, quotes every cell and parses back to the neutralised text', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cellArb, { minLength: 3, maxLength: 3 }), { maxLength: 5 }), (rows) => {
        const cells = rows.map((row) => row.map(neutraliseCsvCell));
        const csv = stringify(cells, { ...CSV_STRINGIFY_OPTIONS, header: true, columns: ['a', 'b', 'c'] });
        let unquoted = 0;
        const parsed = parse(csv, {
          columns: true,
          strict: true,
          cast: (value: string, context: { quoting: boolean }) => {
            if (!context.quoting) unquoted++;
            return value;
          },
        } as never) as Record<string, string>[];
        expect(parsed.map((r) => [r.a, r.b, r.c])).toEqual(cells);
        expect(unquoted).toBe(0);
      }),
    );
  });
});
