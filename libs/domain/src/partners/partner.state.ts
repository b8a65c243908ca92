import type { PartnerEvent, PartnerRegistered } from './partner.events';

export type PartnerState = { status: 'unregistered' } | ({ status: 'registered' } & PartnerRegistered['data']);

export const initialPartnerState = (): PartnerState => ({ status: 'unregistered' });

export const evolvePartner = (state: PartnerState, event: PartnerEvent): PartnerState =>
  event.type === 'PartnerRegistered' && state.status === 'unregistered'
    ? { status: 'registered', ...event.data }
    : state;
