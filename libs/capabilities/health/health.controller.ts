import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import type { Pool } from 'pg';
import { EVENT_STORE, EventStore } from '@csp/event-store';
import { ApiProblems, Public, SkipRateLimit } from '@csp/platform';
import { QueueBackend, withTimeout, DATABASE_POOL } from '@csp/event-sourcing';
import { PropagationHealth } from '@csp/capabilities/propagation';
import { LivenessDto, ReadinessDto } from './health.response.dto';

const TIMEOUT_MS = 2000;

@ApiTags('operations')
@Controller('health')
@Public()
@SkipRateLimit()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly queues: QueueBackend,
    @Optional() private readonly propagation?: PropagationHealth,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up (no dependency checked)', security: [] })
  @ApiOkResponse({ type: LivenessDto })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  // Our own documentation: a 503 is problem+json (the ProblemDetailsFilter), not terminus's result.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Database, queue backend and event store each reported; 503 when one is down',
    security: [],
  })
  @ApiOkResponse({ type: ReadinessDto, description: 'Every dependency is up' })
  @ApiProblems({ status: 503, description: 'a dependency is down' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.probe('database', { kind: 'postgresql' }, async () => void (await this.pool.query('SELECT 1'))),
      () => this.probe('eventStore', { kind: this.store.kind }, () => this.store.ping()),
      async () => {
        const q = await this.queues.ping();
        const check = this.indicator.check('queue');
        return q.ok ? check.up({ kind: q.kind }) : check.down({ kind: q.kind, detail: q.detail });
      },
      // Overdue cancellations are reported here but keep the instance ready (see PropagationHealth).
      ...(this.propagation ? [() => this.propagationIndicator(this.propagation!)] : []),
    ]);
  }

  private async propagationIndicator(propagation: PropagationHealth): Promise<HealthIndicatorResult> {
    const { status, ...detail } = await propagation.check();
    const check = this.indicator.check('propagation');
    return status === 'up' ? check.up(detail) : check.down(detail);
  }

  private async probe(
    name: string,
    info: Record<string, unknown>,
    fn: () => Promise<void>,
  ): Promise<HealthIndicatorResult> {
    const check = this.indicator.check(name);
    try {
      await withTimeout(fn(), TIMEOUT_MS, name);
      return check.up(info);
    } catch (error) {
      return check.down({ ...info, detail: error instanceof Error ? error.message : String(error) });
    }
  }
}
