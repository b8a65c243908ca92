import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DomainError, isWebhookEventType, validationError, WEBHOOK_EVENT_TYPES } from '@csp/domain';
import { ApiProblems, CurrentPrincipal, isGuid, Principal } from '@csp/platform';
import { Permit } from '@csp/capabilities/partners';
import { ApiPagingQueries, PagingQueries, withObjectType, type PagingQuery } from '@csp/platform';
import { setPositionHeader } from '@csp/platform';
import { ReadYourWrites } from '@csp/event-sourcing';
import { MIN_POSITION_QUERY } from '@csp/platform';
import { filteredCollection } from '@csp/platform';
import { WEBHOOK_DISPATCHER } from './dispatch/webhook-dispatcher.projection';
import {
  RegisterWebhookEndpointRequestDto,
  ReplayWebhookRequestDto,
  UpdateWebhookEndpointRequestDto,
} from './endpoints/webhook-endpoint.request.dto';
import { WebhookEndpointsService, type LiveEndpoint } from './endpoints/webhook-endpoints.service';
import { WebhookEndpointOwnerGuard } from './endpoints/webhook-endpoint-owner.guard';
import { WebhookDeliveriesService } from './deliveries/webhook-deliveries.service';
import {
  WebhookAttemptCollectionDto,
  WebhookDeliveryCollectionDto,
  WebhookEndpointCollectionDto,
  WebhookEndpointDto,
  WebhookEndpointWithSecretDto,
  WebhookResendDto,
  WebhookSecretRotationDto,
} from './webhooks.response.dto';

const view = (e: LiveEndpoint): WebhookEndpointDto => ({
  id: e.endpointId,
  url: e.url,
  eventTypes: e.eventTypes,
  description: e.description,
  disabled: e.status === 'disabled',
  disabledReason: e.disabledReason,
  secretVersion: e.secretVersion,
  createdAt: e.registeredAt,
});

const notFound = (what: string): DomainError =>
  new DomainError({ code: `webhook_${what}_not_found`, kind: 'not_found', detail: `No webhook ${what} with this id.` });

const endpointIdOf = (id: string): string => {
  if (!isGuid(id)) throw notFound('endpoint');
  return id.toLowerCase();
};

/** A delivery id as the service makes them; anything else (a NUL byte included) is not found, never sent to SQL. */
const deliveryIdOf = (id: string): string => {
  if (!/^msg_[0-9a-f]{32}$/.test(id)) throw notFound('delivery');
  return id;
};

