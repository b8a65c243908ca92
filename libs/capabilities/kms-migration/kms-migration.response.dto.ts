import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { DEVICE_GROUP_STATUSES, MAK_DEPLOYMENT_METHODS } from '@csp/domain';
import { CollectionDto, LinkDto } from '@csp/platform';

// OpenAPI descriptions of the responses (documentation only; the views are built in kms-migration.view.ts).

@ApiSchema({ name: 'MakDeployment' })
class MakDeploymentDto {
  @ApiProperty({ format: 'date-time' })
  deployedAt!: string;
  @ApiProperty({ enum: [...MAK_DEPLOYMENT_METHODS] })
  method!: string;
  @ApiProperty({ format: 'date-time' })
  recordedAt!: string;
  @ApiProperty({ description: 'Deployed before the renewal deadline: no downtime expected' })
  beforeDeadline!: boolean;
}

@ApiSchema({ name: 'RenewalWarnings' })
class RenewalWarningsDto {
  @ApiProperty({ format: 'date-time', nullable: true, description: 'When the dueSoon warning was recorded' })
  dueSoonAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, description: 'When the overdue warning was recorded' })
  overdueAt!: string | null;
}

@ApiSchema({ name: 'DeviceGroupLinks' })
class DeviceGroupLinksDto {
  @ApiProperty({ type: LinkDto })
  self!: LinkDto;
  @ApiProperty({ type: LinkDto })
  makDeployments!: LinkDto;
}

@ApiSchema({ name: 'DeviceGroup' })
export class DeviceGroupResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  customerId!: string;
  @ApiProperty({ example: 'Warsaw office PCs' })
  name!: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 120 })
  deviceCount!: number;
  @ApiProperty({ format: 'date-time' })
  lastKmsActivationAt!: string;
  @ApiProperty({ format: 'uuid', nullable: true })
  coveringOrderId!: string | null;
  @ApiProperty({ format: 'date-time', description: 'Start of the warning window (deadline − warningDays)' })
  dueSoonFrom!: string;
  @ApiProperty({ format: 'date-time', description: 'Last KMS activation + renewalDays (180)' })
  renewalDeadline!: string;
  @ApiProperty({
    enum: [...DEVICE_GROUP_STATUSES],
    description:
      'safe; dueSoon from dueSoonFrom; overdue from renewalDeadline; migrated once a MAK deployment is recorded',
  })
  status!: string;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Whole days to the deadline, rounded up; negative once overdue; null once migrated',
  })
  daysToDeadline!: number | null;
  @ApiProperty({ type: MakDeploymentDto, nullable: true })
  makDeployment!: MakDeploymentDto | null;
  @ApiProperty({ type: RenewalWarningsDto })
  warnings!: RenewalWarningsDto;
  @ApiProperty({ format: 'date-time' })
  registeredAt!: string;
  @ApiProperty({ enum: ['api', 'csvImport'] })
  source!: string;
  @ApiProperty({ example: '2024-01' })
  policyVersion!: string;
  @ApiProperty({ type: DeviceGroupLinksDto })
  links!: DeviceGroupLinksDto;
}

@ApiSchema({ name: 'StatusCount' })
class StatusCountDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  groups!: number;
  @ApiProperty({ type: 'integer', minimum: 0 })
  devices!: number;
}

@ApiSchema({ name: 'CountsByStatus' })
class CountsByStatusDto {
  @ApiProperty({ type: StatusCountDto })
  safe!: StatusCountDto;
  @ApiProperty({ type: StatusCountDto })
  dueSoon!: StatusCountDto;
  @ApiProperty({ type: StatusCountDto })
  overdue!: StatusCountDto;
  @ApiProperty({ type: StatusCountDto })
  migrated!: StatusCountDto;
}

@ApiSchema({ name: 'KmsMigrationPolicy' })
class KmsMigrationPolicyDto {
  @ApiProperty({ example: '2024-01' })
  version!: string;
  @ApiProperty({ example: 180 })
  renewalDays!: number;
  @ApiProperty({ example: 30 })
  warningDays!: number;
}

@ApiSchema({ name: 'KmsMigrationPlanLinks' })
class PlanLinksDto {
  @ApiProperty({ type: LinkDto })
  self!: LinkDto;
  @ApiProperty({ type: LinkDto })
  deviceGroups!: LinkDto;
  @ApiProperty({ type: LinkDto })
  import!: LinkDto;
}

@ApiSchema({ name: 'KmsMigrationPlan' })
export class KmsMigrationPlanResponseDto {
  @ApiProperty({ format: 'uuid' })
  customerId!: string;
  @ApiProperty({ format: 'date-time', description: 'The instant the statuses were computed for' })
  asOf!: string;
  @ApiProperty({ type: KmsMigrationPolicyDto, description: 'The rules new groups get' })
  policy!: KmsMigrationPolicyDto;
  @ApiProperty({ type: StatusCountDto })
  totals!: StatusCountDto;
  @ApiProperty({ type: CountsByStatusDto })
  countsByStatus!: CountsByStatusDto;
  @ApiProperty({ format: 'date-time', nullable: true, description: 'Earliest deadline of a group not yet migrated' })
  nextRenewalDeadline!: string | null;
  @ApiProperty({ type: [DeviceGroupResponseDto] })
  groups!: DeviceGroupResponseDto[];
  @ApiProperty({ type: PlanLinksDto })
  links!: PlanLinksDto;
}

export const DeviceGroupCollectionResponseDto = CollectionDto(DeviceGroupResponseDto, 'DeviceGroupCollection');
