/** How long a graceful close may take after SIGTERM or SIGINT (in-flight requests, batches and jobs finish). */
export const SHUTDOWN_DEADLINE_MS = 30_000;

type Signals = Pick<NodeJS.Process, 'once' | 'exit'>;

/** One deadline per process, however many apps it hosts (tests start many): no listener piles up. */
const watched = new WeakSet<Signals>();

/**
 * After SIGTERM or SIGINT, a graceful close that has not finished within `ms` ends the process with exit code 1
 * and one line saying so. A dependency whose close never returns (BullMQ's Worker.close can hang after a Redis
 * restart) must not leave a process that neither serves nor exits: an orchestrator would wait on it for ever.
 */
export function exitIfShutdownHangs(log: (line: string) => void, ms = SHUTDOWN_DEADLINE_MS, proc: Signals = process) {
  if (watched.has(proc)) return;
  watched.add(proc);
  let armed = false;
  const arm = (signal: string) => {
    if (armed) return;
    armed = true;
    setTimeout(() => {
      log(`shutdown did not finish within ${ms} ms of ${signal}: exiting`);
      proc.exit(1);
    }, ms).unref();
  };
  proc.once('SIGTERM', () => arm('SIGTERM'));
  proc.once('SIGINT', () => arm('SIGINT'));
}
