/**
 * The aws-chunked body of streaming uploads, decoded as it arrives:
 *
 *   STREAMING-AWS4-HMAC-SHA256-PAYLOAD           `<hex>;chunk-signature=<sig>\r\n<data>\r\n` ... `0;chunk-signature=<sig>\r\n\r\n`
 *   STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER   the same, then trailer lines and `x-amz-trailer-signature:<sig>`
 *   STREAMING-UNSIGNED-PAYLOAD-TRAILER           `<hex>\r\n<data>\r\n` ... `0\r\n`, trailer lines, `\r\n`
 *
 * Each chunk signature chains from the previous one (the first from the request's signature) and
 * is checked when its chunk ends, before the chunk is passed on; the trailer signature chains from
 * the last chunk's. A bad signature or framing fails the stream, so nothing partial is published.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { s3 } from '../errors.js';
import { sameHex, type SignatureState } from './authenticator.js';
import { chunkStringToSign, sha256Hex, signatureHex, trailerStringToSign } from './canonical.js';

const MAX_LINE = 4096;
const CRLF = Buffer.from('\r\n');

export interface ChunkedOptions {
  /** Signed chunks (and signed trailer), with the verified head's signing state. */
  signing?: SignatureState;
  trailer: boolean;
  /** Receives each trailer header (lower-case name) once the trailer is read and verified. */
  onTrailer?: (headers: Map<string, string>) => void;
}

type Phase = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

export class AwsChunkedDecoder extends Transform {
  private phase: Phase = 'size';
  private line: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private chunkSignature = '';
  private chunkHash: Hash | undefined;
  private previousSignature: string;
  private readonly trailerLines: string[] = [];
  private finalChunk = false;

  constructor(private readonly options: ChunkedOptions) {
    super();
    this.previousSignature = options.signing?.seedSignature ?? '';
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    // A body cut short (or missing its final chunk) is refused: the object must not be published.
    if (this.phase !== 'done' && !(this.phase === 'trailer' && !this.options.trailer && this.line.length === 0)) {
      callback(s3.incompleteBody());
      return;
    }
    callback();
  }

  private consume(data: Buffer): void {
    let at = 0;
    while (at < data.length) {
      if (this.phase === 'data') {
        const take = Math.min(this.remaining, data.length - at);
        const piece = data.subarray(at, at + take);
        this.chunkHash?.update(piece);
        this.push(piece);
        this.remaining -= take;
        at += take;
        if (this.remaining === 0) {
          this.endChunk();
          this.phase = 'data-end';
        }
        continue;
      }
      if (this.phase === 'done') {
        if (data.subarray(at).every((b) => b === 0x0d || b === 0x0a)) return;
        throw s3.invalidRequest('Data after the final chunk of an aws-chunked body');
      }
      // Line-oriented phases: collect up to CRLF.
      const nl = data.indexOf(0x0a, at);
      const end = nl < 0 ? data.length : nl + 1;
      this.line = this.line.length ? Buffer.concat([this.line, data.subarray(at, end)]) : data.subarray(at, end);
      at = end;
      if (this.line.length > MAX_LINE) throw s3.invalidRequest('An aws-chunked line is too long');
      if (nl < 0) return;
      const text = this.line.subarray(0, this.line.length - (this.line.length >= 2 && this.line[this.line.length - 2] === 0x0d ? 2 : 1)).toString('latin1');
      this.line = Buffer.alloc(0);
      this.onLine(text);
    }
  }

  private onLine(text: string): void {
    switch (this.phase) {
      case 'size': {
        const [sizeText, ...extensions] = text.split(';');
        if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText ?? '')) throw s3.invalidRequest('Malformed aws-chunked chunk size');
        this.remaining = parseInt(sizeText!, 16);
        if (this.options.signing) {
          const ext = extensions.find((e) => e.startsWith('chunk-signature='));
          if (!ext) throw s3.signatureDoesNotMatch('A chunk of a signed streaming upload carries no chunk-signature');
          this.chunkSignature = ext.slice('chunk-signature='.length);
          this.chunkHash = createHash('sha256');
        }
        if (this.remaining === 0) {
          this.endChunk();
          this.finalChunk = true;
          this.phase = 'trailer';
        } else {
          this.phase = 'data';
        }
        return;
      }
      case 'data-end':
        if (text !== '') throw s3.invalidRequest('An aws-chunked chunk is longer than its declared size');
        this.phase = 'size';
        return;
      case 'trailer':
        if (text === '') {
          this.endTrailer();
          this.phase = 'done';
          return;
        }
        if (!this.options.trailer) throw s3.invalidRequest('Unexpected trailer in an aws-chunked body without x-amz-trailer');
        this.trailerLines.push(text);
        if (this.trailerLines.length > 16) throw s3.invalidRequest('Too many trailer headers');
        return;
      default:
        return;
    }
  }

  private endChunk(): void {
    const signing = this.options.signing;
    if (!signing) return;
    const digest = this.chunkHash!.digest('hex');
    const expected = signatureHex(signing.signingKey, chunkStringToSign(signing.amzDate, signing.scope, this.previousSignature, digest));
    if (!sameHex(expected, this.chunkSignature)) throw s3.signatureDoesNotMatch('The chunk signature does not match');
    this.previousSignature = expected;
  }

  private endTrailer(): void {
    if (!this.finalChunk) throw s3.incompleteBody();
    const headers = new Map<string, string>();
    let signature: string | undefined;
    for (const line of this.trailerLines) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw s3.invalidRequest('Malformed trailer header');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'x-amz-trailer-signature') signature = value;
      else headers.set(name, value);
    }
    const signing = this.options.signing;
    if (signing && this.options.trailer) {
      if (!signature) throw s3.signatureDoesNotMatch('The signed trailer carries no x-amz-trailer-signature');
      const canonical = [...headers].map(([n, v]) => `${n}:${v}\n`).join('');
      const expected = signatureHex(signing.signingKey, trailerStringToSign(signing.amzDate, signing.scope, this.previousSignature, sha256Hex(canonical)));
      if (!sameHex(expected, signature)) throw s3.signatureDoesNotMatch('The trailer signature does not match');
    }
    this.options.onTrailer?.(headers);
  }
}

export { CRLF };
