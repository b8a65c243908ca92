// A require hook that runs the TypeScript sources as jest does: swc with .swcrc (decorator metadata on, which
// tsx cannot emit) and the @csp/* aliases. `node -r ./scripts/swc-register.js apps/api/src/main.ts`.
const Module = require('module');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const { transformSync } = require(path.join(root, 'node_modules/@swc/core'));
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;
delete swcrc.jsc.baseUrl;
delete swcrc.jsc.paths;

const alias = /^@csp\/(domain|event-store|platform|event-sourcing)(\/.*)?$/;
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const m = alias.exec(request);
  if (m) request = path.join(root, 'libs', m[1], 'src', m[2] || '');
  const c = /^@csp\/capabilities\/(.+)$/.exec(request);
  if (c) request = path.join(root, 'libs', 'capabilities', c[1]);
  return resolveFilename.call(this, request, ...rest);
};
require.extensions['.ts'] = function (module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { ...swcrc, filename, swcrc: false, sourceMaps: 'inline' });
  module._compile(code, filename);
};
