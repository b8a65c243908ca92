import { InvalidArtifactRefError, type ArtifactRef } from '../ports/artifact-store.port';
import { CdnArtifactStore } from './cdn-artifact.store';

const ref: ArtifactRef = {
  offerId: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW',
  productId: 'DG7GMGF0D7FV',
  version: '2022',
  language: 'en-US',
  bitness: 'x64',
};

describe('CdnArtifactStore', () => {
  it('redirects to <CDN_BASE_URL>/<productId>/<version>/<language>/<bitness>/<file>', async () => {
    const store = new CdnArtifactStore({ baseUrl: 'https://bits.example.net/csp/' });
    await expect(store.redirectUrl(ref)).resolves.toBe(
      'https://bits.example.net/csp/DG7GMGF0D7FV/2022/en-US/x64/DG7GMGF0D7FV_2022_en-US_x64.iso',
    );
  });

  it('refuses references that would leave the base path', async () => {
    const store = new CdnArtifactStore({ baseUrl: 'https://bits.example.net/csp' });
    await expect(store.redirectUrl({ ...ref, version: '..' })).rejects.toBeInstanceOf(InvalidArtifactRefError);
    await expect(store.redirectUrl({ ...ref, language: 'en?x=1' })).rejects.toBeInstanceOf(InvalidArtifactRefError);
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => new CdnArtifactStore({ baseUrl: 'file:///etc' })).toThrow(/http/);
    expect(() => new CdnArtifactStore({ baseUrl: 'not a url' })).toThrow();
  });

  it('streams the bits through open() for callers that proxy them', async () => {
    const calls: string[] = [];
    const fakeFetch = (async (url: string) => {
      calls.push(url);
      return new Response('bits', { headers: { 'content-length': '4', 'content-type': 'application/octet-stream' } });
    }) as unknown as typeof fetch;
    const store = new CdnArtifactStore({ baseUrl: 'https://bits.example.net', fetch: fakeFetch });
    const opened = await store.open(ref);
    const chunks: Buffer[] = [];
    for await (const chunk of opened.stream) chunks.push(Buffer.from(chunk as Uint8Array));
    expect(Buffer.concat(chunks).toString()).toBe('bits');
    expect(opened).toMatchObject({ size: 4, fileName: 'DG7GMGF0D7FV_2022_en-US_x64.iso' });
    expect(calls).toEqual(['https://bits.example.net/DG7GMGF0D7FV/2022/en-US/x64/DG7GMGF0D7FV_2022_en-US_x64.iso']);
  });
});
