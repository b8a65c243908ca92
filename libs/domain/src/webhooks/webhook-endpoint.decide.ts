import type { DomainContext } from '../shared/context';
import type { Decider } from '../shared/decider';
import { DomainError, IssueCollector } from '../shared/domain-error';
import type { WebhookEndpointCommand } from './webhook-endpoint.commands';
import type { WebhookEndpointEvent } from './webhook-endpoint.events';
import {
  evolveWebhookEndpoint,
  initialWebhookEndpointState,
  type WebhookEndpointState,
} from './webhook-endpoint.state';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-event-types';

export const WEBHOOK_URL_MAX = 2048;
export const WEBHOOK_DESCRIPTION_MAX = 200;

/** An absolute http(s) URL without credentials; https only when required (production). */
export function checkWebhookUrl(url: unknown, httpsOnly: boolean): string | { code: string; message: string } {
  if (typeof url !== 'string' || url.length === 0) return { code: 'invalid_url', message: 'url is required' };
  if (url.length > WEBHOOK_URL_MAX)
    return { code: 'invalid_url', message: `url has at most ${WEBHOOK_URL_MAX} characters` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { code: 'invalid_url', message: 'url must be an absolute URL such as https://finance.example.com/hooks' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return { code: 'invalid_url', message: 'url must be http:// or https://' };
  if (httpsOnly && parsed.protocol !== 'https:')
    return { code: 'https_required', message: 'url must be https:// in production' };
  if (parsed.username || parsed.password)
    return { code: 'invalid_url', message: 'url must not carry a user name or password' };
  if (parsed.hash) return { code: 'invalid_url', message: 'url must not carry a #fragment' };
  return parsed.toString();
}

function checkEventTypes(value: unknown): WebhookEventType[] | { code: string; message: string } {
  const list = `one or more of ${WEBHOOK_EVENT_TYPES.join(', ')}`;
  if (!Array.isArray(value) || value.length === 0)
    return { code: 'invalid_event_types', message: `eventTypes: ${list}` };
  const unknown = value.find((t) => !isWebhookEventType(t));
  if (unknown !== undefined)
    return { code: 'unknown_event_type', message: `unknown event type ${JSON.stringify(unknown)}; ${list}` };
  return [...new Set(value as WebhookEventType[])];
}

function checkDescription(value: unknown): string | null | { code: string; message: string } {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > WEBHOOK_DESCRIPTION_MAX)
    return {
      code: 'invalid_description',
      message: `description is text of at most ${WEBHOOK_DESCRIPTION_MAX} characters`,
    };
  return value.trim() || null;
}

const isIssue = (v: unknown): v is { code: string; message: string } =>
  typeof v === 'object' && v !== null && 'code' in v && 'message' in v;

function notFound(): DomainError {
  return new DomainError({
    code: 'webhook_endpoint_not_found',
    kind: 'not_found',
    detail: 'No webhook endpoint with this id.',
  });
}

type Live = Exclude<WebhookEndpointState, { status: 'none' }>;

/** The caller's own endpoint that is not deleted (another partner's is "not found", as everywhere). */
function own(state: WebhookEndpointState, partnerTenantId: string): Live {
  if (state.status === 'none' || state.status === 'deleted') throw notFound();
  if (state.partnerTenantId !== partnerTenantId.toLowerCase()) throw notFound();
  return state;
}

export const decideWebhookEndpoint = (
  command: WebhookEndpointCommand,
  state: WebhookEndpointState,
  ctx: DomainContext,
): WebhookEndpointEvent[] => {
  const at = ctx.now.toISOString();
  switch (command.type) {
    case 'RegisterWebhookEndpoint': {
      const d = command.data;
      if (state.status !== 'none') return [];
      const issues = new IssueCollector();
      const url = checkWebhookUrl(d.url, d.httpsOnly);
      const eventTypes = checkEventTypes(d.eventTypes);
      const description = checkDescription(d.description);
      if (isIssue(url)) issues.add('url', url.code, url.message);
      if (isIssue(eventTypes)) issues.add('eventTypes', eventTypes.code, eventTypes.message);
      if (isIssue(description)) issues.add('description', description.code, description.message);
      issues.throwIfAny();
      return [
        {
          type: 'WebhookEndpointRegistered',
          data: {
            endpointId: d.endpointId,
            partnerTenantId: d.partnerTenantId.toLowerCase(),
            url: url as string,
            eventTypes: eventTypes as WebhookEventType[],
            description: description as string | null,
            secretVersion: 1,
            registeredAt: at,
          },
        },
      ];
    }
    case 'UpdateWebhookEndpoint': {
      const d = command.data;
      const s = own(state, d.partnerTenantId);
      const issues = new IssueCollector();
      const url = d.url === undefined ? undefined : checkWebhookUrl(d.url, d.httpsOnly);
      const eventTypes = d.eventTypes === undefined ? undefined : checkEventTypes(d.eventTypes);
      const description = d.description === undefined ? undefined : checkDescription(d.description);
      if (isIssue(url)) issues.add('url', url.code, url.message);
      if (isIssue(eventTypes)) issues.add('eventTypes', eventTypes.code, eventTypes.message);
      if (isIssue(description)) issues.add('description', description.code, description.message);
      if (d.disabled !== undefined && typeof d.disabled !== 'boolean')
        issues.add('disabled', 'invalid_disabled', 'disabled is true or false');
      issues.throwIfAny();
      const events: WebhookEndpointEvent[] = [];
      const changes = {
        ...(url !== undefined && url !== s.url ? { url: url as string } : {}),
        ...(eventTypes !== undefined && (eventTypes as string[]).join() !== s.eventTypes.join()
          ? { eventTypes: eventTypes as WebhookEventType[] }
          : {}),
        ...(description !== undefined && description !== s.description
          ? { description: description as string | null }
          : {}),
      };
      const base = { endpointId: s.endpointId, partnerTenantId: s.partnerTenantId };
      if (Object.keys(changes).length > 0)
        events.push({ type: 'WebhookEndpointUpdated', data: { ...base, ...changes, updatedAt: at } });
      if (d.disabled === true && s.status === 'active')
        events.push({ type: 'WebhookEndpointDisabled', data: { ...base, reason: 'requested', disabledAt: at } });
      if (d.disabled === false && s.status === 'disabled')
        events.push({ type: 'WebhookEndpointEnabled', data: { ...base, enabledAt: at } });
      return events;
    }
    case 'DeleteWebhookEndpoint': {
      const s = own(state, command.data.partnerTenantId);
      return [
        {
          type: 'WebhookEndpointDeleted',
          data: { endpointId: s.endpointId, partnerTenantId: s.partnerTenantId, deletedAt: at },
        },
      ];
    }
    case 'RotateWebhookSecret': {
      const s = own(state, command.data.partnerTenantId);
      return [
        {
          type: 'WebhookSecretRotated',
          data: {
            endpointId: s.endpointId,
            partnerTenantId: s.partnerTenantId,
            secretVersion: s.secretVersion + 1,
            previousSecretExpiresAt: new Date(ctx.now.getTime() + command.data.overlapMs).toISOString(),
            rotatedAt: at,
          },
        },
      ];
    }
    case 'DisableWebhookEndpoint': {
      // The worker's: an endpoint already disabled or deleted stays as it is.
      if (state.status !== 'active') return [];
      return [
        {
          type: 'WebhookEndpointDisabled',
          data: {
            endpointId: state.endpointId,
            partnerTenantId: state.partnerTenantId,
            reason: command.data.reason,
            detail: command.data.detail,
            disabledAt: at,
          },
        },
      ];
    }
  }
};

export const webhookEndpointDecider: Decider<WebhookEndpointCommand, WebhookEndpointEvent, WebhookEndpointState> = {
  decide: decideWebhookEndpoint,
  evolve: evolveWebhookEndpoint,
  initialState: initialWebhookEndpointState,
};
