#!/usr/bin/env node
/**
 * The auditors' proof that the projections' tables are what the history says: rebuilds them into a shadow schema and
 * compares with the live tables row by row, printing every difference:
 *   npm run verify -- [--projection NAME ...] [--keep-shadow]
 * Exit 0: identical; 1: differences (printed); 2: could not verify. tsx runs it: nothing it calls needs decorator
 * metadata (no Nest container is built).
 */
import { Command } from 'commander';
import {
  countEvents,
  describeDifference,
  verifyProjections,
  openProjectionDatabase,
  progressDisplay,
  selectProjections,
} from '@csp/event-sourcing';
import { PROJECTIONS } from '../../worker/src/projections';
import { loadStorageConfig } from '../../../libs/platform/src/config/storage-config';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export async function runVerify(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  print: (line: string) => void = (line) => console.log(line),
): Promise<number> {
  const program = new Command()
    .name('verify')
    .description('Rebuild projections into a shadow schema and compare their tables with the live ones')
    .option('--projection <name>', 'a projection to verify (repeatable; default: all)', collect, [] as string[])
    .option('--keep-shadow', 'keep the shadow schema for inspection')
    .showHelpAfterError();
  program.parse(argv);
  const opts = program.opts<{ projection: string[]; keepShadow?: boolean }>();
  const projections = selectProjections(opts.projection, PROJECTIONS);
  const db = await openProjectionDatabase(loadStorageConfig(env));
  try {
    const progress = progressDisplay('verify', await countEvents(db.pool, projections), process.stderr);
    const result = await verifyProjections({
      pool: db.pool,
      eventStore: db.handle.store,
      projections,
      keepShadow: opts.keepShadow,
      onProgress: (p) => progress.update(p),
    });
    progress.stop();
    for (const d of result.differences) print(`DIFF ${describeDifference(d)}`);
    for (const p of result.projections) {
      const rows = p.tables.map((t) => `${t.table} ${t.rows} rows`).join(', ');
      print(`verify: ${p.name} at checkpoint ${p.checkpoint}: ${rows || 'no tables'}`);
    }
    print(
      result.differences.length === 0
        ? 'verify: the projections match the event history'
        : `verify: ${result.differences.length} difference(s) between the projections and the event history`,
    );
    return result.differences.length === 0 ? 0 : 1;
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  runVerify(process.argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`verify failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}
