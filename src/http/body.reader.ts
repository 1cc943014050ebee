import type { IncomingMessage } from 'node:http';
import { HttpError } from './error.response';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The request body as UTF-8 text; 413 beyond `limit` bytes (declared or streamed), 400 for invalid UTF-8. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new HttpError(413, 'BAD_REQUEST', `Request body exceeds ${limit} bytes`);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(tooLarge());
        req.destroy();
      } else chunks.push(chunk);
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
