import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { titleForStatus } from './problem-details';

/** OpenAPI description of a field error (documentation only). */
export class FieldErrorDto {
  @ApiProperty({ example: 'lineItems[0].quantity' })
  field!: string;
  @ApiProperty({ example: 'lineItems[0].quantity must not be less than 1' })
  message!: string;
}

/** OpenAPI description of application/problem+json (documentation only). */
export class ProblemDetailsDto {
  @ApiProperty({ example: 'urn:csp-orders:problem:validation_failed' })
  type!: string;
  @ApiProperty({ example: 'Validation failed' })
  title!: string;
  @ApiProperty({ example: 400 })
  status!: number;
  @ApiProperty({ example: 'The field lineItems[0].quantity is invalid.' })
  detail!: string;
  @ApiProperty({ description: 'Stable machine-readable snake_case code', example: 'validation_failed' })
  code!: string;
  @ApiPropertyOptional({ description: 'The request path', example: '/v1/customers' })
  instance?: string;
  @ApiPropertyOptional({ format: 'uuid' })
  correlationId?: string;
  @ApiPropertyOptional({ format: 'uuid' })
  requestId?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] })
  errors?: FieldErrorDto[];
}

/** Documents problem+json responses, e.g. `@ApiProblemResponses(400, 401, 403, 404)`. */
export function ApiProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto, FieldErrorDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: titleForStatus(status),
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetailsDto' } } },
      }),
    ),
  );
}