const ENDPOINT_ID = { name: 'endpointId', schema: { type: 'string', format: 'uuid' } } as const;
const DELIVERY_ID = { name: 'deliveryId', schema: { type: 'string', pattern: '^msg_[0-9a-f]{32}$' } } as const;

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly deliveries: WebhookDeliveriesService,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Post('endpoints')
  @Permit('manageWebhooks')
  @ApiOperation({
    summary: 'Register a webhook endpoint: its secret is in this response only',
    description:
      'Deliveries are signed as Standard Webhooks specifies (webhook-id, webhook-timestamp, webhook-signature over ' +
      '`{id}.{timestamp}.{body}`). The URL must resolve to public addresses only (https:// in production).',
  })
  @ApiBody({
    type: RegisterWebhookEndpointRequestDto,
    examples: {
      credits: {
        summary: 'Posted credits to an ERP',
        value: { url: 'https://finance.example.com/hooks/csp', eventTypes: ['credit.posted'], description: 'ERP' },
      },
    },
  })
  @ApiCreatedResponse({ type: WebhookEndpointWithSecretDto })
  @ApiProblems({ status: 400, description: 'names url (bad, not https, not public) or eventTypes (unknown)' }, 401, 403)
  async register(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RegisterWebhookEndpointRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookEndpointWithSecretDto> {
    const { endpoint, position, secret } = await this.endpoints.register(principal, body);
    setPositionHeader(reply, position);
    reply.header('cache-control', 'no-store');
    return { ...view(endpoint), secret };
  }

  @Get('endpoints')
  @Permit('manageWebhooks')
  @ApiOperation({ summary: 'The partner’s webhook endpoints (no secrets)' })
  @ApiQuery(MIN_POSITION_QUERY)
  @ApiOkResponse({ type: WebhookEndpointCollectionDto })
  @ApiProblems(400, 401, 403)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('minPosition') minPosition?: string,
  ): Promise<InstanceType<typeof WebhookEndpointCollectionDto>> {
    const { page } = await this.readYourWrites.page(WEBHOOK_DISPATCHER, { minPosition }, async () => {
      const items = await this.deliveries.endpoints(principal);
      return { items, totalCount: items.length, continuationToken: null };
    });
    return filteredCollection('/v1/webhooks/endpoints', {}, page, page.items.length);
  }

  @Get('endpoints/:endpointId')
  // After AccessGuard (403 first), before the body is read (404 before 400).
  @UseGuards(WebhookEndpointOwnerGuard)
  @Permit('manageWebhooks')
  @ApiOperation({ summary: 'A webhook endpoint (no secret)' })
  @ApiParam(ENDPOINT_ID)
  @ApiOkResponse({ type: WebhookEndpointDto })
  @ApiProblems(401, 403, 404)
  async get(@CurrentPrincipal() principal: Principal, @Param('endpointId') id: string): Promise<WebhookEndpointDto> {
    return view(await this.endpoints.get(principal, endpointIdOf(id)));
  }

  @Patch('endpoints/:endpointId')
  // After AccessGuard (403 first), before the body is read (404 before 400).
  @UseGuards(WebhookEndpointOwnerGuard)
  @Permit('manageWebhooks')
  @ApiOperation({ summary: 'Change the URL or event types, or disable / enable an endpoint' })
  @ApiParam(ENDPOINT_ID)
  @ApiBody({
    type: UpdateWebhookEndpointRequestDto,
    examples: { pause: { summary: 'Pause deliveries', value: { disabled: true } } },
  })
  @ApiOkResponse({ type: WebhookEndpointDto })
  @ApiProblems({ status: 400, description: 'names each bad field' }, 401, 403, 404)
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('endpointId') id: string,
    @Body() body: UpdateWebhookEndpointRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookEndpointDto> {
    const { endpoint, position } = await this.endpoints.update(principal, endpointIdOf(id), body);
    setPositionHeader(reply, position);
    return view(endpoint);
  }

  @Delete('endpoints/:endpointId')
  // After AccessGuard (403 first), before the body is read (404 before 400).
  @UseGuards(WebhookEndpointOwnerGuard)
  @HttpCode(204)
  @Permit('manageWebhooks')
  @ApiOperation({ summary: 'Delete an endpoint: nothing more is delivered to it' })
  @ApiParam(ENDPOINT_ID)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(401, 403, 404)
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('endpointId') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    setPositionHeader(reply, await this.endpoints.remove(principal, endpointIdOf(id)));
  }

  @Post('endpoints/:endpointId/secret/rotate')
  // After AccessGuard (403 first), before the body is read (404 before 400).
  @UseGuards(WebhookEndpointOwnerGuard)
  @HttpCode(200)
  @Permit('manageWebhooks')
  @ApiOperation({
    summary: 'A new secret (in this response only); the old one keeps signing alongside for the overlap (24 h)',
  })
  @ApiParam(ENDPOINT_ID)
  @ApiOkResponse({ type: WebhookSecretRotationDto })
  @ApiProblems(401, 403, 404, { status: 412, description: 'another rotation got there first; retry' })
  async rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('endpointId') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookSecretRotationDto> {
    const r = await this.endpoints.rotate(principal, endpointIdOf(id));
    setPositionHeader(reply, r.position);
    reply.header('cache-control', 'no-store');
    return {
      secret: r.secret,
      secretVersion: r.endpoint.secretVersion,
      previousSecretExpiresAt: r.previousSecretExpiresAt,
    };
  }

  @Post('endpoints/:endpointId/replay')
  // After AccessGuard (403 first), before the body is read (404 before 400).
  @UseGuards(WebhookEndpointOwnerGuard)
  @HttpCode(202)
  @Permit('manageWebhooks')
  @ApiOperation({
    summary: 'Resend the endpoint’s deliveries of a range of events (new attempts, the same webhook-id)',
    description: 'Exactly one of `fromPosition` (global event position) and `since` (when the event was recorded).',
  })
  @ApiParam(ENDPOINT_ID)
  @ApiBody({
    type: ReplayWebhookRequestDto,
    examples: { outage: { summary: 'After an outage', value: { since: '2026-12-01T00:00:00Z' } } },
  })
  @ApiAcceptedResponse({ type: WebhookResendDto })
  @ApiProblems({ status: 400, description: 'neither or both of fromPosition and since' }, 401, 403, 404)
  async replay(
    @CurrentPrincipal() principal: Principal,
    @Param('endpointId') id: string,
    @Body() body: ReplayWebhookRequestDto,
  ): Promise<WebhookResendDto> {
    if ((body.fromPosition === undefined) === (body.since === undefined))
      throw validationError('fromPosition', 'replay_range_required', 'give exactly one of fromPosition and since');
    const endpointId = endpointIdOf(id);
    await this.endpoints.get(principal, endpointId);
    return { queued: await this.deliveries.replay(principal, endpointId, body) };
  }

  @Get('deliveries')
  @Permit('manageWebhooks')
  @ApiOperation({ summary: 'Deliveries, newest first, by endpoint, status and event type' })
  @ApiQuery({ name: 'endpointId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'succeeded', 'failed'] })
  @ApiQuery({ name: 'eventType', required: false, enum: [...WEBHOOK_EVENT_TYPES] })
  @ApiPagingQueries()
  @ApiOkResponse({ type: WebhookDeliveryCollectionDto })
  @ApiProblems({ status: 400, description: 'a bad filter' }, 401, 403)
  async deliveryList(
    @CurrentPrincipal() principal: Principal,
    @PagingQueries() paging: PagingQuery,
    @Query('endpointId') endpointId?: string,
    @Query('status') status?: string,
    @Query('eventType') eventType?: string,
  ): Promise<InstanceType<typeof WebhookDeliveryCollectionDto>> {
    if (endpointId !== undefined && !isGuid(endpointId))
      throw validationError('endpointId', 'invalid_endpoint_id', 'endpointId is an endpoint’s id (a GUID)');
    if (status !== undefined && !['pending', 'succeeded', 'failed'].includes(status))
      throw validationError('status', 'invalid_status', 'status is pending, succeeded or failed');
    if (eventType !== undefined && !isWebhookEventType(eventType))
      throw validationError('eventType', 'unknown_event_type', `eventType is one of ${WEBHOOK_EVENT_TYPES.join(', ')}`);
    const filter = { endpointId: endpointId?.toLowerCase(), status, eventType };
    const { page, size } = await this.readYourWrites.page(WEBHOOK_DISPATCHER, paging, async (p) => {
      const found = await this.deliveries.deliveries(principal, filter, p.size, p.continuationToken);
      // The count is the page's: deliveries are not counted across pages.
      return { ...found, totalCount: found.items.length };
    });
    const items = page.items.map(withObjectType('WebhookDelivery'));
    return filteredCollection('/v1/webhooks/deliveries', filter, { ...page, items }, size);
  }

  @Get('deliveries/:deliveryId/attempts')
  @Permit('manageWebhooks')
  @ApiOperation({ summary: 'Every attempt of a delivery: status code, duration, first 1 KB of the response, error' })
  @ApiParam(DELIVERY_ID)
  @ApiOkResponse({ type: WebhookAttemptCollectionDto })
  @ApiProblems(401, 403, 404)
  async attempts(
    @CurrentPrincipal() principal: Principal,
    @Param('deliveryId') deliveryId: string,
  ): Promise<InstanceType<typeof WebhookAttemptCollectionDto>> {
    const items = await this.deliveries.attempts(principal, deliveryIdOf(deliveryId));
    if (!items) throw notFound('delivery');
    const uri = `/v1/webhooks/deliveries/${deliveryId}/attempts`;
    return {
      totalCount: items.length,
      items,
      links: { self: { uri, method: 'GET' } },
      attributes: { objectType: 'Collection' },
    };
  }

  @Post('deliveries/:deliveryId/retry')
  @HttpCode(202)
  @Permit('manageWebhooks')
  @ApiOperation({ summary: 'Send a delivery again now (a new attempt series, the same webhook-id)' })
  @ApiParam(DELIVERY_ID)
  @ApiAcceptedResponse({ type: WebhookResendDto })
  @ApiProblems(401, 403, 404)
  async retry(
    @CurrentPrincipal() principal: Principal,
    @Param('deliveryId') deliveryId: string,
  ): Promise<WebhookResendDto> {
    const queued = await this.deliveries.retry(principal, deliveryIdOf(deliveryId));
    if (queued === 0) throw notFound('delivery');
    return { queued };
  }
}
