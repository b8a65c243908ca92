import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import {
  ArtifactNotFoundError,
  type ArtifactRef,
  type ArtifactStore,
  type OpenedArtifact,
} from '../ports/artifact-store.port';
import { artifactContentType, artifactDirectorySegments, defaultArtifactFileName } from './artifact-path';

export const DEFAULT_ARTIFACTS_DIR = './data/artifacts';
export const PLACEHOLDER_SIZE = 64 * 1024;

export interface LocalArtifactStoreOptions {
  /** ARTIFACTS_DIR; relative paths resolve against the working directory. */
  rootDir?: string;
  /** Create a placeholder when the bits are missing (the zero-setup local start); off, a missing file is a 404. */
  createPlaceholders?: boolean;
}

/**
 * Serves `<root>/<productId>/<version>/<language>/<bitness>/<file>`: the first regular file of that directory
 * (by name). Every segment is validated and the result must stay inside the root, so no reference escapes it.
 */
export class LocalArtifactStore implements ArtifactStore {
  readonly rootDir: string;
  private readonly createPlaceholders: boolean;

  constructor(options: LocalArtifactStoreOptions = {}) {
    this.rootDir = resolve(options.rootDir ?? DEFAULT_ARTIFACTS_DIR);
    this.createPlaceholders = options.createPlaceholders ?? true;
  }

  async open(ref: ArtifactRef): Promise<OpenedArtifact> {
    const directory = this.directoryOf(ref);
    let fileName = await firstFile(directory);
    if (fileName === undefined) {
      if (!this.createPlaceholders) throw new ArtifactNotFoundError(`No artifact for ${describe(ref)}`);
      fileName = defaultArtifactFileName(ref);
      await writePlaceholder(directory, fileName, ref);
    }
    const handle = await fs.open(this.inside(join(directory, fileName)), 'r');
    try {
      // Size from the opened descriptor, so it matches the bytes streamed even if the file is replaced meanwhile.
      const { size } = await handle.stat();
      return { stream: handle.createReadStream(), size, fileName, contentType: artifactContentType(fileName) };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The directory of an artifact, validated and checked to stay inside the root. */
  directoryOf(ref: ArtifactRef): string {
    return this.inside(join(this.rootDir, ...artifactDirectorySegments(ref)));
  }

  private inside(path: string): string {
    const resolved = resolve(path);
    const rel = relative(this.rootDir, resolved);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new ArtifactNotFoundError('Artifact path outside the artifacts directory');
    }
    return resolved;
  }
}

async function firstFile(directory: string): Promise<string | undefined> {
  let entries;
  try {
    entries = await fs.readdir(directory, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // Dotfiles include the placeholder's temporary files: never serve a half-written one.
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()[0];
}

function describe(ref: ArtifactRef): string {
  return `${ref.productId} ${ref.version} ${ref.language} ${ref.bitness}`;
}

/**
 * 64 KiB of deterministic bytes: a text header naming the bits, then a SHA-256 counter stream seeded by the
 * path, so every machine creates the same file (and the same SHA-256) for the same reference.
 */
export function placeholderContent(ref: ArtifactRef): Buffer {
  const [productId, version, language, bitness] = artifactDirectorySegments(ref);
  const header = Buffer.from(
    [
      'CSP-ORDERS PLACEHOLDER ARTIFACT',
      `product: ${productId}`,
      `offer: ${ref.offerId}`,
      `version: ${version}`,
      `language: ${language}`,
      `bitness: ${bitness}`,
      'placeholder — production serves the vendor’s bits from the CDN',
      '',
    ].join('\n'),
    'utf8',
  );
  const content = Buffer.alloc(PLACEHOLDER_SIZE);
  header.copy(content, 0, 0, Math.min(header.length, PLACEHOLDER_SIZE));
  const seed = `${productId}/${version}/${language}/${bitness}`;
  for (let offset = header.length, counter = 0; offset < PLACEHOLDER_SIZE; counter++) {
    const block = createHash('sha256').update(seed).update(String(counter)).digest();
    offset += block.copy(content, offset);
  }
  return content;
}

async function writePlaceholder(directory: string, fileName: string, ref: ArtifactRef): Promise<void> {
  await fs.mkdir(directory, { recursive: true });
  // Write then rename: concurrent first downloads each write the same bytes, and nobody reads a partial file.
  const temporary = join(directory, `.${fileName}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  await fs.writeFile(temporary, placeholderContent(ref));
  await fs.rename(temporary, join(directory, fileName));
}
