// Indonesian wording of times, durations and statuses.
const ZONES: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' };

/** A date-time in the SOP's time zone, e.g. "2 Mar 2026 08.05 WIB". */
export function formatTime(iso: string | null | undefined, timeZone = 'Asia/Jakarta'): string {
  if (!iso) return '–';
  const text = new Intl.DateTimeFormat('id-ID', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
  return `${text} ${ZONES[timeZone] ?? timeZone}`;
}

/** A duration of working time: "45 menit", "2 jam 5 menit". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} detik`;
  if (minutes < 60) return `${minutes} menit`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} jam ${rest} menit` : `${hours} jam`;
}

export const STATUS: Record<string, string> = {
  open: 'Terbuka',
  claimed: 'Diklaim',
  completed: 'Selesai',
  cancelled: 'Dibatalkan',
  running: 'Berjalan',
};

export function percent(share: number | null): string {
  return share === null ? '–' : `${Math.round(share * 100)}%`;
}
