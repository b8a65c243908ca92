// npm run lint:length: no non-test source file in libs/ over 400 lines (long files get split by responsibility).
// Tests (*.spec.ts, *.test.ts) and test support (a `testing/` folder) are exempt.
const { readdirSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const process = require('node:process');

const MAX_LINES = 400;
const root = join(__dirname, '..');
const isTest = (path) => /\.(spec|test)\.ts$/.test(path) || /(^|\/)testing\//.test(path);

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') yield* sources(path);
    } else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      yield path;
    }
  }
}

const tooLong = [];
for (const path of sources(join(root, 'libs'))) {
  const file = relative(root, path);
  if (isTest(file)) continue;
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > MAX_LINES) tooLong.push(`${file}: ${lines} lines`);
}
if (tooLong.length > 0) {
  process.stderr.write(`Over ${MAX_LINES} lines (split by responsibility):\n  ${tooLong.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write(`file length: every non-test source file in libs/ has at most ${MAX_LINES} lines\n`);
