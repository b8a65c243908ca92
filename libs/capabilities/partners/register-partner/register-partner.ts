import type { DomainContext, PartnerRegistrationSource, PartnerState } from '@csp/domain';
import type { EventMetadata, EventStore } from '@csp/event-store';
import {
  type CommandHandlingEnv,
  handleStreamCommand,
  loadStream,
} from '@csp/event-sourcing/command-handling/handle-stream-command';

// Nest-free on purpose: the operator CLI (run by tsx, no decorator metadata) and the api's start-up seeding
// share this one use case.

export interface RegisterPartnerInput {
  partnerTenantId: string;
  name?: string;
  source: PartnerRegistrationSource;
  metadata?: EventMetadata;
}

export interface RegisterPartnerResult {
  /** False when the partner was registered already: nothing was written. */
  written: boolean;
  partner: Extract<PartnerState, { status: 'registered' }>;
}

/** Reads a partner's stream: registered or not. */
export async function loadPartner(
  store: EventStore,
  tenantId: string,
): Promise<{ state: PartnerState; version: number }> {
  const { state, version } = await loadStream({ store }, 'partner', tenantId.toLowerCase());
  return { state, version };
}

/**
 * Registers a partner tenant: PartnerRegistered in `partner-{tenant}`, once. A tenant that is a registered
 * customer is refused (409 tenant_is_customer); a concurrent registration of the same partner writes nothing twice
 * (its conflict is decided again, on a stream where the partner is registered already).
 */
export async function registerPartner(
  store: EventStore,
  context: () => DomainContext,
  input: RegisterPartnerInput,
): Promise<RegisterPartnerResult> {
  const tenantId = input.partnerTenantId.toLowerCase();
  const customer = await loadStream({ store }, 'customer', tenantId);
  const env: CommandHandlingEnv = { store, context, metadata: (extra) => ({ ...input.metadata, ...extra }) };
  const result = await handleStreamCommand(
    env,
    'partner',
    tenantId,
    {
      type: 'RegisterPartner',
      data: {
        partnerTenantId: input.partnerTenantId,
        name: input.name,
        source: input.source,
        tenantIsCustomer: customer.state.status === 'registered',
      },
    },
    { maxAttempts: 3 },
  );
  return { written: result.events.length > 0, partner: registered(result.state) };
}

function registered(state: PartnerState): RegisterPartnerResult['partner'] {
  if (state.status !== 'registered') throw new Error('partner registration produced no partner');
  return state;
}
