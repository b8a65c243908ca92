import type { CustomerEvent, CustomerRegistered } from './customer.events';

export type CustomerState = { status: 'unregistered' } | ({ status: 'registered' } & CustomerRegistered['data']);

export const initialCustomerState = (): CustomerState => ({ status: 'unregistered' });

export const evolveCustomer = (state: CustomerState, event: CustomerEvent): CustomerState => {
  switch (event.type) {
    case 'CustomerRegistered':
      return { status: 'registered', ...event.data };
    default:
      return state;
  }
};
