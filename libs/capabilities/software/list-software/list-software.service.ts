import { Injectable } from '@nestjs/common';
import type { Principal } from '@csp/platform';
import { softwareListProjection } from '../projections/software-list.projection';
import { SoftwareListQuery, type SoftwareItem } from '../projections/software-list.query';
import { Collection, PagingQuery, toCollection, withObjectType } from '@csp/platform';
import { ACCESS, CustomerAccess } from '@csp/capabilities/partners';
import { ReadYourWrites } from '@csp/event-sourcing';

/** The software list (Billing > Your products > Software): every purchased software line, cancelled ones too. */
@Injectable()
export class ListSoftwareService {
  constructor(
    private readonly customers: CustomerAccess,
    private readonly query: SoftwareListQuery,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async list(principal: Principal, customerId: string, q: PagingQuery): Promise<Collection<SoftwareItem>> {
    const { customer } = await this.customers.authorize(principal, customerId, ACCESS.software);
    const { page, size } = await this.readYourWrites.page(softwareListProjection.name, q, (p) =>
      this.query.list(customer.customerId, p),
    );
    const items = page.items.map(withObjectType('Software'));
    return toCollection(`/v1/customers/${customer.customerId}/software`, { ...page, items }, size);
  }
}
