import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JwtVerifier, Role } from '@csp/platform';
import { PROPAGATION_QUEUES, PropagationQueues } from '@csp/propagation';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
const REALM = 'Basic realm="csp-orders queues", charset="UTF-8"';

/**
 * The bull-board dashboard at /admin/queues, for AdminAgent tokens only. Its routes are plain Fastify
 * routes (Nest's guards do not see them), so the check is a hook of their own scope. A token is accepted
 * as `Authorization: Bearer <jwt>` or as the password of HTTP Basic auth (any user name): browsers ask for
 * Basic credentials on the 401 and then send them with every request of the dashboard's page.
 */
@Injectable()
export class QueueDashboard implements OnModuleInit {
  private readonly logger = new Logger('QueueDashboard');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly verifier: JwtVerifier,
    private readonly queues: PropagationQueues,
  ) {}

  onModuleInit(): void {
    const http = this.adapterHost?.httpAdapter;
    if (!http || http.getType() !== 'fastify') return;
    const fastify = http.getInstance() as unknown as FastifyInstance;
    const serverAdapter = new BullBoardFastifyAdapter();
    serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({
      queues: PROPAGATION_QUEUES.map((name) => new BullMQAdapter(this.queues.backend.queue(name))),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'csp-orders queues' } },
    });
    void fastify.register(async (scope) => {
      scope.addHook('onRequest', (request, reply) => this.authorize(request, reply));
      await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    });
    this.logger.log(`bull-board at ${QUEUE_DASHBOARD_PATH} (AdminAgent only)`);
  }

  private async authorize(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = tokenOf(request.headers.authorization);
    if (!token) return deny(reply, 401, 'An AdminAgent token is required (Bearer, or as the Basic auth password).');
    try {
      const principal = await this.verifier.verify(token);
      if (!principal.roles.includes(Role.AdminAgent)) return deny(reply, 403, 'The queue dashboard is for AdminAgent.');
    } catch {
      return deny(reply, 401, 'The token is invalid or expired.');
    }
  }
}

function tokenOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  return password || undefined;
}

async function deny(reply: FastifyReply, status: 401 | 403, detail: string): Promise<void> {
  if (status === 401) reply.header('WWW-Authenticate', REALM);
  await reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title: status === 401 ? 'Unauthorized' : 'Forbidden', status, detail });
}
