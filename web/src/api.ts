// The REST client: bearer token from sessionStorage, JSON in and out, the server's error body kept whole.
import { CODE_TEXT, errorText } from './messages-id.js';
const TOKEN_KEY = 'sop-token';

export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  details?: {
    fields?: Array<{ name: string; message: string }>;
    problems?: Array<{ elementId: string; message: string }>;
    missing?: string[];
    state?: string;
    [key: string]: unknown;
  };
}

/** A refused request: `message` is the page's Indonesian for it, `body` the server's answer as sent (English message, stable code). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(errorText(body));
  }
}

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string): void => sessionStorage.setItem(TOKEN_KEY, value),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/** Called when the server answers 401: the page returns to sign-in. */
let onUnauthenticated: (message: string) => void = () => undefined;
export function whenUnauthenticated(handler: (message: string) => void): void {
  onUnauthenticated = handler;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (XML, FormData) instead of JSON. */
  raw?: BodyInit;
  contentType?: string;
}

async function request(method: string, url: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  const bearer = token.get();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let body: BodyInit | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    if (options.contentType) headers['content-type'] = options.contentType;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  } catch {
    throw new ApiError(0, { statusCode: 0, code: 'NETWORK', error: 'Network', message: CODE_TEXT.NETWORK as string });
  }
  if (!res.ok) {
    let parsed: ErrorBody;
    try {
      parsed = (await res.json()) as ErrorBody;
    } catch {
      parsed = { statusCode: res.status, code: `HTTP_${res.status}`, error: res.statusText, message: `${res.status} ${res.statusText}` };
    }
    const error = new ApiError(res.status, parsed);
    if (res.status === 401) onUnauthenticated(error.message);
    throw error;
  }
  return res;
}

export async function getJson<T>(url: string): Promise<T> {
  return (await (await request('GET', url)).json()) as T;
}

/** Every item of a paged list (`{items, nextCursor}`), following the cursor up to `max` items. */
export async function getAll<T>(url: string, max = 1000): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const page: { items: T[]; nextCursor: string | null } = await getJson(cursor ? `${url}${sep}cursor=${encodeURIComponent(cursor)}` : url);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return { items, truncated: cursor !== null };
}

export async function getText(url: string): Promise<string> {
  return (await request('GET', url)).text();
}

export async function getBlob(url: string): Promise<{ blob: Blob; filename: string | null }> {
  const res = await request('GET', url);
  const disposition = res.headers.get('content-disposition') ?? '';
  const match = /filename="([^"]+)"/.exec(disposition);
  return { blob: await res.blob(), filename: match?.[1] ?? null };
}

export async function send<T>(method: string, url: string, options: RequestOptions = {}): Promise<{ status: number; json: T }> {
  const res = await request(method, url, options);
  return { status: res.status, json: (await res.json()) as T };
}

/** `?a=1&b=2` from the defined entries. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}
