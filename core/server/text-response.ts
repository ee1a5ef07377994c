import { Readable } from 'node:stream';

/** What a response made of text chunks is held to before it streams instead (UTF-16 code units). */
export const HELD_RESPONSE_CHARS = 512 * 1024;

/**
 * A response body made of text chunks: one string when they all come within `holdChars`, else a
 * stream of every chunk (those already read first). A page of features is then written at once
 * with a Content-Length (no chunked encoding, no stream per response: on a small page that
 * machinery cost more than writing the features), and an error before the end of a held body
 * still becomes the service's exception report rather than a cut-off response. An export goes
 * past the limit and streams with memory bounded by it.
 */
export async function textResponse(chunks: AsyncIterable<string>, holdChars = HELD_RESPONSE_CHARS): Promise<string | Readable> {
  const iterator = chunks[Symbol.asyncIterator]();
  const held: string[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return held.length === 1 ? held[0]! : held.join('');
    held.push(next.value);
    size += next.value.length;
    if (size > holdChars) break;
  }
  async function* all(): AsyncGenerator<string> {
    let finished = false;
    try {
      yield* held.splice(0);
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          finished = true;
          return;
        }
        yield next.value;
      }
    } finally {
      // A response destroyed before its end (the client went away) ends the source too.
      if (!finished) await iterator.return?.();
    }
  }
  return Readable.from(all(), { objectMode: false });
}
