import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument, OpenApiDocumentOptions } from './openapi.document';

export interface SwaggerSetupOptions extends OpenApiDocumentOptions {
  /** Default 'docs': UI at /docs, document at /docs-json. */
  path?: string;
}

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/**
 * OpenAPI document at /docs-json (built lazily on first request, after every controller is known) and
 * Swagger UI at /docs. The UI's assets are served from swagger-ui-dist directly, so no @fastify/static.
 */
export function setupSwagger(app: INestApplication, fastify: FastifyInstance, options: SwaggerSetupOptions = {}): void {
  const path = (options.path ?? 'docs').replace(/^\/+|\/+$/g, '');
  SwaggerModule.setup(path, app, () => buildOpenApiDocument(app, options), {
    ui: false,
    raw: ['json'],
    jsonDocumentUrl: `${path}-json`,
  });

  const assetsDir = dirname(
    require.resolve('swagger-ui-dist/package.json', { paths: [dirname(require.resolve('@nestjs/swagger'))] }),
  );
  const html = swaggerHtml(`/${path}`, `/${path}-json`);
  fastify.get(`/${path}`, (_req, reply) => {
    void reply.type('text/html; charset=utf-8').send(html);
  });
  fastify.get<{ Params: { file: string } }>(`/${path}/:file`, async (req, reply) => {
    const type = ASSETS[req.params.file];
    if (!type) return reply.callNotFound();
    const content = await readFile(join(assetsDir, req.params.file));
    return reply.type(type).header('cache-control', 'public, max-age=86400').send(content);
  });
}

function swaggerHtml(base: string, jsonUrl: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>csp-orders API</title>
  <link rel="stylesheet" href="${base}/swagger-ui.css" />
  <link rel="icon" type="image/png" href="${base}/favicon-32x32.png" sizes="32x32" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${base}/swagger-ui-bundle.js"></script>
  <script src="${base}/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: ${JSON.stringify(jsonUrl)},
      dom_id: '#swagger-ui',
      deepLinking: true,
      persistAuthorization: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: 'StandaloneLayout'
    });
  </script>
</body>
</html>`;
}
