import pino, { type Logger } from 'pino';

/**
 * The structured logger (pino: fast JSON lines). Authorization headers, passwords and tokens are
 * redacted wherever they appear in a logged object.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: ['req.headers.authorization', '*.authorization', '*.bindPassword', '*.password', '*.token', 'token', 'password'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
