// Wakes followers after appends: local ones at once, other processes' through a NOTIFY sent outside the append
// (see the schema notes), at most one in flight, then at most one per interval, however many appends meanwhile.
import type { Pool } from 'pg';
import { describeError, type EventStoreLogger } from '../event-store.logger';
import { notifyChannel } from './postgres-event-store.schema';
import type { StoreStatements } from './postgres-event-store.statements';
import type { PostgresNotificationListener } from './postgres-notification.listener';
import type { PostgresSession } from './postgres-session';

export class AppendNotifier {
  private notifying?: Promise<void>;
  private notifyAgain = false;

  constructor(
    private readonly settings: {
      /** A session of its own, named so that the gap-safe horizon ignores its transactions. */
      notifyPool: Pool;
      /** Names the statement (the store's session, per schema). */
      session: PostgresSession;
      sql: StoreStatements;
      schema: string;
      listener: PostgresNotificationListener;
      intervalMs: number;
      logger: EventStoreLogger;
      /** The store is closing: no further NOTIFY. */
      closed: () => boolean;
    },
  ) {}

  signalAppended(): void {
    this.settings.listener.wakeAll();
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = this.sendNotifications().finally(() => {
      this.notifying = undefined;
    });
  }

  /** The NOTIFY in flight, if any (the store waits for it when closing). */
  get inFlight(): Promise<void> | undefined {
    return this.notifying;
  }

  private async sendNotifications(): Promise<void> {
    const { notifyPool, session, sql, schema, intervalMs, logger, closed } = this.settings;
    do {
      this.notifyAgain = false;
      try {
        await notifyPool.query(session.statement('notify', sql.notify, [notifyChannel(schema)]));
      } catch (error) {
        // Followers elsewhere still poll; never fail an append over a lost wake-up.
        logger.warn(`event store: NOTIFY failed (${describeError(error)})`);
        return;
      }
      if (this.notifyAgain) await new Promise((r) => setTimeout(r, intervalMs));
    } while (this.notifyAgain && !closed());
  }
}
