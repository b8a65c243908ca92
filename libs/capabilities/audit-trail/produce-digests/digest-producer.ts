import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, type EventStore } from '@csp/event-store';
import { AppConfig } from '@csp/platform';
import { CLOCK, type Clock, DATABASE_POOL } from '@csp/event-sourcing';
import { TenantAttribution } from '../log/attribution';
import { INGEST_BATCH, ingestBatch, migrateAuditLog } from '../log/audit-log.store';
import { issueDigests, publishKeys } from './issue-digests';

/**
 * The worker capability that makes the history verifiable: every AUDIT_DIGEST_EVERY_MS it appends the new events
 * of the global order to their tenants' Merkle trees, then signs one chained digest per tree that grew. Off the
 * write path (it reads the store after the fact); restart-safe (checkpoint, leaves and digests commit together);
 * two workers serialise on the checkpoint row, so a chain never forks.
 */
@Injectable()
export class DigestProducer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditDigests');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  /** What attribution learnt from the history so far (bounded), so that most events need no lookup. */
  private readonly attribution = new TenantAttribution();

  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await migrateAuditLog(this.pool);
    await publishKeys(this.pool, this.config.audit.signingKeys, this.clock.now());
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round: catch up with the store, then sign. Exposed for tests and the bench. */
  async runOnce(): Promise<{ events: number; digests: number }> {
    let events = 0;
    for (let caughtUp = false; !caughtUp && !this.stopped;) {
      const batch = await ingestBatch(this.pool, this.store, INGEST_BATCH, this.attribution);
      events += batch.events;
      caughtUp = batch.caughtUp;
    }
    const digests = await issueDigests(this.pool, this.config.audit.signingKeys[0], this.clock.now());
    return { events, digests: digests.length };
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then(({ events, digests }) => {
          if (digests > 0) this.logger.log(`appended ${events} event(s), signed ${digests} digest(s)`);
        })
        .catch((error: unknown) =>
          this.logger.warn(`audit digests: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => this.schedule());
    }, this.config.audit.digestEveryMs);
    this.timer.unref();
  }
}
