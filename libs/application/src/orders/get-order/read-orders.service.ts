import { Inject, Injectable } from '@nestjs/common';
import { DomainData, PolicyBook } from '@csp/domain';
import type { Principal } from '@csp/platform';
import { OrderViewsQuery, PROJECTION_NAMES } from '@csp/read-models';
import { CLOCK, Clock } from '../../ports/clock.port';
import { PagingQuery, toCollection, Collection } from '../../shared/collection';
import { ACCESS, CustomerAccess } from '../../shared/customer-access';
import { DOMAIN_DATA } from '../../shared/domain-data.provider';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { OrderResource, toOrderResource } from '../order.view';

/** Queries over orders: the list from the order-views read model; single orders come from their stream. */
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
    const { page, size } = await this.readYourWrites.page(PROJECTION_NAMES.orderViews, q, (p) =>
      this.query.list(customer.customerId, p),
    );
    return toCollection(
      `/v1/customers/${customer.customerId}/orders`,
      { ...page, items: page.items.map(toOrderResource) },
      size,
    );
  }
}
