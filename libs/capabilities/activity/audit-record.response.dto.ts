import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { AUDIT_OPERATION_TYPES } from './projections/audit-operations';
import { CollectionDto, objectTypeAttributes } from '@csp/platform';

@ApiSchema({ name: 'CustomizedData' })
export class CustomizedDataDto {
  @ApiProperty({ example: 'OrderId' })
  key!: string;
  @ApiProperty({ example: '3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f' })
  value!: string;
}

@ApiSchema({ name: 'AuditRecord', description: 'One entry of the activity log (Partner Center’s audit record).' })
export class AuditRecordDto {
  @ApiProperty()
  id!: string;
  @ApiProperty({ format: 'uuid', description: 'The partner tenant' })
  partnerId!: string;
  @ApiProperty({ format: 'uuid' })
  customerId!: string;
  @ApiProperty({ example: 'Contoso Ltd' })
  customerName!: string;
  @ApiProperty({ example: 'admin@partner.example' })
  userPrincipalName!: string;
  @ApiProperty({ enum: [...AUDIT_OPERATION_TYPES] })
  operationType!: string;
  @ApiProperty({ format: 'date-time' })
  operationDate!: string;
  @ApiProperty({ example: 'succeeded' })
  operationStatus!: string;
  @ApiProperty({ type: [CustomizedDataDto], description: 'What the operation was about (never a product key)' })
  customizedData!: CustomizedDataDto[];
  @ApiProperty({ type: objectTypeAttributes('AuditRecord') })
  attributes!: { objectType: string };
}

export const AuditRecordCollectionDto = CollectionDto(AuditRecordDto, 'AuditRecordCollection', 'Newest first');
