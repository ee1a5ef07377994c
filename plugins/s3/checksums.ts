/**
 * The checksums S3 clients send (x-amz-checksum-crc32, -crc32c, -sha1, -sha256, and Content-MD5),
 * computed incrementally over a body. CRC32 is node:zlib's (Node 20.15+); CRC32C (Castagnoli) has
 * no built-in, so it is a slice-by-8 table implementation here.
 */
import { createHash, type Hash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';

export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export function isChecksumAlgorithm(name: string): name is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(name);
}

/** Eight 256-entry tables of the reflected Castagnoli polynomial, for slice-by-8. */
const CRC32C_TABLES: Uint32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    tables[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 8; t++) tables[t]![n] = (tables[0]![tables[t - 1]![n]! & 0xff]! ^ (tables[t - 1]![n]! >>> 8)) >>> 0;
  }
  return tables;
})();

/** CRC32C of `data` continuing from `crc` (0 to start). */
export function crc32c(data: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC32C_TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let c = ~crc >>> 0;
  let i = 0;
  const end8 = data.length - (data.length % 8);
  for (; i < end8; i += 8) {
    const lo = (c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
    c =
      t7[lo & 0xff]! ^ t6[(lo >>> 8) & 0xff]! ^ t5[(lo >>> 16) & 0xff]! ^ t4[lo >>> 24]! ^
      t3[data[i + 4]!]! ^ t2[data[i + 5]!]! ^ t1[data[i + 6]!]! ^ t0[data[i + 7]!]!;
    c >>>= 0;
  }
  for (; i < data.length; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** An incremental checksum whose digest is S3's form: base64 of the big-endian bytes. */
export interface Checksum {
  update(chunk: Buffer): void;
  digestBase64(): string;
}

function crcChecksum(step: (data: Buffer, crc: number) => number): Checksum {
  let crc = 0;
  return {
    update(chunk) {
      crc = step(chunk, crc);
    },
    digestBase64() {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(crc >>> 0);
      return out.toString('base64');
    },
  };
}

function hashChecksum(hash: Hash): Checksum {
  return {
    update: (chunk) => hash.update(chunk),
    digestBase64: () => hash.digest('base64'),
  };
}

export function createChecksum(algorithm: ChecksumAlgorithm | 'md5'): Checksum {
  switch (algorithm) {
    case 'crc32':
      return crcChecksum((data, crc) => zlibCrc32(data, crc));
    case 'crc32c':
      return crcChecksum((data, crc) => crc32c(data, crc));
    case 'sha1':
    case 'sha256':
    case 'md5':
      return hashChecksum(createHash(algorithm));
  }
}

/** Length in bytes of each algorithm's digest, to refuse a malformed header value early. */
export const DIGEST_BYTES: Record<ChecksumAlgorithm | 'md5', number> = { crc32: 4, crc32c: 4, sha1: 20, sha256: 32, md5: 16 };
