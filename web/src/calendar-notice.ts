// The calendar a SOP counts on, and the calendars lacking confirmed holidays (GET /health), for the audit dashboard
// and the modeler: until a year's holidays are loaded its days count as working days.
import { getJson } from './api.js';
import { h, replace } from './dom.js';
import type { CalendarWarning } from './types.js';

const STATUS: Record<CalendarWarning['status'], string> = { none: 'belum memuat hari libur', provisional: 'baru memuat hari libur sementara' };

/** Fills `box` with one warning line per calendar and year, or empties it; a failed read leaves it empty. */
export async function showCalendarWarnings(box: HTMLElement): Promise<void> {
  const warnings = await getJson<{ calendarWarnings?: CalendarWarning[] }>('/health').then(
    (health) => health.calendarWarnings ?? [],
    () => [],
  );
  if (warnings.length === 0) return void replace(box);
  replace(
    box,
    h(
      'div',
      { class: 'notice warn' },
      h('strong', {}, 'Kalender kerja belum lengkap'),
      h(
        'ul',
        { class: 'details' },
        warnings.map((w) => h('li', { dataset: { calendar: w.calendar, year: String(w.year) } }, `Kalender ${w.calendar} ${STATUS[w.status]} resmi tahun ${w.year}: hari-hari itu dihitung sebagai hari kerja sampai admin memuatnya.`)),
      ),
    ),
  );
}

/** The line naming a SOP's calendar and its time zone. */
export function calendarLine(definition: { calendar?: string; timeZone: string }): string {
  return `Kalender kerja: ${definition.calendar ?? 'wib'} (${definition.timeZone})`;
}
