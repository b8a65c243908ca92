import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, ApiSchema } from '@nestjs/swagger';
import { codeForStatus, problemType, titleForStatus } from './problem-details';

export const PROBLEM_SCHEMA = 'Problem';
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** OpenAPI description of a field error (documentation only). */
@ApiSchema({ name: 'FieldError', description: 'One bad field of the request.' })
export class FieldErrorDto {
  @ApiProperty({
    description: 'Path of the field in the body or the query parameter',
    example: 'lineItems[0].quantity',
  })
  field!: string;
  @ApiProperty({ example: 'lineItems[0].quantity must not be less than 1' })
  message!: string;
}

/** OpenAPI description of application/problem+json (documentation only; see ProblemDetails). */
@ApiSchema({
  name: PROBLEM_SCHEMA,
  description:
    'RFC 9457 problem details with a stable machine-readable `code`. Some problems add members (e.g. `closedAt` ' +
    'of `cancellation_window_passed`).',
})
export class ProblemDetailsDto {
  @ApiProperty({ description: '`urn:csp-orders:problem:{code}`', example: 'urn:csp-orders:problem:validation_failed' })
  type!: string;
  @ApiProperty({ example: 'Bad Request' })
  title!: string;
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 })
  status!: number;
  @ApiProperty({ example: 'lineItems[0].quantity must not be less than 1' })
  detail!: string;
  @ApiProperty({ description: 'Stable machine-readable snake_case code', example: 'validation_failed' })
  code!: string;
  @ApiPropertyOptional({ description: 'The request path', example: '/v1/customers' })
  instance?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'MS-CorrelationId of the request' })
  correlationId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'MS-RequestId of the request' })
  requestId?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Validation: every bad field' })
  errors?: FieldErrorDto[];
}

const MEANING: Record<number, string> = {
  400: 'Bad input: malformed JSON, an unknown field, a wrong type or an out-of-range value (`errors` names each field)',
  401: 'No bearer token, or a bad or expired one',
  403: 'The caller does not have a role this operation needs',
  404: 'Not found (another tenant’s resources are not found either)',
  409: 'The resource’s state refuses the command',
  410: 'Gone: revoked by a cancellation, expired or used up',
  412: '`If-Match` does not match the resource’s current ETag',
  413: 'The request body is larger than the limit',
  415: 'The request body’s media type is not accepted',
  422: 'Understood but refused by a business rule (`code` names it)',
  429: 'Over the per-tenant rate limit; retry after `Retry-After` seconds',
  503: 'A backing service is unavailable; retry after `Retry-After` seconds',
};

export type ProblemResponse = number | { status: number; description: string };

/** The OpenAPI response object of a problem status. */
export function problemResponseObject(
  status: number,
  description?: string,
): {
  description: string;
  content: Record<string, { schema: { $ref: string }; example: Record<string, unknown> }>;
} {
  const meaning = MEANING[status] ?? titleForStatus(status);
  return {
    description: description ? `${meaning}: ${description}` : meaning,
    content: {
      [PROBLEM_MEDIA_TYPE]: {
        schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA}` },
        example: EXAMPLES[status] ?? exampleOf(status, codeForStatus(status), `${titleForStatus(status)}.`),
      },
    },
  };
}

const exampleOf = (status: number, code: string, detail: string, extra: object = {}): Record<string, unknown> => ({
  type: problemType(code),
  title: titleForStatus(status),
  status,
  detail,
  code,
  ...extra,
});

/** A typical problem of each status, as the document's example. */
const EXAMPLES: Record<number, Record<string, unknown>> = {
  400: exampleOf(400, 'validation_failed', 'lineItems[0].quantity must not be less than 1', {
    errors: [{ field: 'lineItems[0].quantity', message: 'lineItems[0].quantity must not be less than 1' }],
  }),
  401: exampleOf(401, 'unauthorized', 'This operation needs a bearer token.'),
  403: exampleOf(403, 'forbidden', 'This operation needs one of the roles AdminAgent.'),
  404: exampleOf(404, 'order_not_found', 'No order 3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f was found.'),
  409: exampleOf(409, 'cancellation_window_passed', 'The cancellation window closed at 2024-07-01T10:00:00.000Z.', {
    closedAt: '2024-07-01T10:00:00.000Z',
  }),
  410: exampleOf(410, 'revoked', 'The software was cancelled: its key and links are revoked.'),
  422: exampleOf(422, 'request_id_reused', 'This MS-RequestId was used for another request.'),
  429: exampleOf(429, 'rate_limited', 'Too many requests: the limit is 500 per minute.'),
  503: exampleOf(503, 'service_unavailable', 'A backing service is unavailable; retry shortly.'),
};

/**
 * Documents problem+json responses with the shared `Problem` schema, e.g. `@ApiProblems(400, 404)` or, naming the
 * codes an operation gives, `@ApiProblems(400, { status: 409, description: '`domain_taken`' })`.
 */
export function ApiProblems(...responses: ProblemResponse[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto, FieldErrorDto),
    ...responses.map((r) => {
      const { status, description } = typeof r === 'number' ? { status: r, description: undefined } : r;
      return ApiResponse({ status, ...problemResponseObject(status, description) });
    }),
  );
}

/** The former name of ApiProblems. */
export const ApiProblemResponses = ApiProblems;
