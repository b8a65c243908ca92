/**
 * `npm run openapi`: writes the app's OpenAPI document to openapi.json (Prettier-formatted), or with `--check`
 * fails when the committed file differs. The Nest app is built in preview mode: every controller and DTO is
 * scanned, no provider is created, so nothing connects to a database or Redis.
 * Run through scripts/swc-register.js (decorator metadata), not tsx.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { buildOpenApiDocument, loadConfig } from '@csp/platform';
import { ApiModule } from '../../api/src/api.module';

export const OPENAPI_FILE = join(__dirname, '../../../openapi.json');

/** The document as committed: JSON in Prettier's format. */
export async function formatOpenApi(document: unknown): Promise<string> {
  const options = (await resolveConfig(OPENAPI_FILE)) ?? {};
  return format(JSON.stringify(document), { ...options, filepath: OPENAPI_FILE });
}

async function main(argv: string[]): Promise<void> {
  // Placeholder settings: preview mode uses none of them, and the document does not depend on them.
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: 'postgres://openapi@127.0.0.1:1/openapi',
    AUTH_JWT_SECRET: 'openapi-document-generation-only-0123456789',
    KEY_DERIVATION_SECRET: 'openapi-document-generation-only-0123456789',
    LINK_SIGNING_SECRET: 'openapi-document-generation-only-0123456789',
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    ApiModule.forRoot(config, { withWorker: true }),
    new FastifyAdapter(),
    { preview: true, logger: false, abortOnError: false },
  );
  const text = await formatOpenApi(buildOpenApiDocument(app));
  await app.close();
  if (argv.includes('--check')) {
    const committed = await readFile(OPENAPI_FILE, 'utf8').catch(() => '');
    if (committed !== text) {
      console.error('openapi.json differs from the app’s OpenAPI document: run `npm run openapi` and commit it.');
      process.exit(1);
    }
    return;
  }
  await writeFile(OPENAPI_FILE, text);
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  });
}
