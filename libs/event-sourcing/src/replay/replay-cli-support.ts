/**
 * What the replay and verify commands share: the connections, the choice of projections and a progress
 * display. Plain functions only (no Nest container): tsx runs these commands and cannot emit decorator metadata.
 */
import { openEventStore } from '../event-store/open-event-store';
import type { EventStoreHandle } from '@csp/event-store';
import type { StorageSettings } from '@csp/platform';
import { SingleBar } from 'cli-progress';
import { Pool } from 'pg';
import type { Projection } from '../projections/projection';
import type { RebuildProgress } from './shadow-build';

export interface ProjectionDatabase {
  handle: EventStoreHandle;
  pool: Pool;
  close(): Promise<void>;
}

/** The event store and the projections' database where the service keeps them (the validated storage settings). */
export async function openProjectionDatabase(storage: StorageSettings): Promise<ProjectionDatabase> {
  const handle = await openEventStore(storage);
  const pool = new Pool({ connectionString: handle.databaseUrl, max: 4 });
  pool.on('error', () => undefined);
  return {
    handle,
    pool,
    async close() {
      await pool.end();
      await handle.close();
    },
  };
}

/** The projections named among the known ones (all when none), or an error that lists the known names. */
export function selectProjections(names: readonly string[], known: readonly Projection[]): Projection[] {
  if (names.length === 0) return [...known];
  return names.map((name) => {
    const projection = known.find((p) => p.name === name);
    if (!projection) throw new Error(`unknown projection "${name}"; known: ${known.map((p) => p.name).join(', ')}`);
    return projection;
  });
}

/**
 * How many events the rebuild will apply, for the ETA: counted in the PostgreSQL event table when the events
 * are there (global positions are sparse, so they cannot stand in for a count); undefined otherwise.
 */
export async function countEvents(pool: Pool, projections: readonly Projection[]): Promise<number | undefined> {
  try {
    const types = [...new Set(projections.flatMap((p) => p.eventTypes))];
    const result = await pool.query<{ type: string; n: string }>(
      'SELECT type, count(*) AS n FROM es_events WHERE type = ANY($1::text[]) GROUP BY type',
      [types],
    );
    const perType = new Map(result.rows.map((r) => [r.type, Number(r.n)]));
    // An event applied to several projections counts once for each, as the build counts it.
    return projections.reduce((n, p) => n + p.eventTypes.reduce((m, t) => m + (perType.get(t) ?? 0), 0), 0);
  } catch {
    return undefined;
  }
}

export interface ProgressDisplay {
  update(progress: RebuildProgress): void;
  stop(): void;
}

/** A progress bar with events/s and ETA on a terminal; a plain line every few seconds otherwise. */
export function progressDisplay(
  label: string,
  total: number | undefined,
  out: NodeJS.WriteStream = process.stdout,
): ProgressDisplay {
  const started = Date.now();
  const rate = (events: number): number => Math.round(events / Math.max(0.001, (Date.now() - started) / 1000));
  if (out.isTTY) {
    const bar = new SingleBar(
      {
        format: total
          ? `${label} |{bar}| {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}`
          : `${label} | {value} events | {rate} events/s | position {position}`,
        hideCursor: true,
        stream: out,
        etaBuffer: 50,
      },
      undefined,
    );
    bar.start(total ?? 0, 0, { rate: 0, position: 0 });
    return {
      update: (p) =>
        bar.update(total ? Math.min(total, p.events) : p.events, { rate: rate(p.events), position: p.position }),
      stop: () => bar.stop(),
    };
  }
  let lastLine = 0;
  let last: RebuildProgress | undefined;
  const line = (p: RebuildProgress): void => {
    const speed = rate(p.events);
    const eta = total && speed > 0 ? `, ETA ${Math.max(0, Math.ceil((total - p.events) / speed))}s` : '';
    const of = total
      ? `/${total} events (${Math.floor((100 * Math.min(total, p.events)) / Math.max(1, total))}%)`
      : ' events';
    out.write(`${label}: ${p.events}${of}, ${speed} events/s${eta}, position ${p.position}\n`);
  };
  return {
    update: (p) => {
      last = p;
      if (Date.now() - lastLine >= 2000) {
        lastLine = Date.now();
        line(p);
      }
    },
    stop: () => {
      if (last) line(last);
    },
  };
}
