/**
 * What the validation pipe does for a body DTO before (or instead of) class-transformer and class-validator:
 * - `normalise`: rewrites the parsed body first (say field names read case-insensitively), after the global
 *   interceptors (idempotency hashes the body as sent) and before validation, as an interceptor of the route did,
 *   without the cost of one more interceptor layer;
 * - `knownShape`: the DTO's common, known-good shape, checked by hand. A body of exactly that shape is built as
 *   class-transformer would build it (an instance of the DTO, fields in the body's order) without the full check,
 *   which cost a quarter of a millisecond of CPU per place-order; any other body goes through the full pipe, so
 *   every 400 and its wording stay the pipe's own. It must accept only bodies the DTO's rules accept and build
 *   what the pipe would build (see the spec of each).
 */
export interface BodyRules {
  normalise?: (body: object) => unknown;
  knownShape?: (body: unknown) => object | undefined;
}

const bodyRules = new Map<unknown, BodyRules>();

/** Registers a body DTO's rules (once, next to the DTO). */
export function registerBodyRules(dto: abstract new (...args: never[]) => object, rules: BodyRules): void {
  bodyRules.set(dto, rules);
}

export function bodyRulesOf(dto: unknown): BodyRules | undefined {
  return bodyRules.get(dto);
}

/** A plain JSON object whose own keys are all in `allowed` (and, if given, all of `required` present). */
export function isPlainWithKeys(
  value: unknown,
  allowed: ReadonlySet<string>,
  required: readonly string[] = [],
): boolean {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) if (!allowed.has(key)) return false;
  for (const key of required) if (!Object.hasOwn(value, key)) return false;
  return true;
}
