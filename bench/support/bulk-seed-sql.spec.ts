import { buildSeedPlan, shapedUuid, sqlLiteral, substitutedText, type TemplateRow } from './bulk-seed-sql';

const PARTNER = '4bc3fb02-d5d0-408b-ac18-d9515fc1bb35';
const CUSTOMER = '4760418d-f23a-4ee5-98b2-c780cd113ce9';
const EVENT_V5 = '08b11209-fdff-555b-bd84-8b22aaa03c74';
const DOMAIN = 'bench-5b70424a-194.example.com';

const row = (over: Partial<TemplateRow>): TemplateRow => ({
  streamId: `customer-${CUSTOMER}`,
  streamPosition: 1,
  eventId: EVENT_V5,
  type: 'CustomerRegistered',
  data: `{"customerId": "${CUSTOMER}", "partnerTenantId": "${PARTNER}", "registeredAt": "2026-12-07T23:01:19.266Z"}`,
  metadata: `{"tenantId": "${PARTNER.toUpperCase()}"}`,
  recordedAt: new Date('2026-12-07T23:01:19.266Z'),
  ...over,
});

describe('substitutedText', () => {
  const guids = new Map([[CUSTOMER, 1]]);

  it('given a text with a GUID, a partner, an instant and a domain, when cut, then each becomes its substitute between literals', () => {
    const sql = substitutedText(
      `{"c": "${CUSTOMER.toUpperCase()}", "p": "${PARTNER}", "at": "2026-12-07T23:01:19.266Z", "d": "${DOMAIN}", "q": "it's"}`,
      guids,
      'PARTNER',
      'abc123',
    );
    expect(sql).toBe(
      [
        `'{"c": "'`,
        's.u[1]',
        `'", "p": "'`,
        'PARTNER',
        `'", "at": "'`,
        `to_char(('2026-12-07T23:01:19.266Z'::timestamptz + s.shift) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
        `'", "d": "'`,
        `'bench-abc123-' || s.g || '.example.com'`,
        `'", "q": "it''s"}'`,
      ].join(' || '),
    );
  });

  it('given an instant without fraction, when cut, then its substitute keeps that format', () => {
    expect(substitutedText('2026-12-07T23:01:19Z', guids, 'P', 's')).toContain(`'YYYY-MM-DD"T"HH24:MI:SS"Z"'`);
  });

  it('given a text without tokens or an empty one, when cut, then it is one literal', () => {
    expect(substitutedText('plain', guids, 'P', 's')).toBe(`'plain'`);
    expect(substitutedText('', guids, 'P', 's')).toBe(`''`);
  });
});

describe('shapedUuid', () => {
  it('given a version, when shaped, then that digit and the variant digit are placed as RFC 9562 has them', () => {
    const sql = shapedUuid('h', '5');
    expect(sql).toContain(`substr(h, 1, 12) || '5' || substr(h, 14, 3)`);
    expect(sql).toContain(`translate(substr(h, 17, 1), '0123456789abcdef', '89ab89ab89ab89ab')`);
    expect(() => shapedUuid('h', 'x')).toThrow(/bad UUID version/);
  });
});

describe('buildSeedPlan', () => {
  const template = [
    row({}),
    row({
      streamId: `order-11111111-2222-4333-8444-555555555555`,
      eventId: 'aa1d6609-d28c-4266-bbdb-9970d6cd2d42',
      type: 'OrderPlaced',
      data: `{"customerId": "${CUSTOMER}"}`,
      recordedAt: new Date('2026-12-07T23:01:20.000Z'),
    }),
  ];
  const plan = buildSeedPlan({ template, templatePartner: PARTNER, partners: [PARTNER, 'B-P'], salt: 'abc' });

  it('given a template, when planned, then as many whole sets as fit in one append go in one transaction', () => {
    expect(plan.perSet).toBe(2);
    expect(plan.setsPerTransaction).toBe(2048);
  });

  it('given a template, when planned, then positions derive from the transaction id as the store does', () => {
    expect(plan.sql).toContain('(pg_current_xact_id()::text::bigint << 12) + (src.g - $1::bigint) * 2 + src.ord - 1');
    expect(plan.sql).toContain('INSERT INTO es_streams (stream_id, version)');
    expect(plan.sql).toContain('SELECT stream_id, max(stream_position) FROM src GROUP BY stream_id');
  });

  it('given GUIDs of versions 4 and 5, when planned, then each keeps its version and the partner is not replaced', () => {
    // customer (v4), the v5 event id, the order (v4), the second event id (v4), numbered in that order.
    expect(plan.sql).toContain(`'001' || substr(h.x, 4), 1, 12) || '4'`);
    expect(plan.sql).toContain(`'002' || substr(h.x, 4), 1, 12) || '5'`);
    expect(plan.sql).toContain(`'004' || substr(h.x, 4), 1, 12) || '4'`);
    expect(plan.sql).not.toContain(`'005' ||`);
    expect(plan.sql).toContain(`(ARRAY[${sqlLiteral(PARTNER)}, 'b-p'])[1 + s.g % 2]`);
    expect(plan.sql).not.toContain(`"${PARTNER}"`);
  });

  it('given a template, when planned, then every stream position and type is carried over', () => {
    expect(plan.sql).toContain(`(1, 1, 'CustomerRegistered', '2026-12-07T23:01:19.266Z'::timestamptz)`);
    expect(plan.sql).toContain(`(2, 1, 'OrderPlaced', '2026-12-07T23:01:20.000Z'::timestamptz)`);
  });

  it('given no events, too many, no partners or a salt unfit for a domain, when planned, then it is refused', () => {
    expect(() => buildSeedPlan({ template, templatePartner: PARTNER, partners: [PARTNER], salt: 'a.b' })).toThrow(
      /salt/,
    );
    const many = Array.from({ length: 4097 }, () => row({}));
    expect(() => buildSeedPlan({ template: [], templatePartner: PARTNER, partners: [PARTNER], salt: 's' })).toThrow(
      /empty/,
    );
    expect(() => buildSeedPlan({ template: many, templatePartner: PARTNER, partners: [PARTNER], salt: 's' })).toThrow(
      /larger/,
    );
    expect(() => buildSeedPlan({ template, templatePartner: PARTNER, partners: [], salt: 's' })).toThrow(/no partners/);
  });
});
