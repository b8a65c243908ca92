import { defaultDomainContext } from '../shared/default-data';
import { deciderSpec } from '../testing/decider-spec';
import { PARTNER, T0 } from '../testing/fixtures';
import { webhookEndpointDecider } from './webhook-endpoint.decide';
import type { WebhookEndpointCommand } from './webhook-endpoint.commands';
import type { WebhookEndpointRegistered } from './webhook-endpoint.events';
import { webhookMessagesOf } from './webhook-event-types';

const spec = deciderSpec(webhookEndpointDecider, () => defaultDomainContext(T0));
const ID = '44444444-4444-4444-8444-444444444444';
const OTHER = '55555555-5555-4555-8555-555555555555';
const register = (over: Record<string, unknown> = {}): WebhookEndpointCommand => ({
  type: 'RegisterWebhookEndpoint',
  data: {
    endpointId: ID,
    partnerTenantId: PARTNER,
    url: 'https://finance.example.com/hooks',
    eventTypes: ['credit.posted'],
    httpsOnly: true,
    ...over,
  },
});
const registered: WebhookEndpointRegistered = {
  type: 'WebhookEndpointRegistered',
  data: {
    endpointId: ID,
    partnerTenantId: PARTNER,
    url: 'https://finance.example.com/hooks',
    eventTypes: ['credit.posted'],
    description: null,
    secretVersion: 1,
    registeredAt: T0.toISOString(),
  },
};

describe('webhook endpoints', () => {
  it('given nothing, when registered, then WebhookEndpointRegistered with secret version 1 and no secret', () =>
    spec.given([]).when(register()).then([registered]));

  it('given an unknown event type, a plain-http URL in production and an overlong description, then 400 naming each', () => {
    const e = spec
      .given([])
      .when(
        register({
          url: 'http://finance.example.com',
          eventTypes: ['credit.posted', 'invoice.paid'],
          description: 'x'.repeat(201),
        }),
      )
      .thenError({ code: 'validation_failed', kind: 'validation' });
    expect(e.errors.map((i) => [i.field, i.code])).toEqual([
      ['url', 'https_required'],
      ['eventTypes', 'unknown_event_type'],
      ['description', 'invalid_description'],
    ]);
  });

  it('given a URL with credentials, then 400 url; outside production http:// is accepted', () => {
    spec
      .given([])
      .when(register({ url: 'https://u:p@example.com/' }))
      .thenThrows({ code: 'invalid_url', field: 'url' });
    spec
      .given([])
      .when(register({ url: 'http://127.0.0.1:9999/hook', httpsOnly: false }))
      .thenMatches(([e]) => expect(e.type).toBe('WebhookEndpointRegistered'));
  });

  it('given an endpoint, when another partner patches, rotates or deletes it, then 404', () => {
    for (const type of ['DeleteWebhookEndpoint', 'RotateWebhookSecret'] as const)
      spec
        .given([registered])
        .when({ type, data: { partnerTenantId: OTHER, overlapMs: 1 } } as WebhookEndpointCommand)
        .thenThrows({ code: 'webhook_endpoint_not_found', kind: 'not_found' });
  });

  it('given an endpoint, when rotated, then version 2 and the old secret expires after the overlap', () =>
    spec
      .given([registered])
      .when({ type: 'RotateWebhookSecret', data: { partnerTenantId: PARTNER, overlapMs: 86_400_000 } })
      .then([
        {
          type: 'WebhookSecretRotated',
          data: {
            endpointId: ID,
            partnerTenantId: PARTNER,
            secretVersion: 2,
            previousSecretExpiresAt: new Date(T0.getTime() + 86_400_000).toISOString(),
            rotatedAt: T0.toISOString(),
          },
        },
      ]));

  it('given an endpoint, when patched disabled then enabled, then Disabled(requested) then Enabled; a 410 disables once', () => {
    const patch = (disabled: boolean): WebhookEndpointCommand => ({
      type: 'UpdateWebhookEndpoint',
      data: { partnerTenantId: PARTNER, disabled, httpsOnly: true },
    });
    const [off] = spec.given([registered]).when(patch(true)).events();
    expect(off).toMatchObject({ type: 'WebhookEndpointDisabled', data: { reason: 'requested' } });
    spec
      .given([registered, off])
      .when(patch(false))
      .thenMatches(([on]) => expect(on.type).toBe('WebhookEndpointEnabled'));
    const gone: WebhookEndpointCommand = { type: 'DisableWebhookEndpoint', data: { reason: 'gone', detail: '410' } };
    spec
      .given([registered])
      .when(gone)
      .thenMatches(([e]) => expect(e).toMatchObject({ data: { reason: 'gone' } }));
    spec.given([registered, off]).when(gone).then([]);
  });

  it('given a deleted endpoint, then it is not found', () => {
    const [deleted] = spec
      .given([registered])
      .when({ type: 'DeleteWebhookEndpoint', data: { partnerTenantId: PARTNER } })
      .events();
    spec
      .given([registered, deleted])
      .when({ type: 'DeleteWebhookEndpoint', data: { partnerTenantId: PARTNER } })
      .thenThrows({ code: 'webhook_endpoint_not_found' });
  });
});

describe('webhook messages of an event', () => {
  const order = { partnerId: PARTNER, customerId: 'c', orderId: 'o' };
  it('given CancellationPropagated with two posted credits, then cancellation.propagated and one credit.posted per line', () => {
    const messages = webhookMessagesOf(
      { type: 'CancellationPropagated', position: 7, recordedAt: T0.toISOString() },
      order,
      [
        {
          lineItemNumber: 0,
          credit: { amount: '1.00', currencyCode: 'PLN' },
          period: '2026-12',
          originalPeriod: '2026-11',
        },
        { lineItemNumber: 1, credit: { amount: '2.00', currencyCode: 'PLN' }, period: '2026-12' },
      ],
    );
    expect(messages.map((m) => m.key)).toEqual(['cancellation.propagated', 'credit.posted:0', 'credit.posted:1']);
    expect(messages[1].payload).toEqual({
      type: 'credit.posted',
      timestamp: T0.toISOString(),
      data: {
        ...order,
        position: 7,
        lineItemNumber: 0,
        credit: { amount: '1.00', currencyCode: 'PLN' },
        period: '2026-12',
        originalPeriod: '2026-11',
      },
    });
  });
  it('given an event of another type, then no message', () =>
    expect(webhookMessagesOf({ type: 'KeyRevealed', position: 1, recordedAt: T0.toISOString() }, order)).toEqual([]));
});
