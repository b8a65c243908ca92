import { DuplicateEventIdError } from '@csp/event-store';
import { mapErrorToProblem } from '@csp/platform';
import { ProductKeyRevokedError } from './licensing.port';

describe('errors of the ports on the wire', () => {
  it('an event id stored with other content is 409 event_id_conflict, never a success or a 500', () => {
    expect(mapErrorToProblem(new DuplicateEventIdError('order-1', 'e-1'))).toMatchObject({
      status: 409,
      code: 'event_id_conflict',
      unexpected: false,
    });
  });

  it('a key the vendor revoked is 410 revoked', () => {
    expect(mapErrorToProblem(new ProductKeyRevokedError('o-1', 0))).toMatchObject({
      status: 410,
      code: 'revoked',
      unexpected: false,
    });
  });
});
