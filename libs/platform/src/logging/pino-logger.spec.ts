import { Writable } from 'node:stream';
import { runWithRequestContext } from '../request-context/request-context';
import { createPinoLogger } from './pino-logger';
import { PinoLoggerService } from './pino-logger.service';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, logger: createPinoLogger({ level: 'debug', destination }) };
}

const KEY = 'ABCDE-FGHIJ-KLMNO-PQRST-UVWXY';

describe('createPinoLogger', () => {
  it('censors product keys, authorization headers, tokens and secrets at any depth', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        productKey: KEY,
        result: { productKey: KEY, software: { detail: { productKey: KEY } } },
        req: { headers: { authorization: 'Bearer eyJabc.def.ghi', host: 'x' } },
        token: 'tkn',
        config: { auth: { jwtSecret: 's3cr3t' }, linkSigningSecret: 'l1nk' },
        keyType: 'MAK',
      },
      `revealed ${KEY}`,
    );
    const text = JSON.stringify(lines);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('eyJabc');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('l1nk');
    expect(text).not.toContain('tkn');
    expect(lines[0]).toMatchObject({
      productKey: '[redacted]',
      result: { productKey: '[redacted]', software: { detail: { productKey: '[redacted]' } } },
      req: { headers: { authorization: '[redacted]', host: 'x' } },
      keyType: 'MAK',
      msg: 'revealed [redacted]',
      level: 'info',
    });
  });

  it('adds the correlation and request ids of the current request to every line', () => {
    const { lines, logger } = capture();
    runWithRequestContext({ correlationId: 'c-1', requestId: 'r-1', requestIdProvided: true }, () => {
      logger.info('inside');
      logger.child({ component: 'x' }).warn({ a: 1 }, 'child');
    });
    logger.info('outside');
    expect(lines[0]).toMatchObject({ msg: 'inside', correlationId: 'c-1', requestId: 'r-1' });
    expect(lines[1]).toMatchObject({ msg: 'child', correlationId: 'c-1', requestId: 'r-1', component: 'x' });
    expect(lines[2]).not.toHaveProperty('correlationId');
  });

  it('backs Nest LoggerService', () => {
    const { lines, logger } = capture();
    const nest = new PinoLoggerService(logger);
    nest.log('started', 'Bootstrap');
    nest.error('boom', 'Error: boom\n    at x (y.ts:1:1)', 'Handler');
    nest.warn({ event: 'slow', ms: 5 });
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'started', context: 'Bootstrap' });
    expect(lines[1]).toMatchObject({ level: 'error', msg: 'boom', context: 'Handler' });
    expect(lines[1]!.stack).toMatch(/at x/);
    expect(lines[2]).toMatchObject({ level: 'warn', event: 'slow', ms: 5 });
  });
});
