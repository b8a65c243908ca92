import fc from 'fast-check';
import { deciderSpec } from '../testing/decider-spec';
import { ctxAt, OFFERS, T0 } from '../testing/fixtures';
import { DomainError } from '../shared/domain-error';
import { FINGERPRINTS_PER_EVENT, MAX_KEYS_PER_IMPORT, planKeyImport, type ImportRow } from './key-import';
import { keyImportDecider } from './key-import.decide';
import type { KeyAssigned } from './key-pool.events';
import { isLow, keyPoolSettingsDecider, stockLevel } from './key-stock';
import { isMak, MAK_ALPHABET, maskMak, normalizeMak, shortFingerprint } from './mak-format';
import { activationsFor, poolKeyDecider, type Assignment } from './pool-key.decide';

const catalog = ctxAt(T0).catalog;
const PERPETUAL = OFFERS.wsStdPerpetual;
const KEY = 'BCDFG-HJKMP-QRTVW-XY234-6789B';
const fp = (n: number): string => n.toString(16).padStart(64, '0');
const row = (n: number, over: Partial<ImportRow> = {}): ImportRow => ({
  row: n,
  path: `keys[${n - 1}]`,
  offerId: PERPETUAL,
  version: '2022',
  productKey: KEY,
  fingerprint: fp(n),
  ...over,
});
const errorOf = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
};

describe('MAK format', () => {
  it('given five groups of five of the alphabet, then it is a MAK; anything else is not', () => {
    expect(isMak(KEY)).toBe(true);
    expect(isMak(normalizeMak(` ${KEY.toLowerCase()} `))).toBe(true);
    for (const bad of [
      '',
      'BCDFG-HJKMP-QRTVW-XY234',
      'ACDFG-HJKMP-QRTVW-XY234-6789B',
      `${KEY}-BCDFG`,
      KEY.replace(/-/g, ''),
    ])
      expect(isMak(bad)).toBe(false);
  });

  it('given any key, then its mask shows at most its last group and never looks like a key', () => {
    const char = fc.constantFrom(...MAK_ALPHABET.split(''));
    const group = fc.array(char, { minLength: 5, maxLength: 5 }).map((g) => g.join(''));
    fc.assert(
      fc.property(fc.array(group, { minLength: 5, maxLength: 5 }), (groups) => {
        const key = groups.join('-');
        const masked = maskMak(key);
        expect(masked).toBe(`XXXXX-…-${groups[4]}`);
        expect(masked).not.toMatch(/[A-Z0-9]{5}(-[A-Z0-9]{5}){4}/);
        expect(masked).not.toContain(groups.slice(0, 4).join('-'));
      }),
    );
    expect(maskMak('short')).toBe('XXXXX-…-');
  });

  it('then a short fingerprint is its first 8 hex characters', () => {
    expect(shortFingerprint(fp(255))).toBe('00000000');
  });
});

