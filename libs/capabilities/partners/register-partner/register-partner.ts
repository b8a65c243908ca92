import {
  customerDecider,
  type DomainContext,
  foldEvents,
  partnerDecider,
  type PartnerRegistrationSource,
  type PartnerState,
  streamIdOf,
} from '@csp/domain';
import { type EventMetadata, type EventStore, WrongExpectedVersionError } from '@csp/event-store';

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

export const partnerStreamId = (tenantId: string): string => streamIdOf('partner', tenantId.toLowerCase());

/** Reads a partner's stream: registered or not. */
export async function loadPartner(
  store: EventStore,
  tenantId: string,
): Promise<{ state: PartnerState; version: number }> {
  const read = await store.readStream(partnerStreamId(tenantId));
  const events = read.events as unknown as Parameters<typeof partnerDecider.evolve>[1][];
  return {
    state: foldEvents(partnerDecider.evolve, partnerDecider.initialState(), events),
    version: read.currentVersion,
  };
}

/**
 * Registers a partner tenant: PartnerRegistered in `partner-{tenant}`, once. A tenant that is a registered
 * customer is refused (409 tenant_is_customer); a concurrent registration of the same partner writes nothing twice.
 */
export async function registerPartner(
  store: EventStore,
  context: () => DomainContext,
  input: RegisterPartnerInput,
): Promise<RegisterPartnerResult> {
  const tenantId = input.partnerTenantId.toLowerCase();
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadPartner(store, tenantId);
    const customer = await store.readStream(streamIdOf('customer', tenantId));
    const customerState = foldEvents(
      customerDecider.evolve,
      customerDecider.initialState(),
      customer.events as unknown as Parameters<typeof customerDecider.evolve>[1][],
    );
    const events = partnerDecider.decide(
      {
        type: 'RegisterPartner',
        data: {
          partnerTenantId: input.partnerTenantId,
          name: input.name,
          source: input.source,
          tenantIsCustomer: customerState.status === 'registered',
        },
      },
      loaded.state,
      context(),
    );
    if (events.length === 0) return { written: false, partner: registered(loaded.state) };
    try {
      await store.appendToStream(
        partnerStreamId(tenantId),
        events.map((e) => ({ type: e.type, data: e.data, metadata: input.metadata ?? {} })),
        { expectedVersion: loaded.version === 0 ? 'no_stream' : loaded.version },
      );
      return { written: true, partner: registered(events.reduce(partnerDecider.evolve, loaded.state)) };
    } catch (error) {
      // Another process registered it meanwhile: decide again (it is then already registered).
      if (error instanceof WrongExpectedVersionError && attempt < 3) continue;
      throw error;
    }
  }
}

function registered(state: PartnerState): RegisterPartnerResult['partner'] {
  if (state.status !== 'registered') throw new Error('partner registration produced no partner');
  return state;
}
