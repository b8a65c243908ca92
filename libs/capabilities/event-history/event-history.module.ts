import { Module } from '@nestjs/common';
import { OrdersModule } from '@csp/capabilities/orders';
import { EventFeedService } from './event-feed.service';
import { EventHistoryController } from './event-history.controller';

/** The recorded events as auditors read them: the `/v1/events` feed and an order's history. */
@Module({
  imports: [OrdersModule],
  controllers: [EventHistoryController],
  providers: [EventFeedService],
})
export class EventHistoryModule {}
