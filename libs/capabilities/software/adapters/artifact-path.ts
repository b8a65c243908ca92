import { InvalidArtifactRefError, type ArtifactRef } from '../ports/artifact-store.port';

const SAFE_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** One path segment from untrusted input: the safe characters only, and never `.` or `..`. */
export function safeSegment(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > 200 || !SAFE_SEGMENT.test(value) || /^\.+$/.test(value)) {
    throw new InvalidArtifactRefError(field);
  }
  return value;
}

/** `<productId>/<version>/<language>/<bitness>`, each segment validated. */
export function artifactDirectorySegments(ref: ArtifactRef): [string, string, string, string] {
  return [
    safeSegment('productId', ref.productId),
    safeSegment('version', ref.version),
    safeSegment('language', ref.language),
    safeSegment('bitness', ref.bitness),
  ];
}

/** The file name used when nothing else names the bits (a placeholder locally, the object on the CDN). */
export function defaultArtifactFileName(ref: ArtifactRef): string {
  const [productId, version, language, bitness] = artifactDirectorySegments(ref);
  return `${productId}_${version}_${language}_${bitness}.iso`;
}

const CONTENT_TYPES: Record<string, string> = {
  '.iso': 'application/x-iso9660-image',
  '.zip': 'application/zip',
  '.exe': 'application/vnd.microsoft.portable-executable',
  '.msi': 'application/x-msi',
  '.img': 'application/octet-stream',
  '.vhd': 'application/octet-stream',
  '.vhdx': 'application/octet-stream',
};

/** Every media type a download may have (the OpenAPI document lists them). */
export const ARTIFACT_CONTENT_TYPES: readonly string[] = [...new Set(Object.values(CONTENT_TYPES))].sort();

export function artifactContentType(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return (dot >= 0 && CONTENT_TYPES[fileName.slice(dot).toLowerCase()]) || 'application/octet-stream';
}
