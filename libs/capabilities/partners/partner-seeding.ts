import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DomainError } from '@csp/domain';
import { EVENT_STORE, type EventStore } from '@csp/event-store';
import { AppConfig, ConfigError } from '@csp/platform';
import { StreamCommands } from '@csp/event-sourcing';
import { registerPartner } from './register-partner/register-partner';

/**
 * Registers the partners of PARTNER_TENANTS before the api serves a request. Idempotent: a partner registered
 * already (an earlier start, another instance, the CLI) writes nothing. A listed tenant that is a registered
 * customer stops start-up with one line.
 */
@Injectable()
export class PartnerSeeding implements OnApplicationBootstrap {
  private readonly logger = new Logger('PartnerRegistry');

  constructor(
    private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly streams: StreamCommands,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    let added = 0;
    for (const { tenantId, name } of this.config.partnerTenants) {
      try {
        const result = await registerPartner(this.store, () => this.streams.context(), {
          partnerTenantId: tenantId,
          name,
          source: 'configuration',
          metadata: { userId: 'PARTNER_TENANTS', upn: 'PARTNER_TENANTS', tenantId },
        });
        if (result.written) added++;
      } catch (error) {
        if (error instanceof DomainError && error.code === 'tenant_is_customer') {
          throw new ConfigError('PARTNER_TENANTS', `lists ${tenantId}, which is a registered customer`);
        }
        throw error;
      }
    }
    this.logger.log(`${this.config.partnerTenants.length} partner tenant(s) configured, ${added} newly registered`);
  }
}
