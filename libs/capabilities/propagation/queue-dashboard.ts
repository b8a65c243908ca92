import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '@csp/platform';
import { PROPAGATION_QUEUES, PropagationQueues } from './jobs/propagation.queues';
import { operatorCredentialOf, sameOrigin, tokenMatches } from './operator-credential';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
const REALM = 'Basic realm="csp-orders operators", charset="UTF-8"';
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * The bull-board dashboard at /admin/queues, for operators: `Authorization: Bearer <OPERATOR_TOKEN>`, or the
 * token as the HTTP Basic password (browsers ask for it on the 401). No tenant's JWT opens it, whatever its
 * roles. Without OPERATOR_TOKEN it is not mounted. Read-only unless QUEUE_DASHBOARD_WRITE=true: bull-board's
 * readOnlyMode hides the buttons, and the hook refuses every mutating request, so a crafted one cannot
 * bypass the UI. Its routes are plain Fastify routes (Nest's guards do not see them), hence a hook of their own.
 */
@Injectable()
export class QueueDashboard implements OnModuleInit {
  private readonly logger = new Logger('QueueDashboard');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
    private readonly queues: PropagationQueues,
  ) {}

  onModuleInit(): void {
    const http = this.adapterHost?.httpAdapter;
    if (!http || http.getType() !== 'fastify') return;
    const { token, queueDashboardWrite: write } = this.config.operator;
    if (!token) {
      this.logger.log(`bull-board not mounted: set OPERATOR_TOKEN to serve ${QUEUE_DASHBOARD_PATH}`);
      return;
    }
    const fastify = http.getInstance() as unknown as FastifyInstance;
    const serverAdapter = new BullBoardFastifyAdapter();
    serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({
      queues: PROPAGATION_QUEUES.map(
        (name) => new BullMQAdapter(this.queues.backend.queue(name), { readOnlyMode: !write }),
      ),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'csp-orders queues' } },
    });
    void fastify.register(async (scope) => {
      scope.addHook('onRequest', (request, reply) => authorize(request, reply, token, write));
      await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    });
    this.logger.log(`bull-board at ${QUEUE_DASHBOARD_PATH} (OPERATOR_TOKEN, ${write ? 'read-write' : 'read-only'})`);
  }
}

async function authorize(request: FastifyRequest, reply: FastifyReply, token: string, write: boolean): Promise<void> {
  reply.header('cache-control', 'no-store');
  const given = operatorCredentialOf(request.headers.authorization);
  if (!given || !tokenMatches(given, token)) {
    reply.header('www-authenticate', REALM);
    return deny(reply, 401, 'The queue dashboard needs the operator credential (Bearer, or the Basic password).');
  }
  if (SAFE_METHODS.has(request.method)) return;
  if (!write) return deny(reply, 403, 'The queue dashboard is read-only (QUEUE_DASHBOARD_WRITE is not true).');
  // Browsers resend Basic credentials to any page's request: refuse a change another site asked for.
  if (!sameOrigin(request.headers.origin, request.headers.host)) {
    return deny(reply, 403, 'A change to the queues must come from the dashboard itself.');
  }
}

async function deny(reply: FastifyReply, status: 401 | 403, detail: string): Promise<void> {
  const code = status === 401 ? 'unauthorized' : 'forbidden';
  await reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title: status === 401 ? 'Unauthorized' : 'Forbidden', status, detail, code });
}
