import { Command } from '@nestjs/cqrs';
import type { StatementClosed } from '@csp/domain';
import type { Principal } from '@csp/platform';

export interface CloseStatementResult {
  statement: StatementClosed['data'];
  position?: number;
}

export class CloseStatementCommand extends Command<CloseStatementResult> {
  constructor(
    readonly principal: Principal,
    /** The month as the body named it (validated by the handler: YYYY-MM). */
    readonly period: unknown,
  ) {
    super();
  }
}
