// The two ways a message leaves the service: e-mail through SMTP (nodemailer) and a signed webhook POST
// (Standard Webhooks). Each sends one outbox row and throws when the receiver did not take it.
import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { NotificationConfig } from '../config.js';
import type { Delivery } from './outbox-repository.js';
import type { Channel } from './preferences.js';

/** Sends one row; resolves when the receiver accepted it, rejects with the receiver's reason otherwise. */
export type Send = (delivery: Delivery, now: Date) => Promise<void>;

/** How long one attempt may take before it counts as failed, in ms (wall time). */
export const SEND_TIMEOUT_MS = 15_000;

/**
 * The signing key of Standard Webhooks: a `whsec_` secret is base64 after that prefix (as the spec and its
 * libraries write it); any other secret is used as its UTF-8 bytes.
 */
export function webhookKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

/**
 * The Standard Webhooks headers of one attempt: `webhook-id` (the idempotency key, the same on every attempt),
 * `webhook-timestamp` (the attempt's time, in seconds since the epoch, so a receiver can refuse replays) and
 * `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` (standardwebhooks.com, "Signature scheme").
 */
export function webhookHeaders(key: Buffer, id: string, now: Date, body: string): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

/** POSTs the row's payload to WEBHOOK_URL; any 2xx is delivered. */
function webhookSender(url: string, secret: string): Send {
  const key = webhookKey(secret);
  return async (delivery, now) => {
    const body = JSON.stringify(delivery.payload);
    const res = await fetch(url, { method: 'POST', headers: webhookHeaders(key, delivery.idempotencyKey, now, body), body, redirect: 'manual', signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
    // The receiver's body is not needed; reading it frees the connection.
    const text = await res.text().catch(() => '');
    if (res.status < 200 || res.status > 299) throw new Error(`webhook answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
  };
}

/**
 * A Message-ID made of the idempotency key (`:` is not allowed there), so a mail client or an archive can drop a
 * repeat; the key itself also travels in `X-Idempotency-Key`.
 */
export function messageId(key: string, publicUrl: string): string {
  return `<${key.replace(/[^A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/g, '.')}@${new URL(publicUrl).hostname.replace(/^\[|\]$/g, '') || 'localhost'}>`;
}

/** Sends the row as a plain-text mail to its address over SMTP_URL. */
function emailSender(config: NotificationConfig, smtpUrl: string): { send: Send; close: () => void } {
  const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: SEND_TIMEOUT_MS, greetingTimeout: SEND_TIMEOUT_MS, socketTimeout: SEND_TIMEOUT_MS });
  return {
    send: async (delivery) => {
      await transport.sendMail({
        from: config.mailFrom,
        to: delivery.address ?? '',
        subject: delivery.subject,
        text: delivery.body,
        messageId: messageId(delivery.idempotencyKey, config.publicUrl),
        headers: { 'X-Idempotency-Key': delivery.idempotencyKey },
      });
    },
    close: () => transport.close(),
  };
}

/** The configured channels' senders; a channel left unconfigured is absent. */
export function channelSenders(config: NotificationConfig): { senders: Partial<Record<Channel, Send>>; close: () => void } {
  const email = config.smtpUrl === undefined ? undefined : emailSender(config, config.smtpUrl);
  const senders: Partial<Record<Channel, Send>> = {};
  if (email) senders.email = email.send;
  if (config.webhookUrl !== undefined && config.webhookSecret !== undefined) senders.webhook = webhookSender(config.webhookUrl, config.webhookSecret);
  return { senders, close: () => email?.close() };
}
