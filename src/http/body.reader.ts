import type { IncomingMessage } from 'node:http';
import { HttpError } from './error.response';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * How much of a streamed body beyond the limit is read and dropped, as a multiple of the limit:
 * the 413 is answered at once, and the client, still sending, must be able to read it. Closing
 * the connection while it sends would reset it (and the answer with it); a client that sends
 * more than this is cut off.
 */
const DRAIN_FACTOR = 4;

/** The request body as UTF-8 text; 413 beyond `limit` bytes (declared or streamed), 400 for invalid UTF-8. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new HttpError(413, 'BAD_REQUEST', `Request body exceeds ${limit} bytes`);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (!over) {
        // Over the limit (a chunked body declares no length): answered now, the rest dropped.
        over = true;
        chunks.length = 0;
        reject(tooLarge());
      } else if (size > DRAIN_FACTOR * limit) req.destroy();
    });
    req.on('end', () => {
      try {
        resolve(UTF8.decode(Buffer.concat(chunks)));
      } catch {
        reject(new HttpError(400, 'BAD_REQUEST', 'The request body is not valid UTF-8'));
      }
    });
    req.on('error', reject);
  });
}

/** The body of a GraphQL POST: parsed JSON for a JSON content type, else the text (Apollo refuses it). */
export async function readGraphqlBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const text = await readBody(req, limit);
  if (!(req.headers['content-type'] ?? '').includes('application/json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'The request body is not valid JSON');
  }
}
