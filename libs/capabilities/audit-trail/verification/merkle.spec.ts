import fc from 'fast-check';
import vectors from '../merkle/fixtures/rfc6962-vectors.json';
import {
  CompactRange,
  consistencyProof,
  EMPTY_ROOT,
  fromHex,
  inclusionProof,
  leafHash,
  memoryNodes,
  nodeHash,
  nodesNeeded,
  rootHash,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

// Vectors: transparency-dev/merkle (testonly/constants.go, testdata/inclusion, testdata/consistency), copied as data
// into ../merkle/fixtures/rfc6962-vectors.json with the commit they came from.
const leaves = vectors.leafInputs.map((hex) => leafHash(fromHex(hex)));
const nodes = memoryNodes(leaves);
const hexes = (hs: Buffer[]): string[] => hs.map(toHex);

describe('RFC 6962 hashing (transparency-dev/merkle vectors)', () => {
  it('hashes the empty tree, every leaf and every perfect node as published', () => {
    expect(toHex(EMPTY_ROOT)).toBe(vectors.rootHashes[0]);
    vectors.nodeHashes.forEach((level, l) => level.forEach((hash, i) => expect(toHex(nodes(l, i))).toBe(hash)));
  });

  it('gives the published root of every tree size, stored or grown as a compact range', () => {
    const range = new CompactRange();
    vectors.rootHashes.forEach((root, size) => {
      expect(toHex(rootHash(nodes, size))).toBe(root);
      expect(toHex(range.root())).toBe(root);
      if (size < leaves.length) range.append(leaves[size]);
    });
  });
});

describe('inclusion proofs (RFC 9162 2.1.3)', () => {
  it.each(vectors.inclusion.map((v) => [v.file, v] as const))('%s', (_file, v) => {
    const ok = verifyInclusion(
      v.leafIndex,
      v.treeSize,
      fromHex(v.leafHash),
      v.proof.map(fromHex),
      fromHex(v.root ?? ''),
    );
    expect(ok).toBe(!v.wantErr);
  });

  it('produces the published proof for each valid vector of the 8-leaf tree', () => {
    const valid = vectors.inclusion.filter(
      (v) => !v.wantErr && v.treeSize <= leaves.length && v.root === vectors.rootHashes[v.treeSize],
    );
    expect(valid.length).toBeGreaterThan(0);
    for (const v of valid) expect(hexes(inclusionProof(nodes, v.leafIndex, v.treeSize))).toEqual(v.proof);
  });
});

describe('consistency proofs (RFC 9162 2.1.4)', () => {
  it.each(vectors.consistency.map((v) => [v.file, v] as const))('%s', (_file, v) => {
    const ok = verifyConsistency(
      v.size1,
      v.size2,
      fromHex(v.root1 ?? ''),
      fromHex(v.root2 ?? ''),
      v.proof.map(fromHex),
    );
    expect(ok).toBe(!v.wantErr);
  });

  it('produces the published proof for each valid vector of the 8-leaf tree', () => {
    const valid = vectors.consistency.filter(
      (v) => !v.wantErr && v.size2 <= leaves.length && v.root2 === vectors.rootHashes[v.size2],
    );
    expect(valid.length).toBeGreaterThan(0);
    for (const v of valid) expect(hexes(consistencyProof(nodes, v.size1, v.size2))).toEqual(v.proof);
  });
});

describe('properties', () => {
  const tree = fc.integer({ min: 1, max: 70 }).map((n) => {
    const ls = Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
    return { ls, nodes: memoryNodes(ls) };
  });
  const flip = (h: Buffer, bit: number): Buffer => {
    const c = Buffer.from(h);
    c[Math.floor(bit / 8) % c.length] ^= 1 << (bit % 8);
    return c;
  };

  it('every inclusion proof produced verifies; a flipped bit anywhere fails', () => {
    fc.assert(
      fc.property(tree, fc.nat(), fc.nat(), fc.nat(255), (t, a, b, bit) => {
        const size = (a % t.ls.length) + 1;
        const index = b % size;
        const root = rootHash(t.nodes, size);
        const proof = inclusionProof(t.nodes, index, size);
        expect(verifyInclusion(index, size, t.ls[index], proof, root)).toBe(true);
        expect(verifyInclusion(index, size, flip(t.ls[index], bit), proof, root)).toBe(false);
        expect(verifyInclusion(index, size, t.ls[index], proof, flip(root, bit))).toBe(false);
        if (proof.length > 0) {
          const at = bit % proof.length;
          const bad = proof.map((p, i) => (i === at ? flip(p, bit) : p));
          expect(verifyInclusion(index, size, t.ls[index], bad, root)).toBe(false);
        }
      }),
    );
  });

  it('every consistency proof produced verifies; a flipped bit anywhere fails', () => {
    fc.assert(
      fc.property(tree, fc.nat(), fc.nat(), fc.nat(255), (t, a, b, bit) => {
        const second = (a % t.ls.length) + 1;
        const first = (b % second) + 1;
        const r1 = rootHash(t.nodes, first);
        const r2 = rootHash(t.nodes, second);
        const proof = consistencyProof(t.nodes, first, second);
        expect(verifyConsistency(first, second, r1, r2, proof)).toBe(true);
        expect(verifyConsistency(first, second, flip(r1, bit), r2, proof)).toBe(false);
        expect(verifyConsistency(first, second, r1, flip(r2, bit), proof)).toBe(false);
        if (proof.length > 0) {
          const at = bit % proof.length;
          const bad = proof.map((p, i) => (i === at ? flip(p, bit) : p));
          expect(verifyConsistency(first, second, r1, r2, bad)).toBe(false);
        }
      }),
    );
  });

  it('a compact range grows to the same root and completes exactly the stored perfect nodes', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const range = new CompactRange();
        for (const l of t.ls) {
          for (const done of range.append(l)) expect(done.hash.equals(t.nodes(done.level, done.index))).toBe(true);
          expect(range.root().equals(rootHash(t.nodes, range.size))).toBe(true);
        }
        const reopened = new CompactRange(range.size, [...range.frontier]);
        expect(reopened.root().equals(range.root())).toBe(true);
      }),
    );
  });

  it('a proof reads only perfect nodes, all of them listed in advance', () => {
    fc.assert(
      fc.property(tree, fc.nat(), (t, a) => {
        const size = (a % t.ls.length) + 1;
        const needed = nodesNeeded((n) => inclusionProof(n, size - 1, size));
        expect(needed.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(size + 1)) + 1);
        const only = new Map(needed.map(([l, i]) => [`${l}:${i}`, t.nodes(l, i)]));
        const proof = inclusionProof((l, i) => only.get(`${l}:${i}`) as Buffer, size - 1, size);
        expect(hexes(proof)).toEqual(hexes(inclusionProof(t.nodes, size - 1, size)));
      }),
    );
  });

  it('node hashes are ordered: H(a, b) differs from H(b, a) for distinct children', () => {
    expect(nodeHash(leaves[0], leaves[1]).equals(nodeHash(leaves[1], leaves[0]))).toBe(false);
  });
});
