import { databaseQueueName } from './database-queue-name';

describe('databaseQueueName', () => {
  it('given a database URL, then the queue is named after its database, made safe for Redis', () => {
    expect(databaseQueueName('kms', 'postgres://u@h:5432/csp_test_1')).toBe('kms-csp_test_1');
    expect(databaseQueueName('kms', 'postgres://u@h/a%20b:c')).toBe('kms-a_b_c');
  });
  it('given no database name or an unparsable URL, then the default name', () => {
    expect(databaseQueueName('purge', 'postgres://u@h:5432/')).toBe('purge-default');
    expect(databaseQueueName('purge', 'not a url')).toBe('purge-default');
  });
});
