import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_LOW_WATERMARK } from '@csp/domain';

@ApiSchema({ name: 'SetLowWatermarkRequest' })
export class SetLowWatermarkRequestDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_LOW_WATERMARK, example: 25, description: '0: never low' })
  @IsInt()
  @Min(0)
  @Max(MAX_LOW_WATERMARK)
  lowWatermark!: number;
}
