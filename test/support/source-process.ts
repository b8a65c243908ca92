import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

/**
 * Node arguments that run an entry point (say `apps/api/src/main.ts`, as `npm start` runs it) from the
 * sources, through the repository's require hook (scripts/swc-register.js: the jest transform, decorator
 * metadata included): no build of dist/ needed, and it starts in a few seconds.
 */
export function sourceEntryArgs(entry: string): string[] {
  return ['-r', join(ROOT, 'scripts/swc-register.js'), join(ROOT, entry)];
}
