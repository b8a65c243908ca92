import 'reflect-metadata';
import { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { ProblemException } from './problem-details';
import { createValidationPipe } from './validation.pipe';

class LineItemDto {
  @IsInt() @Min(0) lineItemNumber!: number;
  @IsString() offerId!: string;
  @IsInt() @Min(1) quantity!: number;
}

class PlaceOrderDto {
  @ValidateNested({ each: true })
  @Type(() => LineItemDto)
  @ArrayMinSize(1)
  lineItems!: LineItemDto[];
}

const meta: ArgumentMetadata = { type: 'body', metatype: PlaceOrderDto };

async function problemOf(value: unknown): Promise<ProblemException> {
  try {
    await createValidationPipe().transform(value, meta);
  } catch (e) {
    expect(e).toBeInstanceOf(ProblemException);
    return e as ProblemException;
  }
  throw new Error('expected a validation failure');
}

describe('createValidationPipe', () => {
  it('returns a DTO instance for a good body', async () => {
    const dto = await createValidationPipe().transform(
      { lineItems: [{ lineItemNumber: 0, offerId: 'p:s:a', quantity: 2 }] },
      meta,
    );
    expect(dto).toBeInstanceOf(PlaceOrderDto);
    expect(dto.lineItems[0]).toBeInstanceOf(LineItemDto);
  });

  it('names every bad field with its nested path, unknown fields included', async () => {
    const e = await problemOf({
      extra: true,
      lineItems: [
        { lineItemNumber: 0, offerId: 'a', quantity: 0 },
        { lineItemNumber: 'x', quantity: 1, bogus: 1 },
      ],
    });
    expect(e.getStatus()).toBe(400);
    expect(e.code).toBe('validation_failed');
    const fields = e.errors!.map((x) => x.field);
    expect(new Set(fields)).toEqual(
      new Set([
        'extra',
        'lineItems[0].quantity',
        'lineItems[1].lineItemNumber',
        'lineItems[1].offerId',
        'lineItems[1].bogus',
      ]),
    );
    expect(e.errors).toContainEqual({ field: 'extra', message: 'property extra should not exist' });
    expect(e.errors).toContainEqual({
      field: 'lineItems[1].bogus',
      message: 'property lineItems[1].bogus should not exist',
    });
    expect(e.errors).toContainEqual({
      field: 'lineItems[0].quantity',
      message: 'lineItems[0].quantity must not be less than 1',
    });
    expect(e.detail).toMatch(/^5 fields are invalid/);
  });

  it('names every missing field of an empty body', async () => {
    const e = await problemOf(undefined);
    expect(e.errors!.map((x) => x.field)).toContain('lineItems');
  });
});
