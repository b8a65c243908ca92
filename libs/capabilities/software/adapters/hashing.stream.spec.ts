import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { createHashingStream } from './hashing.stream';

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('createHashingStream', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'hashing-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the bytes through and digests exactly what sha256sum computes of the file', async () => {
    const file = join(dir, 'bits.bin');
    const content = Buffer.alloc(300_000);
    for (let i = 0; i < content.length; i++) content[i] = (i * 31 + 7) & 0xff;
    writeFileSync(file, content);
    const hashing = createHashingStream(createReadStream(file, { highWaterMark: 4096 }));
    const served = await drain(hashing.stream);
    expect(served.equals(content)).toBe(true);
    const sha256sum = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
    await expect(hashing.digest()).resolves.toEqual({ sha256: sha256sum, bytes: content.length });
  });

  it('works when the caller pipes into it, and for an empty stream', async () => {
    const hashing = createHashingStream();
    await pipeline(Readable.from([]), hashing.stream, new Writable({ write: (_c, _e, cb) => cb() }));
    await expect(hashing.digest()).resolves.toEqual({
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      bytes: 0,
    });
  });

  it('rejects the digest when the source fails or the transfer is aborted', async () => {
    const source = new PassThrough();
    const failing = createHashingStream(source);
    source.write('partial');
    source.destroy(new Error('disk gone'));
    await expect(failing.digest()).rejects.toThrow();

    const aborted = createHashingStream(Readable.from([Buffer.from('abc')]));
    aborted.stream.destroy();
    await expect(aborted.digest()).rejects.toThrow(/closed before the end/);
  });

  it('property: digest equals the SHA-256 of the concatenated chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 2000 }), { maxLength: 20 }), async (chunks) => {
        const buffers = chunks.map((c) => Buffer.from(c));
        const hashing = createHashingStream(Readable.from(buffers));
        await drain(hashing.stream);
        const all = Buffer.concat(buffers);
        const d = await hashing.digest();
        return d.bytes === all.length && d.sha256 === createHash('sha256').update(all).digest('hex');
      }),
      { numRuns: 100 },
    );
  });
});
