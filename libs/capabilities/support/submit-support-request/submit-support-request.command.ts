import { Command } from '@nestjs/cqrs';
import type { SupportRequestState } from '@csp/domain';
import type { Principal } from '@csp/platform';
import type { SubmitSupportRequestDto } from './submit-support-request.request.dto';

export interface SubmitSupportRequestResult {
  request: SupportRequestState;
  position?: number;
}

export class SubmitSupportRequestCommand extends Command<SubmitSupportRequestResult> {
  constructor(
    readonly principal: Principal,
    readonly body: SubmitSupportRequestDto,
  ) {
    super();
  }
}
