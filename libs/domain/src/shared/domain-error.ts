/**
 * Business-rule violations. A decider throws a DomainError; the HTTP layer (the platform's error mapping, the one
 * home of kind → status) maps `kind` to a status and `code` to the problem+json `code`. `errors` names every
 * bad field for validation failures.
 */
export type DomainErrorKind = 'validation' | 'forbidden' | 'not_found' | 'conflict' | 'gone' | 'unprocessable';

/** One bad field. `field` is a path such as `lineItems[1].quantity` or `contact.email`. */
export type FieldIssue = { field: string; message: string; code: string };

export type DomainErrorInit = {
  code: string;
  kind: DomainErrorKind;
  detail: string;
  field?: string;
  errors?: FieldIssue[];
  data?: Record<string, unknown>;
};

export class DomainError extends Error {
  readonly code: string;
  readonly kind: DomainErrorKind;
  readonly detail: string;
  readonly field?: string;
  readonly errors: FieldIssue[];
  /** Extra machine-readable data, e.g. `{ windowEndsAt }`. JSON-serialisable. */
  readonly data: Record<string, unknown>;

  constructor(init: DomainErrorInit) {
    super(init.detail);
    this.name = 'DomainError';
    this.code = init.code;
    this.kind = init.kind;
    this.detail = init.detail;
    this.field = init.field;
    this.errors = init.errors ?? (init.field ? [{ field: init.field, message: init.detail, code: init.code }] : []);
    this.data = init.data ?? {};
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      kind: this.kind,
      detail: this.detail,
      ...(this.field ? { field: this.field } : {}),
      ...(this.errors.length ? { errors: this.errors } : {}),
      ...this.data,
    };
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

export const validationError = (
  field: string,
  code: string,
  message: string,
  data?: Record<string, unknown>,
): DomainError => new DomainError({ code, kind: 'validation', detail: message, field, data });

/**
 * Turns a list of field issues into one 400 error naming every field.
 * The code is the issues' shared code when they all agree, else `validation_failed`.
 */
export const validationErrors = (issues: FieldIssue[], detail?: string): DomainError => {
  const codes = new Set(issues.map((i) => i.code));
  const code = codes.size === 1 ? issues[0].code : 'validation_failed';
  return new DomainError({
    code,
    kind: 'validation',
    detail:
      detail ??
      (issues.length === 1
        ? issues[0].message
        : `${issues.length} fields are invalid: ${issues.map((i) => i.field).join(', ')}`),
    field: issues.length === 1 ? issues[0].field : undefined,
    errors: issues,
  });
};

/** Collects field issues and throws them all at once. */
export class IssueCollector {
  readonly issues: FieldIssue[] = [];
  add(field: string, code: string, message: string): void {
    this.issues.push({ field, code, message });
  }
  get isEmpty(): boolean {
    return this.issues.length === 0;
  }
  throwIfAny(detail?: string): void {
    if (this.issues.length) throw validationErrors(this.issues, detail);
  }
}
