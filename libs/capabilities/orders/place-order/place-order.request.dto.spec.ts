import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import fc from 'fast-check';
import { createValidationPipe } from '@csp/platform';
import { PlaceOrderRequestDto } from './place-order.request.dto';

const pipe = createValidationPipe();
const metadata: ArgumentMetadata = { type: 'body', metatype: PlaceOrderRequestDto, data: '' };
/** The pipe's full check (class-transformer + class-validator), bypassing the known shape. */
const fullCheck = (body: unknown) => ValidationPipe.prototype.transform.call(pipe, body, metadata);

/** A body as the HTTP layer parses it (JSON.parse of this realm: structuredClone's objects are another's). */
const jsonClone = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

/** Prototype, own keys in order and values, all the way down: what `{ ...dto }` and JSON would see. */
function describeDeep(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.keys(value).map((k) => [k, describeDeep((value as Record<string, unknown>)[k])]);
  return { proto: Object.getPrototypeOf(value)?.constructor?.name, entries };
}

const value = fc.oneof(
  fc.integer({ min: -3, max: 20_000 }),
  fc.double({ noNaN: true, min: -2, max: 3 }),
  fc.string({ maxLength: 8 }),
  fc.constant(null),
  fc.boolean(),
);
const line = fc.dictionary(
  fc.constantFrom('lineItemNumber', 'offerId', 'quantity', 'friendlyName', 'extra', 'constructor'),
  fc.oneof(value, fc.string({ maxLength: 12 })),
);
const goodLine = fc.record({
  lineItemNumber: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: -2, max: 60 }) }, value),
  offerId: fc.oneof({ weight: 9, arbitrary: fc.string({ maxLength: 40 }) }, value),
  quantity: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: -2, max: 20_000 }) }, value),
});
const text = fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 8 }) }, value);
const lines = fc.oneof(
  fc.array(fc.oneof({ weight: 9, arbitrary: goodLine }, { weight: 1, arbitrary: line }), { maxLength: 4 }),
  fc.array(goodLine, { minLength: 99, maxLength: 101 }),
);
const body = fc.oneof(
  fc.record({ lineItems: lines }),
  fc.record(
    { lineItems: lines, referenceCustomerId: text, billingCycle: text, currencyCode: text },
    { requiredKeys: ['lineItems'] },
  ),
  fc.dictionary(
    fc.constantFrom('lineItems', 'referenceCustomerId', 'billingCycle', 'currencyCode', 'id', 'unknown'),
    fc.oneof(value, fc.array(line, { maxLength: 3 })),
  ),
);

/** Bodies of the known shape only: each must take the fast path. */
const knownLine = fc.record({
  lineItemNumber: fc.integer({ min: -2, max: 60 }),
  offerId: fc.string({ maxLength: 40 }),
  quantity: fc.integer({ min: -2, max: 20_000 }),
});
const knownBody = fc.record(
  {
    lineItems: fc.array(knownLine, { minLength: 1, maxLength: 100 }),
    referenceCustomerId: fc.string({ maxLength: 40 }),
    billingCycle: fc.string({ maxLength: 8 }),
    currencyCode: fc.string({ maxLength: 3 }),
  },
  { requiredKeys: ['lineItems'] },
);

/** The pipe's answer, and whether it took the full check. */
async function answer(check: (b: unknown) => Promise<unknown>, b: unknown) {
  const spy = jest.spyOn(ValidationPipe.prototype, 'transform');
  try {
    const outcome = await check(jsonClone(b)).then(
      (dto: unknown) => ({ dto: describeDeep(dto) }),
      (error: { getResponse?: () => unknown }) => ({ error: error.getResponse?.() ?? String(error) }),
    );
    return { outcome, full: spy.mock.calls.length > 0 };
  } finally {
    spy.mockRestore();
  }
}

describe('PlaceOrderRequestDto known shape', () => {
  it('builds the common body without the full check, exactly as the full check builds it', async () => {
    const plain = { lineItems: [{ lineItemNumber: 0, offerId: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW', quantity: 1 }] };
    const spy = jest.spyOn(ValidationPipe.prototype, 'transform');
    const built = await pipe.transform(jsonClone(plain), metadata);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    expect(built).toBeInstanceOf(PlaceOrderRequestDto);
    expect(describeDeep(built)).toEqual(describeDeep(await fullCheck(jsonClone(plain))));
  });

  it('reads Partner Center’s PascalCase names as the documented ones first (then the known shape applies)', async () => {
    const pascal = { LineItems: [{ LineItemNumber: 0, OfferId: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW', Quantity: 2 }] };
    const plain = { lineItems: [{ lineItemNumber: 0, offerId: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW', quantity: 2 }] };
    expect(describeDeep(await pipe.transform(jsonClone(pascal), metadata))).toEqual(
      describeDeep(await fullCheck(jsonClone(plain))),
    );
  });

  it('answers as the full check does for any body: the same instance, or the same 400', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const full = await answer(fullCheck, b);
        const ours = await answer((x) => pipe.transform(x, metadata), b);
        expect(ours.outcome).toEqual(full.outcome);
      }),
      { numRuns: 200 },
    );
    // Not a timed assertion: room for class-validator's 100-line bodies on a loaded machine.
  }, 120_000);

  it('takes the fast path for every body of the known shape, and builds what the full check builds', async () => {
    await fc.assert(
      fc.asyncProperty(knownBody, async (b) => {
        const ours = await answer((x) => pipe.transform(x, metadata), b);
        expect(ours.full).toBe(false);
        expect(ours.outcome).toEqual((await answer(fullCheck, b)).outcome);
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
