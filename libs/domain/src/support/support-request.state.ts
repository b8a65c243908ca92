import type { SupportRequestEvent, SupportRequestSubmitted } from './support-request.events';

export type SupportRequestState = { status: 'none' } | SupportRequestSubmitted['data'];

export const initialSupportRequestState = (): SupportRequestState => ({ status: 'none' });

export const evolveSupportRequest = (state: SupportRequestState, event: SupportRequestEvent): SupportRequestState => {
  switch (event.type) {
    case 'SupportRequestSubmitted':
      return { ...event.data };
    default:
      return state;
  }
};
