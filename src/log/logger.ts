import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The structured logger (pino: fast JSON lines). Authorization headers, passwords and tokens are
 * redacted wherever they appear in a logged object. `level` comes from the configuration
 * (`Config.logLevel`, i.e. `LOG_LEVEL`); `destination` defaults to stdout (tests capture the log
 * through it).
 */
export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    base: undefined,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.authorization',
        '*.cookie',
        '*.bindPassword',
        '*.*.bindPassword',
        '*.password',
        '*.token',
        '*.devToken',
        'token',
        'password',
        'bindPassword',
        'devToken',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
