import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { OrdersModule } from '@csp/capabilities/orders';
import { DATABASE_POOL } from '@csp/event-sourcing';
import { DownloadSoftwareService } from './download-software/download-software.service';
import { IssueDownloadLinkHandler } from './issue-download-link/issue-download-link.handler';
import { ListSoftwareService } from './list-software/list-software.service';
import { SoftwareListQuery } from './projections/software-list.query';
import { RevealKeyHandler } from './reveal-key/reveal-key.handler';
import { DownloadsController, SoftwareController } from './software.controller';

/** Software, HTTP side: the customer's software list, key reveals, download links and the downloads themselves. */
@Module({
  imports: [OrdersModule],
  controllers: [SoftwareController, DownloadsController],
  providers: [
    RevealKeyHandler,
    IssueDownloadLinkHandler,
    DownloadSoftwareService,
    ListSoftwareService,
    { provide: SoftwareListQuery, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new SoftwareListQuery(pool) },
  ],
})
export class SoftwareModule {}
