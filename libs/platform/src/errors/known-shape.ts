/**
 * A DTO's common, known-good shape, checked by hand: a body of exactly that shape is built as class-transformer
 * would build it (an instance of the DTO, fields in the body's order) without class-transformer and
 * class-validator, which cost a quarter of a millisecond of CPU per place-order. Anything else (or nothing
 * registered) goes through the full pipe, so every 400 and its wording are the pipe's own.
 * A check must accept only bodies the DTO's rules accept, and build what the pipe would build (see the spec).
 */
export type KnownShape = (body: unknown) => object | undefined;

const knownShapes = new Map<unknown, KnownShape>();

/** Registers the known-good shape of a body DTO (once, next to the DTO). */
export function registerKnownShape(dto: abstract new (...args: never[]) => object, build: KnownShape): void {
  knownShapes.set(dto, build);
}

export function knownShapeOf(dto: unknown): KnownShape | undefined {
  return knownShapes.get(dto);
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