describe('planKeyImport (all or nothing)', () => {
  it('given valid rows, then they are planned with counts per offer and version', () => {
    const plan = planKeyImport([row(1), row(2, { version: '2019' }), row(3)], catalog, new Set());
    expect(plan.rows).toHaveLength(3);
    expect(plan.byOffer).toEqual([
      { offerId: PERPETUAL, version: '2022', count: 2 },
      { offerId: PERPETUAL, version: '2019', count: 1 },
    ]);
  });

  it('given bad rows, then one 400 names every bad row with its number and a masked key, never the key', () => {
    const e = errorOf(() =>
      planKeyImport(
        [
          row(1),
          row(2, { offerId: 'NOPE:0001:NOPE' }),
          row(3, { version: '1999' }),
          row(4, { productKey: 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE', fingerprint: undefined }),
          row(5, { fingerprint: fp(1) }),
          row(6, { fingerprint: fp(99) }),
          row(7, { offerId: 'DZH318Z0BQ3Q:00C8:DZH318Z0BQ3R' }),
          row(8, { offerId: KEY }),
        ],
        catalog,
        new Set([fp(99)]),
      ),
    );
    expect(e.kind).toBe('validation');
    expect(e.code).toBe('invalid_keys');
    expect(e.errors.map((i) => [i.field, i.code])).toEqual([
      ['keys[1].offerId', 'unknown_offer'],
      ['keys[2].version', 'unknown_version'],
      ['keys[3].productKey', 'malformed_key'],
      ['keys[4].productKey', 'duplicate_key'],
      ['keys[5].productKey', 'key_already_in_pool'],
      ['keys[6].offerId', 'offer_without_keys'],
      ['keys[7].offerId', 'unknown_offer'],
    ]);
    expect(e.data.rows).toEqual(
      expect.arrayContaining([{ row: 5, field: 'keys[4].productKey', code: 'duplicate_key', masked: 'XXXXX-…-6789B' }]),
    );
    expect(JSON.stringify(e)).not.toContain(KEY);
    expect(JSON.stringify(e)).not.toContain('AAAAA-BBBBB');
  });

  it('given no rows or more than the limit, then it is refused', () => {
    expect(errorOf(() => planKeyImport([], catalog, new Set())).code).toBe('empty_import');
    const many = { length: MAX_KEYS_PER_IMPORT + 1 } as unknown as ImportRow[];
    expect(errorOf(() => planKeyImport(many, catalog, new Set())).code).toBe('import_too_large');
  });
});

describe('keyImportDecider', () => {
  const spec = deciderSpec(keyImportDecider, () => ctxAt(T0));
  const by = { userId: 'u', upn: 'u@x', tenantId: 't' };
  it('given a new import, then it is recorded in chunks that carry fingerprints and counts, once', () => {
    const n = FINGERPRINTS_PER_EVENT + 5;
    const command = {
      type: 'RecordKeyImport' as const,
      data: {
        importId: 'i1',
        partnerTenantId: 't',
        byOffer: [{ offerId: PERPETUAL, version: '2022', count: n }],
        fingerprints: Array.from({ length: n }, (_, i) => fp(i)),
        importedBy: by,
      },
    };
    const events = spec.given([]).when(command).events();
    expect(events.map((e) => [e.data.chunk, e.data.chunks, e.data.fingerprints.length, e.data.count])).toEqual([
      [1, 2, FINGERPRINTS_PER_EVENT, n],
      [2, 2, 5, n],
    ]);
    spec.given(events).when(command).then([]);
  });
  it('given counts that do not add up, then it is refused', () => {
    spec
      .given([])
      .when({
        type: 'RecordKeyImport',
        data: { importId: 'i', partnerTenantId: 't', byOffer: [], fingerprints: [fp(1)], importedBy: by },
      })
      .thenThrows({ code: 'invalid_import' });
  });
});

describe('poolKeyDecider (assigned once, burnt on revocation)', () => {
  const spec = deciderSpec(poolKeyDecider, () => ctxAt(T0));
  const a: Assignment = {
    recordId: 'r1',
    partnerTenantId: 't',
    offerId: PERPETUAL,
    version: '2022',
    keyFingerprint: fp(7),
    orderId: 'o1',
    lineItemNumber: 0,
    activations: 3,
  };
  const assigned: KeyAssigned = { type: 'KeyAssigned', data: { ...a, at: T0.toISOString() } };
  const revoke = { type: 'RevokeKeyAssignment' as const, data: { recordId: 'r1', orderId: 'o1', lineItemNumber: 0 } };

  it('given an unassigned record, when assigned, then KeyAssigned names the line and fingerprint', () => {
    spec.given([]).when({ type: 'AssignKey', data: a }).then([assigned]);
  });
  it('given it is assigned, when the same line asks again, then nothing; another line is refused', () => {
    spec.given([assigned]).when({ type: 'AssignKey', data: a }).then([]);
    spec
      .given([assigned])
      .when({ type: 'AssignKey', data: { ...a, orderId: 'o2' } })
      .thenThrows({ code: 'key_already_assigned', kind: 'conflict' });
  });
  it('given it is assigned, when revoked, then KeyAssignmentRevoked once; a revoked key is gone', () => {
    const events = spec.given([assigned]).when(revoke).events();
    expect(events).toEqual([
      {
        type: 'KeyAssignmentRevoked',
        data: expect.objectContaining({ recordId: 'r1', keyFingerprint: fp(7), reason: 'order_cancelled' }),
      },
    ]);
    spec
      .given([assigned, ...events])
      .when(revoke)
      .then([]);
    spec
      .given([assigned, ...events])
      .when({ type: 'AssignKey', data: a })
      .thenThrows({ code: 'revoked', kind: 'gone' });
  });
  it('given an unassigned record or another line, when revoked, then it is refused', () => {
    spec.given([]).when(revoke).thenThrows({ code: 'key_not_assigned' });
    spec
      .given([assigned])
      .when({ ...revoke, data: { ...revoke.data, lineItemNumber: 1 } })
      .thenThrows({ code: 'key_assigned_elsewhere' });
  });
  it('then one MAK covers the quantity of its line', () => {
    expect(activationsFor(5)).toBe(5);
    spec
      .given([])
      .when({ type: 'AssignKey', data: { ...a, activations: 0 } })
      .thenThrows({ code: 'invalid_activations' });
  });
});

describe('stock and low watermark', () => {
  const spec = deciderSpec(keyPoolSettingsDecider, () => ctxAt(T0));
  const user = { userId: 'u', upn: 'u@x', tenantId: 't' };
  const set = (lowWatermark: unknown, version = '2022', offerId: string = PERPETUAL) => ({
    type: 'SetLowWatermark' as const,
    data: { partnerTenantId: 't', offerId, version, lowWatermark, user },
  });
  it('given available below the watermark, then the pool is low (at the watermark it is not)', () => {
    expect(isLow(4, 5)).toBe(true);
    expect(isLow(5, 5)).toBe(false);
    expect(isLow(0, 0)).toBe(false);
    expect(stockLevel(PERPETUAL, '2022', { available: 1, assigned: 2, revoked: 0, quarantined: 0 }, 2).low).toBe(true);
  });
  it('given a watermark, when set, then it is recorded; the same value again decides nothing', () => {
    const events = spec.given([]).when(set(25)).events();
    expect(events).toEqual([
      { type: 'KeyPoolLowWatermarkSet', data: expect.objectContaining({ lowWatermark: 25, version: '2022' }) },
    ]);
    spec.given(events).when(set(25)).then([]);
  });
  it('given a bad value, version or offer, then it is refused naming the field', () => {
    spec.given([]).when(set(-1)).thenThrows({ code: 'invalid_low_watermark', field: 'lowWatermark' });
    spec.given([]).when(set(1.5)).thenThrows({ code: 'invalid_low_watermark' });
    spec.given([]).when(set(1, '1999')).thenThrows({ code: 'unknown_version', field: 'version' });
    spec
      .given([])
      .when(set(1, '2022', 'NOPE:0001:NOPE'))
      .thenThrows({ code: 'unknown_offer', kind: 'not_found' });
  });
});
