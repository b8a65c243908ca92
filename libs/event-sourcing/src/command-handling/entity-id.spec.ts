import { runWithRequestContext, type Principal, type RequestContext } from '@csp/platform';
import { newEntityId } from './entity-id';

const request = (over: Partial<RequestContext>): RequestContext => ({
  correlationId: 'c-1',
  requestId: 'req-1',
  requestIdProvided: true,
  ...over,
});
const caller = (tenantId: string, userId: string) => ({ tenantId, userId }) as Principal;

describe('newEntityId', () => {
  it('given no MS-RequestId (or no request), then a fresh random id each time', () => {
    expect(newEntityId('order')).not.toBe(newEntityId('order'));
    const unasked = request({ requestIdProvided: false });
    expect(runWithRequestContext(unasked, () => newEntityId('order'))).not.toBe(
      runWithRequestContext(unasked, () => newEntityId('order')),
    );
  });

  it('pins the ids already stored: a retried request derives the same id as every earlier release', () => {
    // Computed with the uuid package's string v5 before it was handed bytes; a change would twin retried creates.
    const derive = (ctx: RequestContext, kind: string) => runWithRequestContext(ctx, () => newEntityId(kind));
    const partner = caller('3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f', 'user-1');
    expect(derive(request({ requestId: 'REQ-1', principal: partner }), 'order')).toBe(
      'a45e8ecc-fdbc-5146-b322-288b1f03b684',
    );
    expect(derive(request({ requestId: '0f8fad5b-d9cb-469f-a165-70867728950e' }), 'support')).toBe(
      '59a44eb3-dc4b-5bc8-98bf-48505bd27f16',
    );
    expect(derive(request({ requestId: 'r', principal: caller('t', 'Zoë') }), 'customer')).toBe(
      'e167803d-6e33-53ba-a5be-ad7d1e9fa77d',
    );
  });
});
