import type { CustomerEvent, CustomerRegistered } from './customer.events';

export type CustomerState =
  /** `lapsedDomains`: domains whose claim this customer lost before registering; it may not register with them. */
  | { status: 'unregistered'; lapsedDomains: readonly string[] }
  | ({ status: 'registered' } & CustomerRegistered['data']);

export const initialCustomerState = (): CustomerState => ({ status: 'unregistered', lapsedDomains: [] });

export const evolveCustomer = (state: CustomerState, event: CustomerEvent): CustomerState => {
  switch (event.type) {
    case 'CustomerRegistered':
      return { status: 'registered', ...event.data };
    case 'CustomerDomainClaimLapsed':
      return state.status === 'unregistered'
        ? { status: 'unregistered', lapsedDomains: [...state.lapsedDomains, event.data.domain] }
        : state;
    default:
      return state;
  }
};
