// What a user is notified of, and how: the kinds of notification, the channels, and each user's on/off choices.
import { z } from 'zod';

/**
 * The kinds of notification: a task for the user's role (or for them) was created, a task was assigned to them by an
 * owner, a task they may act on passed its due date, a case they started ended (completed or cancelled), an
 * escalation was thrown in a case of a unit they own (issue 21, "What is notified").
 */
export const NOTIFICATION_KINDS = ['task.created', 'task.assigned', 'task.overdue', 'case.ended', 'escalation'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** E-mail reaches a user at their `email`; the webhook (a WhatsApp gateway, say) reaches them at their `phone`. */
export const CHANNELS = ['email', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Every kind with both channels, as stored and shown: a kind or channel a user never set is on. */
export type Preferences = Record<NotificationKind, Record<Channel, boolean>>;

const channelChoices = z.object({ email: z.boolean().optional(), webhook: z.boolean().optional() }).strict();

/** A change of preferences (`PATCH /me {notifications}`): only the kinds and channels named change. */
export const preferencesPatchSchema = z
  .object(Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, channelChoices.optional()])) as Record<NotificationKind, z.ZodOptional<typeof channelChoices>>)
  .strict();
export type PreferencesPatch = z.infer<typeof preferencesPatchSchema>;

export const preferencesSchema = z
  .object(Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, z.object({ email: z.boolean(), webhook: z.boolean() })])) as Record<NotificationKind, z.ZodObject<{ email: z.ZodBoolean; webhook: z.ZodBoolean }>>)
  .meta({ id: 'NotificationPreferences' });

/** The stored choices (possibly partial, from an older release or a patch) with every gap filled as on. */
export function resolvePreferences(stored: PreferencesPatch | null | undefined): Preferences {
  return Object.fromEntries(
    NOTIFICATION_KINDS.map((k) => [k, { email: stored?.[k]?.email ?? true, webhook: stored?.[k]?.webhook ?? true }]),
  ) as Preferences;
}

/** `patch` laid over `current`. */
export function mergePreferences(current: PreferencesPatch | null | undefined, patch: PreferencesPatch): Preferences {
  const base = resolvePreferences(current);
  for (const k of NOTIFICATION_KINDS) {
    const p = patch[k];
    if (p?.email !== undefined) base[k].email = p.email;
    if (p?.webhook !== undefined) base[k].webhook = p.webhook;
  }
  return base;
}
