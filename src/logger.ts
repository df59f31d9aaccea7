// The logging surface the domain services use: pino's methods, so Fastify's request and app loggers fit.
import type { LogFn } from 'pino';

export interface Logger {
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  debug: LogFn;
}
