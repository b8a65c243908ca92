#!/usr/bin/env node
/**
 * Rebuilds projections from the event store into new tables and swaps them in once caught up, while the API
 * keeps serving the old ones (blue-green):
 *   npm run replay -- [--projection NAME ...] [--batch-size N] [--keep-old]
 * Uses DATABASE_URL / EVENTSTORE_URL / DATA_DIR like the service. tsx runs this file and cannot emit decorator
 * metadata: it builds no Nest container, it only calls plain functions.
 */
import { Command, InvalidArgumentError } from 'commander';
import {
  countEvents,
  replayProjections,
  openProjectionDatabase,
  progressDisplay,
  selectProjections,
} from '@csp/event-sourcing';
import { PROJECTIONS } from '../../worker/src/projections';
import { loadStorageConfig } from '../../../libs/platform/src/config/storage-config';

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const positiveInt = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 4096) throw new InvalidArgumentError('1..4096');
  return Number(value);
};

export async function runReplay(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = new Command()
    .name('replay')
    .description('Rebuild projections from the event store and swap their tables in (blue-green)')
    .option('--projection <name>', 'a projection to rebuild (repeatable; default: all)', collect, [] as string[])
    .option('--batch-size <n>', 'events per read and transaction', positiveInt, 1000)
    .option('--keep-old', 'keep the replaced tables in their rm_old_… schema')
    .showHelpAfterError();
  program.parse(argv);
  const opts = program.opts<{ projection: string[]; batchSize: number; keepOld?: boolean }>();
  const projections = selectProjections(opts.projection, PROJECTIONS);
  const db = await openProjectionDatabase(loadStorageConfig(env));
  try {
    const progress = progressDisplay('replay', await countEvents(db.pool, projections));
    const result = await replayProjections({
      pool: db.pool,
      eventStore: db.handle.store,
      projections,
      batchSize: opts.batchSize,
      keepOld: opts.keepOld,
      onProgress: (p) => progress.update(p),
      logger: { info: (m) => console.error(m), warn: (m) => console.error(m), error: (m) => console.error(m) },
    });
    progress.stop();
    for (const p of result.projections) {
      console.log(`replay: ${p.name} swapped in at checkpoint ${p.checkpoint} (${p.tables.join(', ')})`);
    }
    console.log(
      `replay: ${result.events} events in ${(result.durationMs / 1000).toFixed(1)} s` +
        (opts.keepOld ? `; old tables kept in ${result.oldSchema}` : ''),
    );
    return 0;
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  runReplay(process.argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}
