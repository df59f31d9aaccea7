// Which version of a SOP new cases start on: the newest whose Tanggal Efektif has come (00:00 of that date in the
// SOP's zone), unless it is suspended. Pure: the caller reads the versions from the database at the time of the
// start, so every process of the service agrees whatever it has cached.
import { DateTime } from 'luxon';
import { NotFoundError, VersionNotStartableError } from '../errors.js';

/** What the lifecycle needs of a stored version. */
export interface VersionLife {
  id: string;
  version: number;
  /** The sheet's Tanggal Efektif, `YYYY-MM-DD`; null: in effect as soon as deployed. */
  effective: string | null;
  /** When an owner suspended it (ISO 8601), null while new cases may start on it. */
  suspendedAt: string | null;
}

export type VersionStatus = 'current' | 'scheduled' | 'superseded';

/** A version as `GET /definitions/:key` reports it: its status now and the instant it takes (or took) effect. */
export interface VersionLifeView extends VersionLife {
  /** 00:00 of `effective` in the SOP's zone, as an ISO 8601 UTC instant; null without a date. */
  effectiveFrom: string | null;
  status: VersionStatus;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Instants already computed, by date and zone: every start reads its key's versions (startableVersion), and luxon's
 * zone arithmetic was a visible share of a start's CPU. A zone's rules are fixed for the process's life (the tz
 * data ships with Node), so an entry never goes stale; the map is cleared when it reaches its bound.
 */
const effectiveInstants = new Map<string, string | null>();
const EFFECTIVE_INSTANTS_MAX = 10_000;

/**
 * 00:00 of `date` (`YYYY-MM-DD`) in the IANA zone `zone`, as an ISO 8601 UTC instant; null when `date` is absent or
 * not a full date (a sheet that prints only the year, "2026", takes effect when deployed).
 */
export function effectiveFrom(date: string | null, zone: string): string | null {
  if (date === null || !DATE.test(date)) return null;
  const key = `${date} ${zone}`;
  let instant = effectiveInstants.get(key);
  if (instant === undefined) {
    const local = DateTime.fromISO(date, { zone });
    instant = local.isValid ? (local.startOf('day').toUTC().toISO() as string) : null;
    if (effectiveInstants.size >= EFFECTIVE_INSTANTS_MAX) effectiveInstants.clear();
    effectiveInstants.set(key, instant);
  }
  return instant;
}

/** Each version with its status at `now`: scheduled until its effective instant, then current if it is the newest in effect. */
export function lifecycleOf(versions: readonly VersionLife[], zone: string, now: Date): VersionLifeView[] {
  const views = versions.map((v) => ({ ...v, effectiveFrom: effectiveFrom(v.effective, zone) }));
  const inEffect = (v: { effectiveFrom: string | null }) => v.effectiveFrom === null || Date.parse(v.effectiveFrom) <= now.getTime();
  const current = views.filter(inEffect).reduce<number | undefined>((max, v) => (max === undefined || v.version > max ? v.version : max), undefined);
  return views
    .map((v): VersionLifeView => ({ ...v, status: v.version === current ? 'current' : inEffect(v) ? 'superseded' : 'scheduled' }))
    .sort((a, b) => a.version - b.version);
}

/**
 * The version a new case of `key` starts on at `now`: `requested` when given, else the current one. A scheduled
 * version (not yet in effect) and a suspended one are refused, naming the version and its date.
 * @throws NotFoundError for a requested version that does not exist; VersionNotStartableError (409) for a version
 * scheduled or suspended, or when no version is in effect yet.
 */
export function startableVersion(key: string, versions: readonly VersionLife[], zone: string, now: Date, requested?: number): VersionLifeView {
  const views = lifecycleOf(versions, zone, now);
  const chosen = requested === undefined ? views.find((v) => v.status === 'current') : views.find((v) => v.version === requested);
  if (!chosen && requested !== undefined) throw new NotFoundError(`definition ${key} version ${requested} not found`);
  if (!chosen) {
    const first = views.find((v) => v.status === 'scheduled') as VersionLifeView;
    throw new VersionNotStartableError(`no version of ${key} is in effect yet: version ${first.version} takes effect on ${first.effective} (${first.effectiveFrom})`, 'scheduled', first);
  }
  if (chosen.status === 'scheduled') {
    throw new VersionNotStartableError(`version ${chosen.version} of ${key} takes effect on ${chosen.effective} (${chosen.effectiveFrom}): new cases start on it from then`, 'scheduled', chosen);
  }
  if (chosen.suspendedAt !== null) {
    throw new VersionNotStartableError(`version ${chosen.version} of ${key} is suspended since ${chosen.suspendedAt}: no new case starts on it until an owner resumes it`, 'suspended', chosen);
  }
  return chosen;
}
