import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Headers, UnauthorizedException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, Public, SkipRateLimit } from '@csp/platform';
import { PropagationMetrics } from '@csp/propagation';

/**
 * GET /metrics in Prometheus' text format. Public by default: it holds counts and latencies, no tenant
 * data, and is usually reachable only inside the cluster. With METRICS_TOKEN set it requires
 * `Authorization: Bearer <METRICS_TOKEN>` (a static token: Prometheus cannot mint our JWTs).
 */
@ApiTags('operations')
@Controller('metrics')
@Public()
@SkipRateLimit()
export class MetricsController {
  private readonly token = process.env.METRICS_TOKEN?.trim() || undefined;

  constructor(private readonly metrics: PropagationMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics: propagation latency, failures, overdue count, queue depth',
    description: 'No JWT: open, or with METRICS_TOKEN set, `Authorization: Bearer <METRICS_TOKEN>`.',
    security: [],
  })
  @ApiOkResponse({
    description: 'Prometheus text format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiProblems({ status: 401, description: 'METRICS_TOKEN is set and was not sent' })
  async scrape(@Headers('authorization') authorization?: string): Promise<string> {
    if (this.token && !matches(authorization, `Bearer ${this.token}`)) {
      throw new UnauthorizedException('METRICS_TOKEN is set: send Authorization: Bearer <METRICS_TOKEN>.');
    }
    return this.metrics.metrics();
  }
}

function matches(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
