import { keyset } from './paging';

describe('keyset', () => {
  it('orders by every key column in the direction of the list', () => {
    expect(
      keyset(
        [
          ['operation_date', 'timestamptz'],
          ['position', 'bigint'],
        ],
        'desc',
      ).orderBy,
    ).toBe('operation_date DESC, position DESC');
    expect(
      keyset(
        [
          ['cancelled_at', 'timestamptz'],
          ['id', 'text'],
        ],
        'asc',
      ).orderBy,
    ).toBe('cancelled_at ASC, id ASC');
  });

  it('gives the rows after a key as one row comparison, its values numbered after the parameters already there', () => {
    const params: unknown[] = ['partner', '2024-01-01'];
    const newestFirst = keyset(
      [
        ['operation_date', 'timestamptz'],
        ['position', 'bigint'],
      ],
      'desc',
    );
    expect(newestFirst.after(['2024-03-10T09:30:00.000Z', 42], params)).toBe(
      '(operation_date, position) < ($3::timestamptz, $4::bigint)',
    );
    expect(params).toEqual(['partner', '2024-01-01', '2024-03-10T09:30:00.000Z', 42]);
    expect(keyset([['position', 'bigint']], 'asc').after([7], [])).toBe('(position) > ($1::bigint)');
  });

  it('refuses a key of another length (a token of another list would compare the wrong columns)', () => {
    expect(() =>
      keyset(
        [
          ['position', 'bigint'],
          ['id', 'text'],
        ],
        'desc',
      ).after([1], []),
    ).toThrow(/2 parts/);
  });
});
