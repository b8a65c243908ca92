import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import type { Pool } from 'pg';
import {
  CheckpointWatcher,
  CustomersQuery,
  migrateReadModels,
  OrderViewsQuery,
  SoftwareListQuery,
} from '@csp/read-models';
import { OffersController } from './catalog/list-offers/offers.controller';
import { CustomersController } from './customers/customers.controller';
import { RegisterCustomerHandler } from './customers/register-customer/register-customer.handler';
import { HealthController } from './health/health.controller';
import { KmsMigrationModule } from './kms-migration/kms-migration.module';
import { DATABASE_POOL } from './infrastructure/database-pool';
import { CancelOrderHandler } from './orders/cancel-order/cancel-order.handler';
import { ReadOrdersService } from './orders/get-order/read-orders.service';
import { OrdersController } from './orders/orders.controller';
import { ReadSideModule } from './read-side/read-side.module';
import { PlaceOrderHandler } from './orders/place-order/place-order.handler';
import { PropagationHttpModule } from './propagation/propagation-http.module';
import { TenancyModule } from './partners/tenancy.module';
import { CustomerAccess } from './shared/customer-access';
import { TenantDirectory } from './shared/tenant-directory';
import { domainDataProvider } from './shared/domain-data.provider';
import { OrderAccess } from './shared/order-access';
import { CHECKPOINT_WATCHER, ReadYourWrites } from './shared/read-your-writes';
import { StreamCommands } from '@csp/event-sourcing/command-handling';
import { DownloadSoftwareService } from './software/download-software/download-software.service';
import { IssueDownloadLinkHandler } from './software/issue-download-link/issue-download-link.handler';
import { ListSoftwareService } from './software/list-software/list-software.service';
import { RevealKeyHandler } from './software/reveal-key/reveal-key.handler';
import { DownloadsController, SoftwareController } from './software/software.controller';
import { SubmitSupportRequestHandler } from './support/submit-support-request/submit-support-request.handler';
import { SupportAttachmentStore } from './support/submit-support-request/support-attachment.store';
import { SupportRequestReferences } from './support/submit-support-request/support-request-references';
import { SupportController } from './support/support.controller';

/**
 * The v1 HTTP API: one folder per use case (command, handler, request DTO), controllers per resource.
 * Needs PlatformModule (config, auth) and InfrastructureModule (stores, ports) imported by the app.
 */
@Module({
  imports: [
    CqrsModule.forRoot(),
    TerminusModule,
    TenancyModule,
    KmsMigrationModule,
    ReadSideModule,
    PropagationHttpModule,
  ],
  controllers: [
    HealthController,
    CustomersController,
    OffersController,
    OrdersController,
    SoftwareController,
    DownloadsController,
    SupportController,
  ],
  providers: [
    domainDataProvider,
    StreamCommands,
    TenantDirectory,
    CustomerAccess,
    OrderAccess,
    RegisterCustomerHandler,
    PlaceOrderHandler,
    CancelOrderHandler,
    RevealKeyHandler,
    IssueDownloadLinkHandler,
    DownloadSoftwareService,
    ReadOrdersService,
    ListSoftwareService,
    SubmitSupportRequestHandler,
    SupportAttachmentStore,
    SupportRequestReferences,
    ReadYourWrites,
    { provide: CustomersQuery, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new CustomersQuery(pool) },
    { provide: OrderViewsQuery, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new OrderViewsQuery(pool) },
    { provide: SoftwareListQuery, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new SoftwareListQuery(pool) },
    {
      provide: CHECKPOINT_WATCHER,
      inject: [DATABASE_POOL],
      useFactory: (pool: Pool) => new CheckpointWatcher(pool),
    },
  ],
})
export class ApplicationModule implements OnModuleInit {
  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    private readonly attachments: SupportAttachmentStore,
  ) {}

  /** Tables the API reads must exist before the first request, whether or not a worker ran yet. */
  async onModuleInit(): Promise<void> {
    await migrateReadModels(this.pool);
    await this.attachments.migrate();
  }
}
