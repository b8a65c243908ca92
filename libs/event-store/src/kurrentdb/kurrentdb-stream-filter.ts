import { streamNameFilter, type Filter } from '@kurrent/kurrentdb-client';

/**
 * The server-side $all filter to our streams: by stream-name prefix. The prefixes are data handed in by the
 * hosting code (the stream registry's), never spelled here: the store knows no domain.
 */
export const ourStreamsFilter = (prefixes: readonly string[]): Filter => streamNameFilter({ prefixes: [...prefixes] });
