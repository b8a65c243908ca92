import { EventStoreUnavailableError } from '../event-store.port';
import { isConnectionError, toStoreError } from './postgres-errors';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('PostgreSQL connection error mapping', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006', '08001'])('%s means unavailable', (code) => {
    expect(isConnectionError(withCode(code))).toBe(true);
    expect(toStoreError(withCode(code), 'append')).toBeInstanceOf(EventStoreUnavailableError);
  });

  it('recognises pg client messages and aggregated connect errors', () => {
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isConnectionError(new AggregateError([withCode('ECONNREFUSED')], ''))).toBe(true);
  });

  it('leaves other errors alone', () => {
    const unique = withCode('23505');
    expect(isConnectionError(unique)).toBe(false);
    expect(toStoreError(unique, 'append')).toBe(unique);
    expect(isConnectionError('ECONNREFUSED')).toBe(false);
  });
});
