import type { DomainEvent } from '@csp/event-store';
import type { Projection } from './projection';
import type { Recorded } from './sql/recorded';
import type { PoolClient } from 'pg';
import { typedProjection, type TypedProjectionDefinition } from './typed-events';

/** A document as stored: its key, what the events folded into it made of it, and the last such event's position. */
export interface StoredDocument<D> {
  key: string;
  document: D;
  position: number;
}

/** A projection of one document per key, folded from a typed event union (see documentProjection). */
export interface DocumentProjectionDefinition<E extends DomainEvent, D> extends TypedProjectionDefinition<E> {
  /** The document an event belongs to. */
  key(event: Recorded<E>): string;
  /**
   * Folds one event into its document (null: none yet). Pure. Returns the same object when the event changes
   * nothing (nothing is then written); never null for an existing document (no projection deletes).
   */
  evolve(document: D | null, event: Recorded<E>): D | null;
  /**
   * The stored documents of `keys`, in one query. Left out when every event replaces its document whole
   * (evolve ignores the stored one): each batch then folds from none, and `write` keeps a newer stored row.
   */
  load?(client: PoolClient, keys: readonly string[]): Promise<StoredDocument<D>[]>;
  /**
   * Writes the changed documents in one statement; a stored document at or past a written one's position
   * stays as it is (a redelivered batch, or a batch folded without `load`).
   */
  write(client: PoolClient, documents: readonly StoredDocument<D>[]): Promise<void>;
}

/**
 * A projection of one document per key. Per batch, set-based: the batch's events narrowed to the typed union,
 * the touched documents loaded in one query, the events folded in memory in order, the changed documents
 * written in one statement. An event at or below its document's stored position was folded in already and is
 * skipped, so a batch of any size, redelivered or not, gives the rows of its events applied one by one.
 */
export function documentProjection<E extends DomainEvent, D>(
  definition: DocumentProjectionDefinition<E, D>,
): Projection {
  const { name, key, evolve, load, write } = definition;
  return typedProjection(definition, async (client, typed) => {
    const keys = typed.map((event) => key(event));
    const documents = new Map<string, StoredDocument<D>>();
    if (load) for (const stored of await load(client, [...new Set(keys)])) documents.set(stored.key, stored);
    const changed = new Map<string, StoredDocument<D>>();
    typed.forEach((event, i) => {
      const k = keys[i];
      const current = documents.get(k);
      if (current && event.globalPosition <= current.position) return;
      const before = current?.document ?? null;
      const after = evolve(before, event);
      if (after === before) return;
      if (after === null) throw new Error(`projection ${name}: evolve dropped document ${k} (documents are kept)`);
      const next = { key: k, document: after, position: event.globalPosition };
      documents.set(k, next);
      changed.set(k, next);
    });
    if (changed.size > 0) await write(client, [...changed.values()]);
  });
}
