import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DATABASE_POOL, migrateUnderLock } from '@csp/event-sourcing';

/** Attached files of support requests, kept in PostgreSQL beside the projections' tables (bounded by the body limit). */
@Injectable()
export class SupportAttachmentStore {
  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  /**
   * Idempotent and safe from several processes at once: two api processes starting together on a new database
   * would otherwise race on CREATE TABLE IF NOT EXISTS (a unique violation in pg_type), and one would not start.
   */
  async migrate(): Promise<void> {
    await migrateUnderLock(this.pool, 'support_request_attachments.migrate', [
      `
        CREATE TABLE IF NOT EXISTS support_request_attachments (
          support_request_id uuid NOT NULL,
          ordinal integer NOT NULL,
          file_name text NOT NULL,
          content_type text NOT NULL,
          sha256 text NOT NULL,
          content bytea NOT NULL,
          PRIMARY KEY (support_request_id, ordinal)
        )`,
    ]);
  }

  async save(
    supportRequestId: string,
    files: Array<{ fileName: string; contentType: string; sha256: string; content: Buffer }>,
  ): Promise<void> {
    if (files.length === 0) return;
    await this.pool.query(
      `INSERT INTO support_request_attachments (support_request_id, ordinal, file_name, content_type, sha256, content)
       SELECT $1, o, f, c, s, d FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::bytea[]) AS t(o, f, c, s, d)
       ON CONFLICT DO NOTHING`,
      [
        supportRequestId,
        files.map((_, i) => i),
        files.map((f) => f.fileName),
        files.map((f) => f.contentType),
        files.map((f) => f.sha256),
        files.map((f) => f.content),
      ],
    );
  }
}
