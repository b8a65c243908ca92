import { Inject, Injectable } from '@nestjs/common';
import { DomainData, PolicyBook } from '@csp/domain';
import type { Principal } from '@csp/platform';
import { OrderViewsQuery } from '../projections/order-views.query';
import { orderViewsProjection } from '../projections/order-views.projection';
import { CLOCK, Clock, DOMAIN_DATA, ReadYourWrites } from '@csp/event-sourcing';
import { PagingQuery, toCollection, Collection } from '@csp/platform';
import { ACCESS, CustomerAccess } from '@csp/capabilities/partners';
import { OrderResource, toOrderResource } from '../order.view';

/** Queries over orders: the list from the order-views projection's rows; single orders come from their stream. */
@Injectable()
export class ReadOrdersService {
  constructor(
    private readonly customers: CustomerAccess,
    private readonly query: OrderViewsQuery,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DOMAIN_DATA) private readonly data: DomainData,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  policies(): PolicyBook {
    return this.data.policies;
  }

  async list(principal: Principal, customerId: string, q: PagingQuery): Promise<Collection<OrderResource>> {
    const { customer } = await this.customers.authorize(principal, customerId, ACCESS.readOrders);
    const { page, size } = await this.readYourWrites.page(orderViewsProjection.name, q, (p) =>
      this.query.list(customer.customerId, p),
    );
    return toCollection(
      `/v1/customers/${customer.customerId}/orders`,
      { ...page, items: page.items.map(toOrderResource) },
      size,
    );
  }
}
