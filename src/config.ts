// Parses the service's configuration from the environment once; the only module that reads process.env.
import { z } from 'zod';
import { defaultKeyFile } from './audit/signing-key.js';
import { defaultContentKeyFile, parseContentKey } from './privacy/content-cipher.js';

/**
 * A whole number from the environment between `min` and `max`, `fallback` when unset. An empty value (`PORT=`) is
 * refused, not read as 0 as z.coerce would, which for PORT meant listening on a random port.
 */
const wholeNumber = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .min(1, `is empty: unset it for the default (${fallback}) or give a whole number from ${min} to ${max}`)
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

const configSchema = z.object({
  PORT: wholeNumber(0, 65535, 3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .default('sqlite:./data/sop.db')
    .refine((v) => /^sqlite:.+/.test(v) || /^postgres(ql)?:\/\//.test(v), {
      message: 'must be sqlite:<file> or postgres://user@host:port/db',
    }),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PROCESSES_DIR: z.string().min(1).default('processes'),
  AUDIT_KEY_FILE: z.string().min(1).optional(),
  CONTENT_KEY: z
    .string()
    .refine((v) => {
      try {
        parseContentKey(v);
        return true;
      } catch {
        return false;
      }
    }, 'must be 32 bytes in base64 or hex')
    .optional(),
  CONTENT_KEY_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKERS: wholeNumber(1, 64, 1),
  ENGINE_CACHE_MIB: wholeNumber(0, 65536, 8),
  SQLITE_CACHE_MIB: wholeNumber(2, 4096, 16),
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\/[^/\s]+/.test(v), 'must be smtp://[user:pass@]host[:port] or smtps://…')
    .optional(),
  MAIL_FROM: z.string().trim().min(3).max(320).optional(),
  WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters (or whsec_<base64>)').optional(),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  OUTBOX_POLL_MS: wholeNumber(0, 3_600_000, 5000),
  JOB_POLL_MS: wholeNumber(0, 3_600_000, 10_000),
  BUILTIN_SEND_WORKERS: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  /** When set, always accepted as an admin's token. */
  adminToken: string | undefined;
  /** Every `.bpmn` file in this folder is deployed at start. */
  processesDir: string;
  /** The Ed25519 key (PKCS#8 PEM) that signs audit checkpoints; made at first start when missing. */
  auditKeyFile: string;
  /** AES-256-GCM key sealing confidential step content: CONTENT_KEY when given, else the key file. */
  contentKey: string | undefined;
  /** Made at first start when missing (mode 0600), beside the SQLite file or in ./data. */
  contentKeyFile: string;
  logLevel: string;
  /** Service processes sharing the port (node:cluster); 1 = this process serves alone. */
  workers: number;
  /** Budget of the live bpmn-engine engines kept between requests, in MiB of estimated heap; 0 keeps none. */
  engineCacheMiB: number;
  /** SQLite page cache of the serving connection, in MiB (better-sqlite3's own default is 16,000 KiB). */
  sqliteCacheMiB: number;
  /** Longest sleep of the timer job executor between looks for due jobs, in ms; 0 runs no executor in this process. */
  jobPollMs: number;
  /** Where notifications go; a channel left unset keeps its messages in the outbox as `undeliverable`. */
  notifications: NotificationConfig;
  /** Whether external tasks of topics notify.email and notify.webhook are served in-process (send-task-worker.ts). */
  builtinSendWorkers: boolean;
}

/** The outbox's channels and its dispatcher's poll. */
export interface NotificationConfig {
  /** nodemailer's SMTP connection URL; undefined: no e-mail is sent. */
  smtpUrl: string | undefined;
  /** The From header of every notification e-mail (default `SOP BPMN <noreply@<PUBLIC_URL's host>>`). */
  mailFrom: string;
  /** The receiver of every webhook notification; undefined: no webhook is sent. */
  webhookUrl: string | undefined;
  /** The Standard Webhooks signing secret: `whsec_<base64>` as that spec writes it, or any other text used as is. */
  webhookSecret: string | undefined;
  /** The web page's address, for links in notifications, without a trailing slash. */
  publicUrl: string;
  /** How often each process looks for messages to deliver, in ms; 0 = never by itself (tests call its tick). */
  pollMs: number;
}

export class ConfigError extends Error {}

/** @throws ConfigError when WEBHOOK_URL is set without WEBHOOK_SECRET: every webhook is signed. */
function notificationConfig(c: z.infer<typeof configSchema>): NotificationConfig {
  if (c.WEBHOOK_URL !== undefined && c.WEBHOOK_SECRET === undefined) throw new ConfigError('invalid configuration: WEBHOOK_SECRET: must be set when WEBHOOK_URL is (every webhook is signed)');
  const publicUrl = (c.PUBLIC_URL ?? `http://${c.HOST.includes(':') ? `[${c.HOST}]` : c.HOST}:${c.PORT}`).replace(/\/+$/, '');
  // An IPv6 literal is no mail domain.
  const host = new URL(publicUrl).hostname;
  return {
    smtpUrl: c.SMTP_URL,
    mailFrom: c.MAIL_FROM ?? `SOP BPMN <noreply@${host.includes(':') ? 'localhost' : host}>`,
    webhookUrl: c.WEBHOOK_URL,
    webhookSecret: c.WEBHOOK_SECRET,
    publicUrl,
    pollMs: c.OUTBOX_POLL_MS,
  };
}

/** Reads the configuration; throws a ConfigError naming each invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    databaseUrl: c.DATABASE_URL,
    adminToken: c.ADMIN_TOKEN,
    processesDir: c.PROCESSES_DIR,
    auditKeyFile: c.AUDIT_KEY_FILE ?? defaultKeyFile(c.DATABASE_URL),
    contentKey: c.CONTENT_KEY,
    contentKeyFile: c.CONTENT_KEY_FILE ?? defaultContentKeyFile(c.DATABASE_URL),
    logLevel: c.LOG_LEVEL,
    workers: c.WORKERS,
    engineCacheMiB: c.ENGINE_CACHE_MIB,
    sqliteCacheMiB: c.SQLITE_CACHE_MIB,
    notifications: notificationConfig(c),
    jobPollMs: c.JOB_POLL_MS,
    builtinSendWorkers: c.BUILTIN_SEND_WORKERS === 'on',
  };
}
