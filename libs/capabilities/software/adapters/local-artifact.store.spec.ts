import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { ArtifactNotFoundError, InvalidArtifactRefError, type ArtifactRef } from '../ports/artifact-store.port';
import { createHashingStream } from './hashing.stream';
import {
  DEFAULT_ARTIFACTS_DIR,
  LocalArtifactStore,
  PLACEHOLDER_SIZE,
  placeholderContent,
} from './local-artifact.store';

const ref: ArtifactRef = {
  offerId: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW',
  productId: 'DG7GMGF0D7FV',
  version: '2022',
  language: 'en-US',
  bitness: 'x64',
};

async function readAll(store: LocalArtifactStore, r: ArtifactRef) {
  const opened = await store.open(r);
  const hashing = createHashingStream(opened.stream);
  const chunks: Buffer[] = [];
  for await (const chunk of hashing.stream) chunks.push(chunk as Buffer);
  return { opened, content: Buffer.concat(chunks), digest: await hashing.digest() };
}

describe('LocalArtifactStore', () => {
  let root: string;
  let store: LocalArtifactStore;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'artifacts-'));
    store = new LocalArtifactStore({ rootDir: root });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('defaults to ./data/artifacts', () => {
    expect(new LocalArtifactStore().rootDir).toBe(resolve(DEFAULT_ARTIFACTS_DIR));
  });

  it('serves the file under <productId>/<version>/<language>/<bitness>/, hashed as sha256sum does', async () => {
    const dir = join(root, 'DG7GMGF0D7FV', '2022', 'en-US', 'x64');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'SW_DVD9_Win_Server_STD_2022.iso'), Buffer.from('real bits'));
    const { opened, content, digest } = await readAll(store, ref);
    expect(opened).toMatchObject({
      size: 9,
      fileName: 'SW_DVD9_Win_Server_STD_2022.iso',
      contentType: 'application/x-iso9660-image',
    });
    expect(content.toString()).toBe('real bits');
    const expected = execFileSync('sha256sum', [join(dir, opened.fileName)], { encoding: 'utf8' }).split(' ')[0];
    expect(digest).toEqual({ sha256: expected, bytes: 9 });
  });

  it('creates a deterministic 64 KiB placeholder when the bits are missing', async () => {
    const first = await readAll(store, ref);
    expect(first.opened.size).toBe(PLACEHOLDER_SIZE);
    expect(first.opened.fileName).toBe('DG7GMGF0D7FV_2022_en-US_x64.iso');
    const header = first.content.subarray(0, 400).toString('utf8');
    for (const part of ['DG7GMGF0D7FV', '2022', 'en-US', 'x64', 'placeholder — production serves']) {
      expect(header).toContain(part);
    }
    // Same bytes on every machine: another root gives the same file and digest.
    const other = mkdtempSync(join(tmpdir(), 'artifacts-'));
    try {
      const second = await readAll(new LocalArtifactStore({ rootDir: other }), ref);
      expect(second.digest).toEqual(first.digest);
      expect(second.content.equals(placeholderContent(ref))).toBe(true);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    const another = await readAll(store, { ...ref, language: 'de-DE' });
    expect(another.digest.sha256).not.toBe(first.digest.sha256);
    const file = join(root, 'DG7GMGF0D7FV', '2022', 'en-US', 'x64', first.opened.fileName);
    expect(readFileSync(file).equals(first.content)).toBe(true);
  });

  it('leaves no temporary file behind when many first downloads race', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => readAll(store, ref)));
    expect(new Set(results.map((r) => r.digest.sha256)).size).toBe(1);
    expect(readdirSync(join(root, 'DG7GMGF0D7FV', '2022', 'en-US', 'x64'))).toEqual([
      'DG7GMGF0D7FV_2022_en-US_x64.iso',
    ]);
  });

  it('answers not found when placeholders are off', async () => {
    const strict = new LocalArtifactStore({ rootDir: root, createPlaceholders: false });
    await expect(strict.open(ref)).rejects.toBeInstanceOf(ArtifactNotFoundError);
  });

  it.each([
    ['productId', '..'],
    ['productId', '.'],
    ['version', '../../etc'],
    ['language', 'en/US'],
    ['bitness', 'x64\\..'],
    ['language', ''],
    ['version', '%2e%2e'],
    ['bitness', 'x64\0'],
  ] as const)('refuses %s %j (path traversal)', async (field, value) => {
    await expect(store.open({ ...ref, [field]: value })).rejects.toBeInstanceOf(InvalidArtifactRefError);
  });

  it('property: whatever the reference, nothing is created outside the root', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '../..', '/', 'a/..', '..\\..', `../${outside.split('/').pop()}`),
      fc.string({ maxLength: 8 }),
    );
    try {
      await fc.assert(
        fc.asyncProperty(segment, segment, segment, segment, async (productId, version, language, bitness) => {
          try {
            const opened = await store.open({ ...ref, productId, version, language, bitness });
            opened.stream.destroy();
            return store.directoryOf({ ...ref, productId, version, language, bitness }).startsWith(`${root}/`);
          } catch (error) {
            return error instanceof InvalidArtifactRefError;
          }
        }),
        { numRuns: 200 },
      );
      expect(readdirSync(outside)).toEqual([]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
