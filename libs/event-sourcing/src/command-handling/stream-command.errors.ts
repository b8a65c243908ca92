import type { RecordedEvent } from '@csp/event-store';
import { ProblemException } from '@csp/platform';

/** The caller's request id names events of another command: a reuse, never "already done" (422). */
export function requestIdReused(first: RecordedEvent): ProblemException {
  return new ProblemException(
    422,
    'request_id_reused',
    `This MS-RequestId was already used by you for another command (${String(first.metadata.command)}, at ${first.recordedAt.toISOString()}); send a new MS-RequestId for a new request.`,
    { extensions: { firstUse: { command: first.metadata.command, at: first.recordedAt.toISOString() } } },
  );
}

/** If-Match named a revision the stream has moved past (412, with the current ETag). */
export function staleRevision(expected: number, current: number): ProblemException {
  return new ProblemException(
    412,
    'precondition_failed',
    `If-Match names revision ${expected}, but the resource is at revision ${current}: read it again and retry`,
    { headers: { ETag: `"${current}"` } },
  );
}
