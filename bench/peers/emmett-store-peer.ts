import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/api-process';
import { benchOrderPlaced } from '../support/bench-event';
import { createBenchDatabase, type BenchDatabase } from '../support/database';

const run = promisify(execFile);
const DIR = join(ROOT, 'bench/peers/emmett');

/**
 * Emmett's PostgreSQL store loaded like ours (bench/peers/emmett/emmett-store-peer.mjs), on a database of its own,
 * one phase per call so that the bench alternates it with ours. Installed on first use from its own lock file.
 */
export class EmmettStorePeer {
  private offset = 0;
  private constructor(private readonly db: BenchDatabase) {}

  /** Undefined, with the reason logged, when it cannot be installed. */
  static async start(log: (m: string) => void): Promise<EmmettStorePeer | undefined> {
    if (!existsSync(join(DIR, 'node_modules/@event-driven-io/emmett-postgresql'))) {
      log('peers: installing the Emmett peer (npm ci in bench/peers/emmett)');
      try {
        await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: DIR });
      } catch (error) {
        log(`peers: Emmett not measured: npm ci in bench/peers/emmett failed (${String(error).split('\n')[0]})`);
        return undefined;
      }
    }
    return new EmmettStorePeer(await createBenchDatabase('bench_peers_emmett'));
  }

  /** Events per second appending `count` new streams of one event, `writers` at once. */
  async append(count: number, writers: number): Promise<number> {
    const { eps } = await this.phase('append', { PEER_APPENDS: String(count), PEER_WRITERS: String(writers) });
    this.offset += count;
    return eps;
  }

  /** Events per second reading everything in global order; and how many events that was. */
  readAll(): Promise<{ eps: number; events: number }> {
    return this.phase('read', { PEER_EXPECT: String(this.offset) });
  }

  stop(): Promise<void> {
    return this.db.drop();
  }

  private async phase(phase: string, env: Record<string, string>): Promise<{ eps: number; events: number }> {
    const { stdout } = await run(process.execPath, [join(DIR, 'emmett-store-peer.mjs')], {
      cwd: DIR,
      env: {
        ...process.env,
        ...env,
        PEER_PHASE: phase,
        PEER_OFFSET: String(this.offset),
        PEER_DATABASE_URL: this.db.url,
        PEER_EVENT: JSON.stringify(benchOrderPlaced(0)),
      },
    });
    return JSON.parse(stdout.trim().split('\n').pop()!) as { eps: number; events: number };
  }
}
