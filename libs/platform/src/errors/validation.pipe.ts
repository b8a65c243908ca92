import { ArgumentMetadata, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { knownShapeOf } from './known-shape';
import { FieldError, ProblemException } from './problem-details';

/**
 * class-validator errors, flattened to one entry per failed constraint with the full path
 * (`lineItems[0].quantity`); unknown properties ("property X should not exist") name X.
 */
export function flattenValidationErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const path = joinPath(parent, e.property);
    for (const message of Object.values(e.constraints ?? {})) {
      out.push({ field: path || 'body', message: describe(message, e.property, path) });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, path));
  }
  return out;
}

function joinPath(parent: string, property: string | undefined): string {
  if (property === undefined || property === '') return parent;
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

/** class-validator starts messages with the bare property name; say the full path instead. */
function describe(message: string, property: string | undefined, path: string): string {
  if (property && path && path !== property && message.startsWith(`${property} `))
    return `${path}${message.slice(property.length)}`;
  if (property && message === `property ${property} should not exist`) return `property ${path} should not exist`;
  if (property && /^\d+$/.test(property) && message.startsWith(`${property}.`))
    return message.replace(`${property}.`, `${path}.`);
  return message;
}

export function validationProblem(errors: FieldError[]): ProblemException {
  const fields = [...new Set(errors.map((e) => e.field))];
  const detail =
    fields.length === 1
      ? `The field ${fields[0]} is invalid.`
      : `${fields.length} fields are invalid: ${fields.join(', ')}.`;
  return new ProblemException(400, 'validation_failed', detail, { title: 'Validation failed', errors });
}

/** Nest's pipe, but a body of its DTO's registered known-good shape (known-shape.ts) skips the full check. */
class KnownShapeValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Only where the pipe builds DTO instances (transform), which is what a known shape returns.
    const built =
      metadata.type === 'body' && this.isTransformEnabled ? knownShapeOf(metadata.metatype)?.(value) : undefined;
    return built === undefined ? super.transform(value, metadata) : Promise.resolve(built);
  }
}

/**
 * The pipe every app uses: unknown fields refused, bodies turned into DTO instances,
 * and a 400 `validation_failed` naming every bad field.
 */
export function createValidationPipe(options: ValidationPipeOptions = {}): ValidationPipe {
  return new KnownShapeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(flattenValidationErrors(errors)),
    ...options,
  });
}
