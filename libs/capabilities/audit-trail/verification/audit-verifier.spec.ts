import { generateKeyPairSync } from 'node:crypto';
import { AuditEvent, canonicalEventLine } from './canonical-event';
import { AuditDigest, digestHash, publicKeyPem, signDigest } from './digest-signature';
import { CompactRange, leafHash, toHex } from './merkle';
import { verifyAuditTrail } from './audit-verifier';

const { privateKey } = generateKeyPairSync('ed25519');
const keys = [
  { kid: 'k1', algorithm: 'Ed25519', publicKeyPem: publicKeyPem(privateKey), validFrom: null, validTo: null },
];

const event = (i: number): AuditEvent => ({
  id: `e${i}`,
  stream: `order-${i % 3}`,
  streamPosition: Math.floor(i / 3) + 1,
  position: 10 + i * 2,
  type: 'OrderPlaced',
  data: { n: i, note: 'ü' },
  metadata: { tenantId: 't' },
  recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
});

/** 12 events, digests after 4, 9 and 12 of them. */
function trail(): { lines: string[]; digests: AuditDigest[] } {
  const events = Array.from({ length: 12 }, (_, i) => event(i));
  const lines = events.map(canonicalEventLine);
  const range = new CompactRange();
  const digests: AuditDigest[] = [];
  let from = 0;
  for (const [i, line] of lines.entries()) {
    range.append(leafHash(Buffer.from(line)));
    if (![3, 8, 11].includes(i)) continue;
    const previous = digests[digests.length - 1];
    digests.push(
      signDigest(
        {
          tenantId: 't',
          sequence: digests.length + 1,
          treeSize: range.size,
          rootHash: toHex(range.root()),
          fromPosition: events[from].position,
          toPosition: events[i].position,
          previousDigestHash: previous ? digestHash(previous) : null,
          issuedAt: new Date(Date.UTC(2026, 0, 2, 0, digests.length)).toISOString(),
          keyId: 'k1',
        },
        privateKey,
      ),
    );
    from = i + 1;
  }
  return { lines, digests };
}

async function* linesOf(lines: string[]): AsyncIterable<string> {
  yield* lines;
}

const run = (lines: string[], digests: AuditDigest[]) =>
  verifyAuditTrail({ lines: linesOf(lines), digests, keys: { items: keys } });

describe('verifyAuditTrail', () => {
  it('accepts an untouched trail with a one-line summary', async () => {
    const { lines, digests } = trail();
    const result = await run(lines, digests);
    expect(result).toEqual({ ok: true, summary: expect.stringContaining('12 events, 3 digests') });
  });

  it('names the digest whose root a changed event breaks', async () => {
    const { lines, digests } = trail();
    const changed = JSON.parse(lines[5]) as AuditEvent;
    changed.data = { n: 999, note: 'ü' };
    lines[5] = canonicalEventLine(changed);
    const result = await run(lines, digests);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.discrepancy).toMatch(/digest #2 .*positions 18\.\.26.*rebuild root/);
  });

  it('names a removed event by its stream and position', async () => {
    const { lines, digests } = trail();
    lines.splice(4, 1); // e4: order-1, streamPosition 2, position 18
    const result = await run(lines, digests);
    expect(!result.ok && result.discrepancy).toMatch(/digest #2 .*has no event at position 18/);
  });

  it('names reordered events', async () => {
    const { lines, digests } = trail();
    [lines[1], lines[4]] = [lines[4], lines[1]];
    const result = await run(lines, digests);
    expect(!result.ok && result.discrepancy).toMatch(
      /line 3 \(position 14, stream order-2\) comes after position 18: the export is out of order/,
    );
  });

  it('refuses a forged digest and a dropped one', async () => {
    const { lines, digests } = trail();
    const forged = [digests[0], { ...digests[1], rootHash: digests[2].rootHash }, digests[2]];
    expect(await run(lines, forged)).toEqual({
      ok: false,
      discrepancy: expect.stringMatching(/digest #2 .*signature does not verify/),
    });
    const dropped = [digests[0], digests[2]];
    expect(await run(lines, dropped)).toEqual({
      ok: false,
      discrepancy: expect.stringMatching(/digest #3 .*#2 missing from the chain/),
    });
  });

  it('refuses an edited line that is no longer canonical', async () => {
    const { lines, digests } = trail();
    lines[0] = lines[0].replace('{"data"', '{ "data"');
    expect(await run(lines, digests)).toEqual({
      ok: false,
      discrepancy: expect.stringMatching(/line 1 is not in its canonical form/),
    });
  });
});
