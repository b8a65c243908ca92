import { Injectable } from '@nestjs/common';
import { AppConfig, type Principal } from '@csp/platform';
import {
  checkWebhookUrl,
  DomainError,
  webhookEndpointDecider,
  type WebhookEndpointCommand,
  type WebhookEndpointState,
} from '@csp/domain';
import { newEntityId, StreamCommands } from '@csp/event-sourcing';
import { checkWebhookTarget } from '../delivery/ssrf-guard';
import { newWebhookSecret, WebhookSecretVault } from '../store/webhook-secret.vault';

export type LiveEndpoint = Exclude<WebhookEndpointState, { status: 'none' }>;

export interface EndpointResult {
  endpoint: LiveEndpoint;
  position?: number;
}

const notFound = (): DomainError =>
  new DomainError({
    code: 'webhook_endpoint_not_found',
    kind: 'not_found',
    detail: 'No webhook endpoint with this id.',
  });

/**
 * The endpoint commands. The URL is checked by the domain (syntax, https in production) and then against DNS
 * (SSRF guard); the secret is generated here, stored encrypted before the event is appended, and shown once.
 */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly streams: StreamCommands,
    private readonly vault: WebhookSecretVault,
    private readonly config: AppConfig,
  ) {}

  private get settings() {
    return this.config.webhooks;
  }

  /** Pure checks first (400 naming every field), then DNS: nothing is written for a refused URL. */
  private async checkUrl(url: unknown): Promise<void> {
    const checked = checkWebhookUrl(url, this.settings.httpsOnly);
    if (typeof checked === 'string') await checkWebhookTarget(checked, this.settings.allowPrivateNetworks);
  }

  async register(
    principal: Principal,
    body: { url: unknown; eventTypes: unknown; description?: unknown },
  ): Promise<EndpointResult & { secret: string }> {
    const endpointId = newEntityId('webhook-endpoint');
    const command: WebhookEndpointCommand = {
      type: 'RegisterWebhookEndpoint',
      data: {
        endpointId,
        partnerTenantId: principal.tenantId.toLowerCase(),
        url: body.url,
        eventTypes: body.eventTypes,
        description: body.description,
        httpsOnly: this.settings.httpsOnly,
      },
    };
    webhookEndpointDecider.decide(command, webhookEndpointDecider.initialState(), this.streams.context());
    await this.checkUrl(body.url);
    let secret = newWebhookSecret();
    const result = await this.streams.handle('webhookEndpoint', endpointId, command, {
      expectNewStream: true,
      beforeAppend: async () => (secret = await this.vault.putIfAbsent(endpointId, 1, secret)),
    });
    const endpoint = result.state as LiveEndpoint;
    // A retried request (same MS-RequestId) answers with the secret it was shown the first time.
    const shown = result.replayed ? (await this.vault.get(endpointId, [1]))[0] : secret;
    return { endpoint, position: result.position, secret: shown };
  }

  async get(principal: Principal, endpointId: string): Promise<LiveEndpoint> {
    const loaded = await this.streams.load('webhookEndpoint', endpointId);
    const s = loaded.state;
    if (s.status === 'none' || s.status === 'deleted' || s.partnerTenantId !== principal.tenantId.toLowerCase())
      throw notFound();
    return s;
  }

  async update(
    principal: Principal,
    endpointId: string,
    body: { url?: unknown; eventTypes?: unknown; description?: unknown; disabled?: unknown },
  ): Promise<EndpointResult> {
    await this.get(principal, endpointId);
    const command: WebhookEndpointCommand = {
      type: 'UpdateWebhookEndpoint',
      data: { partnerTenantId: principal.tenantId, ...body, httpsOnly: this.settings.httpsOnly },
    };
    if (body.url !== undefined) {
      // Field errors first, then DNS, as at registration.
      const loaded = await this.streams.load('webhookEndpoint', endpointId);
      webhookEndpointDecider.decide(command, loaded.state, this.streams.context());
      await this.checkUrl(body.url);
    }
    const result = await this.streams.handle('webhookEndpoint', endpointId, command);
    return { endpoint: result.state as LiveEndpoint, position: result.position };
  }

  async remove(principal: Principal, endpointId: string): Promise<number | undefined> {
    const result = await this.streams.handle('webhookEndpoint', endpointId, {
      type: 'DeleteWebhookEndpoint',
      data: { partnerTenantId: principal.tenantId },
    });
    return result.position;
  }

  /**
   * A new secret, stored before the event that makes it current; the previous one keeps signing until the overlap
   * ends. Decided on the revision read, so a racing rotation is a 412 rather than a secret stored under the wrong
   * version.
   */
  async rotate(
    principal: Principal,
    endpointId: string,
  ): Promise<EndpointResult & { secret: string; previousSecretExpiresAt: string }> {
    const loaded = await this.streams.load('webhookEndpoint', endpointId);
    const s = loaded.state;
    if (s.status === 'none' || s.status === 'deleted' || s.partnerTenantId !== principal.tenantId.toLowerCase())
      throw notFound();
    const version = s.secretVersion + 1;
    const secret = newWebhookSecret();
    const result = await this.streams.handle(
      'webhookEndpoint',
      endpointId,
      {
        type: 'RotateWebhookSecret',
        data: { partnerTenantId: principal.tenantId, overlapMs: this.settings.secretOverlapMs },
      },
      { loaded, expectedRevision: loaded.version, beforeAppend: () => this.vault.put(endpointId, version, secret) },
    );
    const rotated = [...result.streamEvents].reverse().find((e) => e.type === 'WebhookSecretRotated');
    const endpoint = result.state as LiveEndpoint;
    const shown = result.replayed ? ((await this.vault.get(endpointId, [endpoint.secretVersion]))[0] ?? '') : secret;
    return {
      endpoint,
      position: result.position,
      secret: shown,
      previousSecretExpiresAt: rotated?.type === 'WebhookSecretRotated' ? rotated.data.previousSecretExpiresAt : '',
    };
  }
}
