import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DEVICE_GROUP_STATUSES, MAX_IMPORT_ROWS } from '@csp/domain';
import {
  ApiProblems,
  CurrentPrincipal,
  Idempotent,
  Principal,
  ProblemException,
  Collection,
  setPositionHeader,
  ApiPagingQueries,
  PagingQueries,
  type PagingQuery,
} from '@csp/platform';
import { Permit } from '@csp/capabilities/partners';
import { KmsMigrationPlanService } from './get-migration-plan/kms-migration-plan.service';
import { DEVICE_GROUPS_CSV_EXAMPLE } from './import-device-groups/device-groups.csv';
import { ImportDeviceGroupsCommand } from './import-device-groups/import-device-groups.command';
import {
  DeviceGroupCollectionResponseDto,
  DeviceGroupResponseDto,
  KmsMigrationPlanResponseDto,
} from './kms-migration.response.dto';
import { DeviceGroupView, KmsMigrationPlanView, kmsMigrationUri } from './kms-migration.view';
import { RecordMakDeploymentCommand } from './record-mak-deployment/record-mak-deployment.command';
import { RecordMakDeploymentRequestDto } from './record-mak-deployment/record-mak-deployment.request.dto';
import { RegisterDeviceGroupCommand } from './register-device-group/register-device-group.command';
import { RegisterDeviceGroupRequestDto } from './register-device-group/register-device-group.request.dto';

/**
 * A customer's KMS → MAK migration plan: device groups with their renewal deadline and status. Read by the
 * partner's AdminAgent and the customer's own GlobalAdmin, changed by the partner's AdminAgent only.
 */
@ApiTags('kms-migration')
@ApiBearerAuth()
@Controller('v1/customers/:customerId/kmsmigration')
export class KmsMigrationController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reads: KmsMigrationPlanService,
  ) {}

  @Get()
  @Permit('readKmsMigration')
  @ApiOperation({ summary: 'The migration plan: every device group with its deadline and status, counts per status' })
  @ApiOkResponse({ type: KmsMigrationPlanResponseDto })
  @ApiProblems(401, 403, 404)
  plan(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
  ): Promise<KmsMigrationPlanView> {
    return this.reads.plan(principal, customerId);
  }

  @Get('devicegroups')
  @Permit('readKmsMigration')
  @ApiOperation({ summary: 'The device groups (a collection), optionally of one status' })
  @ApiQuery({ name: 'status', required: false, enum: DEVICE_GROUP_STATUSES })
  @ApiPagingQueries({ minPosition: false })
  @ApiOkResponse({ type: DeviceGroupCollectionResponseDto })
  @ApiProblems(400, 401, 403, 404)
  groups(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @PagingQueries() paging: PagingQuery,
    @Query('status') status?: string,
  ): Promise<Collection<DeviceGroupView>> {
    return this.reads.groups(principal, customerId, status, paging);
  }

  @Post('devicegroups')
  @Idempotent()
  @Permit('writeKmsMigration')
  @ApiOperation({ summary: 'Register a device group: its last KMS activation fixes its renewal deadline' })
  @ApiBody({
    type: RegisterDeviceGroupRequestDto,
    examples: {
      office: {
        summary: 'An office’s PCs, covered by a CSP order',
        value: {
          name: 'Warsaw office PCs',
          deviceCount: 120,
          lastKmsActivationAt: '2024-03-01T08:00:00Z',
          coveringOrderId: '3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f',
        },
      },
    },
  })
  @ApiCreatedResponse({ type: DeviceGroupResponseDto })
  @ApiProblems(400, 401, 403, 404, { status: 409, description: 'a group of that name exists' }, 422)
  async register(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Body() body: RegisterDeviceGroupRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeviceGroupView> {
    const { group, position } = await this.commands.execute(
      new RegisterDeviceGroupCommand(principal, customerId, { ...body }),
    );
    setPositionHeader(reply, position);
    reply.header('Location', group.links.self.uri);
    return group;
  }

  @Post('devicegroups/import')
  @Idempotent()
  @Permit('writeKmsMigration')
  @ApiOperation({
    summary: 'Import device groups from CSV: all rows or none',
    description:
      `Columns (header row, any order): name, deviceCount, lastKmsActivationAt, coveringOrderId (optional); comma ` +
      `or semicolon separated; at most ${MAX_IMPORT_ROWS} rows. Every row is validated; one bad row refuses the ` +
      'whole file with a 400 naming each bad row and field (`rows[3].deviceCount`, rows counted from 0 after the ' +
      'header, the message quoting the line), and nothing is imported.',
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: DEVICE_GROUPS_CSV_EXAMPLE } })
  @ApiCreatedResponse({ type: DeviceGroupCollectionResponseDto, description: 'The groups imported' })
  @ApiProblems(400, 401, 403, 404, 409, 415, 422)
  async import(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Body() csv: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Collection<DeviceGroupView>> {
    if (typeof csv !== 'string')
      throw new ProblemException(415, 'unsupported_media_type', 'Send the device groups as text/csv.');
    const { groups, position } = await this.commands.execute(new ImportDeviceGroupsCommand(principal, customerId, csv));
    setPositionHeader(reply, position);
    const base = `${kmsMigrationUri(groups[0]?.customerId ?? customerId)}/devicegroups`;
    return {
      totalCount: groups.length,
      items: groups,
      links: { self: { uri: base, method: 'GET' } },
      attributes: { objectType: 'Collection' },
    };
  }

  @Get('devicegroups/:groupId')
  @Permit('readKmsMigration')
  @ApiOperation({ summary: 'One device group with its renewal deadline and status' })
  @ApiOkResponse({ type: DeviceGroupResponseDto })
  @ApiProblems(401, 403, 404)
  group(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Param('groupId') groupId: string,
  ): Promise<DeviceGroupView> {
    return this.reads.group(principal, customerId, groupId);
  }

  @Post('devicegroups/:groupId/makdeployments')
  @Idempotent()
  @Permit('writeKmsMigration')
  @ApiOperation({ summary: 'Record the MAK deployment of a group (by hand or with slmgr.vbs): the group is migrated' })
  @ApiBody({
    type: RecordMakDeploymentRequestDto,
    examples: {
      script: { summary: 'Deployed with slmgr.vbs', value: { method: 'script', deployedAt: '2024-07-01T10:00:00Z' } },
    },
  })
  @ApiCreatedResponse({ type: DeviceGroupResponseDto, description: 'The group, now migrated' })
  @ApiProblems(400, 401, 403, 404, { status: 409, description: 'already migrated' }, 422)
  async deploy(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Param('groupId') groupId: string,
    @Body() body: RecordMakDeploymentRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeviceGroupView> {
    const { group, position } = await this.commands.execute(
      new RecordMakDeploymentCommand(principal, customerId, groupId, body.method, body.deployedAt),
    );
    setPositionHeader(reply, position);
    return group;
  }
}
