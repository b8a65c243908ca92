import { ArgumentMetadata, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { bodyRulesOf } from './body-rules';
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

/** Nest's pipe, with the body rules a DTO registered (body-rules.ts): normalised first, a known shape built at once. */
class BodyRulesValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const rules = metadata.type === 'body' ? bodyRulesOf(metadata.metatype) : undefined;
    if (!rules) return super.transform(value, metadata);
    const body = rules.normalise && value && typeof value === 'object' ? rules.normalise(value) : value;
    // Only where the pipe builds DTO instances (transform), which is what a known shape returns.
    const built = this.isTransformEnabled ? rules.knownShape?.(body) : undefined;
    return built === undefined ? super.transform(body, metadata) : Promise.resolve(built);
  }
}

/**
 * The pipe every app uses: unknown fields refused, bodies turned into DTO instances,
 * and a 400 `validation_failed` naming every bad field.
 */
export function createValidationPipe(options: ValidationPipeOptions = {}): ValidationPipe {
  return new BodyRulesValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(flattenValidationErrors(errors)),
    ...options,
  });
}
