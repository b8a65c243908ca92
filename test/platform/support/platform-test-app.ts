import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Body, Controller, DynamicModule, Get, HttpCode, Module, Patch, Post, Res } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsIn, IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { Pool } from 'pg';
import {
  AppConfig,
  createHttpApp,
  createPinoLogger,
  CurrentPrincipal,
  getRequestContext,
  Idempotent,
  IdempotencyModule,
  loadConfig,
  PlatformModule,
  Principal,
  Public,
  Role,
  Roles,
  signLocalToken,
} from '@csp/platform';

export const SECRET = 'integration-secret-integration-secret-0123';
export const TENANT = '3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f';
export const OTHER_TENANT = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

export class LineItemDto {
  @IsInt() @Min(0) lineItemNumber!: number;
  @IsString() offerId!: string;
  @IsInt() @Min(1) quantity!: number;
}

export class PlaceOrderDto {
  @ValidateNested({ each: true })
  @Type(() => LineItemDto)
  @ArrayMinSize(1)
  lineItems!: LineItemDto[];
}

export class CancelDto {
  @IsIn(['cancelled']) status!: string;
  @IsOptional() @IsString() note?: string;
}

/** Counts handler runs so tests can see "no second effect". */
export const calls = { placeOrder: 0, cancel: 0, fail: 0, record: 0 };

@Controller()
export class TestController {
  @Get('health/live')
  @Public()
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('me')
  me(@CurrentPrincipal() principal: Principal): unknown {
    const ctx = getRequestContext();
    return {
      principal,
      context: { correlationId: ctx?.correlationId, requestId: ctx?.requestId, principal: ctx?.principal },
    };
  }

  @Get('admin')
  @Roles(Role.AdminAgent)
  admin(): { ok: boolean } {
    return { ok: true };
  }

  @Post('orders')
  @Roles(Role.AdminAgent, Role.GlobalAdmin)
  @Idempotent()
  async placeOrder(@Body() body: PlaceOrderDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const n = ++calls.placeOrder;
    await new Promise((r) => setTimeout(r, 50));
    const ctx = getRequestContext();
    const id = `order-${n}`;
    reply.header('location', `/orders/${id}`);
    // The context survives the async body parsing and the await above.
    return { id, n, lineItems: body.lineItems.length, requestId: ctx?.requestId, tenantId: ctx?.principal?.tenantId };
  }

  @Patch('orders/:id')
  @HttpCode(200)
  @Idempotent()
  cancel(@Body() body: CancelDto): unknown {
    calls.cancel++;
    return { status: body.status, n: calls.cancel };
  }

  @Post('fails')
  @Idempotent()
  fail(): never {
    calls.fail++;
    throw Object.assign(new Error('Order cannot be cancelled'), { code: 'not_cancellable', kind: 'conflict' });
  }

  @Post('reveal')
  @Idempotent()
  reveal(): unknown {
    return { productKey: 'ABCDE-FGHIJ-KLMNO-PQRST-UVWXY', keyType: 'MAK' };
  }

  /** Never answered from the store: runs on every call and is told when it is a retry. */
  @Post('record')
  @Idempotent({ replay: false })
  record(): unknown {
    calls.record++;
    return { productKey: 'ABCDE-FGHIJ-KLMNO-PQRST-UVWXY', retry: getRequestContext()?.retry === true };
  }

  @Get('boom')
  boom(): never {
    throw new Error('database password is hunter2');
  }

  @Get('gone')
  gone(): never {
    throw Object.assign(new Error('The link has expired.'), {
      code: 'link_expired',
      kind: 'gone',
      data: { expiredAt: '2025-01-01T00:00:00Z' },
    });
  }

  @Get('unavailable')
  unavailable(): never {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }

  @Get('conflict')
  conflict(): never {
    const e = new Error('Stream order-1: expected 1, actual 2');
    e.name = 'WrongExpectedVersionError';
    throw e;
  }
}

export interface TestAppOptions {
  env?: Record<string, string>;
  pool?: Pool;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  logs: Record<string, unknown>[];
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'platform-test-'));
  const config = loadConfig(
    {
      AUTH_JWT_SECRET: SECRET,
      DATA_DIR: dataDir,
      BODY_LIMIT_BYTES: '2048',
      RATE_LIMIT_PER_MINUTE: '100000',
      LOG_LEVEL: 'debug',
      ...options.env,
    },
    { warn: () => undefined },
  );
  const logs: Record<string, unknown>[] = [];
  const logger = createPinoLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _e, cb) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(l));
        cb();
      },
    }),
  });
  const imports: DynamicModule[] = [PlatformModule.forRoot(config, { logger })];
  if (options.pool) imports.push(IdempotencyModule.forRoot({ pool: options.pool, waitMs: 10_000 }));

  @Module({ imports, controllers: [TestController] })
  class TestAppModule {}

  const app = await createHttpApp(TestAppModule, config, { logger });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, config, logs };
}

export function token(
  roles: string[] = [Role.AdminAgent],
  overrides: { tid?: string; sub?: string; ttl?: string; secret?: string } = {},
): Promise<string> {
  return signLocalToken(
    { sub: overrides.sub ?? 'user-1', upn: 'ann@contoso.com', tid: overrides.tid ?? TENANT, roles },
    { secret: overrides.secret ?? SECRET, ttl: overrides.ttl ?? '1h' },
  );
}
