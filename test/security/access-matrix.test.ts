// One table of role × route → expected answer, over every route of the OpenAPI document: unit scope, applicants'
// own cases, delegation (running and ended) and confidential content included. Each persona's cell is checked by
// a real request against the app; a mutating route gets a fresh case per cell so one cell cannot change another.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ADMIN_TOKEN, REPO_PROCESSES, startApp, type TestApp } from '../helpers/app.js';
import { advanceCase } from '../helpers/drive-case.js';

const NTB = 'bkd-ntb-konseling-psikologi';
const DAY = 86_400_000;

const PERSONAS = [
  'anonymous',
  'deactivated',
  'admin',
  'owner',
  'ownerUnit',
  'ownerOther',
  'auditor',
  'auditorUnit',
  'auditorOther',
  'applicant',
  'otherApplicant',
  'staff',
  'konselor',
  'outsider',
  'delegate',
  'delegateEnded',
  'worker',
] as const;
type Persona = (typeof PERSONAS)[number];

const ROLES: Record<Exclude<Persona, 'anonymous' | 'admin'>, string[]> = {
  deactivated: ['bkd-ntb/admin-uppk'],
  owner: ['owner'],
  ownerUnit: ['owner:bkd-ntb'],
  ownerOther: ['owner:ipdn'],
  auditor: ['auditor'],
  auditorUnit: ['auditor:bkd-ntb'],
  auditorOther: ['auditor:ipdn'],
  applicant: ['bkd-ntb/asn'],
  otherApplicant: ['bkd-ntb/asn'],
  staff: ['bkd-ntb/admin-uppk'],
  konselor: ['bkd-ntb/konselor'],
  outsider: ['ipdn/konselor'],
  delegate: [],
  delegateEnded: [],
  worker: ['worker'],
};

/** An expected answer: a status, or for a list whether the case's item is in it. */
type Expect = number | 'listed' | 'unlisted';

interface Fixture {
  users: Record<Persona, { id: string; token: string | undefined }>;
  /** The case: started by `applicant`, its first two (applicant) steps done, `verify-and-schedule` open for admin-uppk. */
  instanceId: string;
  taskId: string;
  /** A file uploaded by `staff` to the open task. */
  attachmentId: string;
  /** `write-notes` of a second case, completed with confidential notes by `konselor`. */
  notesTaskId: string;
  /** A user whose roles and token the admin routes change. */
  targetId: string;
  checkpoint: unknown;
  ntbXml: string;
}

interface Request {
  method: string;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

let calendarSerial = 0;
let formSerial = 0;

interface Row {
  route: string;
  /** Builds the request; `fresh` is a new case for a mutating route. */
  request(f: Fixture, fresh: FreshCase | undefined): Request;
  fresh?: 'open' | 'claimed' | 'delegation';
  expect: Partial<Record<Persona, Expect>> & { others: Expect };
  /** For list routes: is the fixture's item in this answer? */
  listed?(f: Fixture, body: unknown): boolean;
}

interface FreshCase {
  instanceId: string;
  taskId: string;
  delegationId?: string;
}

const completion = {
  documents: [{ name: 'Jadwal konseling secara luring atau daring' }],
  output: [{ name: 'Jadwal konseling' }],
  variables: { modus: 'luring', jadwalSesi: '2026-03-03T09:00:00+08:00' },
};

const items = (body: unknown) => (body as { items: Array<Record<string, unknown>> }).items;

/** The lane and unit staff who may read the open task, and those who may act on it. */
const readers = { admin: 200, owner: 200, ownerUnit: 200, auditor: 200, auditorUnit: 200, staff: 200, delegate: 200 } as const;
/** Those to whom the case does not exist. */
const strangers = { otherApplicant: 404, ownerOther: 404, auditorOther: 404, outsider: 404, delegateEnded: 404, worker: 404 } as const;

/** Camunda's external-task API: workers only; a task that does not exist is Camunda's 404. */
const engineRest = (route: string, method: string, url: string, body: unknown | undefined, worker: number): Row => ({ route, request: () => ({ method, url, ...(body === undefined ? {} : { body }) }), expect: { worker, others: 403 } });
const WORKER = { workerId: 'matrix' };

const MATRIX: Row[] = [
  engineRest('POST /engine-rest/external-task/fetchAndLock', 'POST', '/engine-rest/external-task/fetchAndLock', { ...WORKER, maxTasks: 1, topics: [{ topicName: 'uji.none', lockDuration: 1000 }] }, 200),
  engineRest('GET /engine-rest/external-task', 'GET', '/engine-rest/external-task', undefined, 200),
  engineRest('GET /engine-rest/external-task/:id', 'GET', '/engine-rest/external-task/none', undefined, 404),
  engineRest('POST /engine-rest/external-task/:id/complete', 'POST', '/engine-rest/external-task/none/complete', WORKER, 404),
  engineRest('POST /engine-rest/external-task/:id/failure', 'POST', '/engine-rest/external-task/none/failure', { ...WORKER, retries: 0 }, 404),
  engineRest('POST /engine-rest/external-task/:id/bpmnError', 'POST', '/engine-rest/external-task/none/bpmnError', { ...WORKER, errorCode: 'E' }, 404),
  engineRest('POST /engine-rest/external-task/:id/extendLock', 'POST', '/engine-rest/external-task/none/extendLock', { ...WORKER, newDuration: 1000 }, 404),
  engineRest('POST /engine-rest/external-task/:id/unlock', 'POST', '/engine-rest/external-task/none/unlock', undefined, 404),
  { route: 'GET /health', request: () => ({ method: 'GET', url: '/health' }), expect: { anonymous: 200, deactivated: 200, others: 200 } },
  { route: 'GET /docs/json', request: () => ({ method: 'GET', url: '/docs/json' }), expect: { anonymous: 200, deactivated: 200, others: 200 } },
  { route: 'GET /me', request: () => ({ method: 'GET', url: '/me' }), expect: { others: 200 } },
  // Each persona replaces their own token here and goes on with the new one (the ADMIN_TOKEN's is configuration).
  { route: 'PATCH /me', request: () => ({ method: 'PATCH', url: '/me', body: { notifications: { 'task.created': { email: false } } } }), expect: { others: 200 } },
  { route: 'GET /outbox', request: () => ({ method: 'GET', url: '/outbox?status=failed' }), expect: { admin: 200, others: 403 } },
  { route: 'POST /outbox/:id/retry', request: () => ({ method: 'POST', url: '/outbox/none/retry' }), expect: { admin: 404, others: 403 } },
  // Admins and every owner list incidents (a unit's owner sees its own units' only); nobody else.
  { route: 'GET /incidents', request: () => ({ method: 'GET', url: '/incidents' }), expect: { admin: 200, owner: 200, ownerUnit: 200, ownerOther: 200, others: 403 } },
  { route: 'POST /incidents/:id/retry', request: () => ({ method: 'POST', url: '/incidents/none/retry' }), expect: { admin: 404, owner: 404, ownerUnit: 404, ownerOther: 404, others: 403 } },
  { route: 'POST /me/token', request: () => ({ method: 'POST', url: '/me/token' }), expect: { admin: 409, others: 200 } },
  { route: 'POST /users', request: () => ({ method: 'POST', url: '/users', body: { name: 'Baru', roles: ['bkd-ntb/konselor'] } }), expect: { admin: 201, others: 403 } },
  { route: 'GET /users', request: () => ({ method: 'GET', url: '/users' }), expect: { admin: 200, others: 403 } },
  { route: 'PATCH /users/:id', request: (f) => ({ method: 'PATCH', url: `/users/${f.targetId}`, body: { roles: ['bkd-ntb/konselor'] } }), expect: { admin: 200, others: 403 } },
  { route: 'POST /users/:id/token', request: (f) => ({ method: 'POST', url: `/users/${f.targetId}/token` }), expect: { admin: 200, others: 403 } },

  {
    route: 'GET /definitions',
    request: () => ({ method: 'GET', url: '/definitions' }),
    listed: (_f, body) => items(body).some((d) => d.key === NTB),
    expect: { ownerOther: 'unlisted', auditorOther: 'unlisted', outsider: 'unlisted', delegateEnded: 'unlisted', worker: 'unlisted', others: 'listed' },
  },
  { route: 'GET /definitions/:key', request: () => ({ method: 'GET', url: `/definitions/${NTB}` }), expect: { ...strangers, otherApplicant: 200, others: 200 } },
  { route: 'GET /definitions/:key/xml', request: () => ({ method: 'GET', url: `/definitions/${NTB}/xml` }), expect: { ...strangers, otherApplicant: 200, others: 200 } },
  { route: 'GET /definitions/:key/sop', request: () => ({ method: 'GET', url: `/definitions/${NTB}/sop?format=html` }), expect: { ...strangers, otherApplicant: 200, others: 200 } },
  {
    // The same XML as the latest version: allowed callers get 200 and nothing changes.
    route: 'POST /definitions',
    request: (f) => ({ method: 'POST', url: '/definitions', body: f.ntbXml, headers: { 'content-type': 'application/xml' } }),
    expect: { admin: 200, owner: 200, ownerUnit: 200, others: 403 },
  },
  {
    // The same unit again: allowed callers get 200 and nothing changes.
    route: 'POST /definitions/:key/transfer',
    request: () => ({ method: 'POST', url: `/definitions/${NTB}/transfer`, body: { unit: 'bkd-ntb', reason: 'uji akses' } }),
    expect: { admin: 200, others: 403 },
  },
  {
    route: 'POST /definitions/:key/instances',
    request: () => ({ method: 'POST', url: `/definitions/${NTB}/instances`, body: {} }),
    expect: { ...strangers, admin: 201, applicant: 201, otherApplicant: 201, others: 403 },
  },

  {
    route: 'GET /instances',
    request: () => ({ method: 'GET', url: `/instances?definitionKey=${NTB}&limit=200` }),
    listed: (f, body) => items(body).some((i) => i.id === f.instanceId),
    expect: { otherApplicant: 'unlisted', ownerOther: 'unlisted', auditorOther: 'unlisted', outsider: 'unlisted', delegateEnded: 'unlisted', worker: 'unlisted', others: 'listed' },
  },
  { route: 'GET /instances/:id', request: (f) => ({ method: 'GET', url: `/instances/${f.instanceId}` }), expect: { ...strangers, others: 200 } },
  {
    route: 'POST /instances/:id/cancel',
    fresh: 'open',
    request: (_f, c) => ({ method: 'POST', url: `/instances/${c?.instanceId}/cancel`, body: { reason: 'uji akses' } }),
    expect: { admin: 200, owner: 200, ownerUnit: 200, ...strangers, others: 403 },
  },

  {
    route: 'GET /tasks',
    request: () => ({ method: 'GET', url: `/tasks?definitionKey=${NTB}&limit=200` }),
    listed: (f, body) => items(body).some((i) => i.id === f.taskId),
    expect: { admin: 'listed', staff: 'listed', delegate: 'listed', others: 'unlisted' },
  },
  { route: 'GET /tasks/:id', request: (f) => ({ method: 'GET', url: `/tasks/${f.taskId}` }), expect: { ...readers, ...strangers, others: 403 } },
  {
    route: 'GET /tasks/:id/content',
    request: (f) => ({ method: 'GET', url: `/tasks/${f.notesTaskId}/content` }),
    expect: { konselor: 200, ...strangers, others: 403 },
  },
  { route: 'POST /tasks/:id/claim', fresh: 'open', request: (_f, c) => ({ method: 'POST', url: `/tasks/${c?.taskId}/claim` }), expect: { admin: 200, staff: 200, delegate: 200, ...strangers, others: 403 } },
  {
    // Claimed by staff: staff gives it back, owners take it back from them, a delegate holding the role finds it taken.
    route: 'POST /tasks/:id/unclaim',
    fresh: 'claimed',
    request: (_f, c) => ({ method: 'POST', url: `/tasks/${c?.taskId}/unclaim` }),
    expect: { admin: 200, owner: 200, ownerUnit: 200, staff: 200, delegate: 409, ...strangers, others: 403 },
  },
  {
    route: 'POST /tasks/:id/assign',
    fresh: 'open',
    request: (f, c) => ({ method: 'POST', url: `/tasks/${c?.taskId}/assign`, body: { userId: f.users.staff.id } }),
    expect: { admin: 200, owner: 200, ownerUnit: 200, ...strangers, others: 403 },
  },
  {
    route: 'POST /tasks/:id/complete',
    fresh: 'open',
    request: (_f, c) => ({ method: 'POST', url: `/tasks/${c?.taskId}/complete`, body: completion }),
    expect: { admin: 200, staff: 200, delegate: 200, ...strangers, others: 403 },
  },
  {
    route: 'POST /tasks/:id/attachments',
    fresh: 'open',
    request: (_f, c) => multipart(`/tasks/${c?.taskId}/attachments`),
    expect: { admin: 201, staff: 201, delegate: 201, ...strangers, others: 403 },
  },
  { route: 'GET /attachments/:id', request: (f) => ({ method: 'GET', url: `/attachments/${f.attachmentId}` }), expect: { ...readers, ...strangers, others: 403 } },

  {
    route: 'GET /audit/instances/:id',
    request: (f) => ({ method: 'GET', url: `/audit/instances/${f.instanceId}` }),
    expect: { admin: 200, owner: 200, ownerUnit: 200, auditor: 200, auditorUnit: 200, ...strangers, others: 403 },
  },
  {
    route: 'GET /audit/report',
    request: () => ({ method: 'GET', url: `/audit/report?definitionKey=${NTB}` }),
    expect: { admin: 200, owner: 200, ownerUnit: 200, auditor: 200, auditorUnit: 200, ownerOther: 404, auditorOther: 404, others: 403 },
  },
  {
    route: 'GET /audit/breaches',
    request: () => ({ method: 'GET', url: `/audit/breaches?definitionKey=${NTB}` }),
    expect: { admin: 200, owner: 200, ownerUnit: 200, auditor: 200, auditorUnit: 200, ownerOther: 404, auditorOther: 404, others: 403 },
  },
  {
    route: 'GET /audit/export',
    request: () => ({ method: 'GET', url: `/audit/export?format=csv&definitionKey=${NTB}` }),
    expect: { admin: 200, auditor: 200, auditorUnit: 200, auditorOther: 404, others: 403 },
  },
  {
    route: 'GET /audit/events',
    request: () => ({ method: 'GET', url: '/audit/events' }),
    expect: { admin: 200, auditor: 200, auditorUnit: 200, auditorOther: 200, others: 403 },
  },
  { route: 'GET /audit/verify', request: () => ({ method: 'GET', url: '/audit/verify' }), expect: { admin: 200, auditor: 200, auditorUnit: 200, auditorOther: 200, others: 403 } },
  { route: 'GET /audit/checkpoint', request: () => ({ method: 'GET', url: '/audit/checkpoint' }), expect: { admin: 200, auditor: 200, auditorUnit: 200, auditorOther: 200, others: 403 } },
  {
    route: 'POST /audit/checkpoint/verify',
    request: (f) => ({ method: 'POST', url: '/audit/checkpoint/verify', body: f.checkpoint }),
    expect: { admin: 200, auditor: 200, auditorUnit: 200, auditorOther: 200, others: 403 },
  },

  { route: 'GET /calendars', request: () => ({ method: 'GET', url: '/calendars' }), expect: { others: 200 } },
  { route: 'PUT /calendars/:id', request: () => ({ method: 'PUT', url: '/calendars/wita', body: { name: 'WITA' } }), expect: { admin: 200, others: 403 } },
  { route: 'GET /calendars/:id/coverage', request: () => ({ method: 'GET', url: '/calendars/wita/coverage' }), expect: { others: 200 } },
  {
    // A preview only (no apply=true), so each cell sees the same calendar.
    route: 'PUT /calendars/:id/holidays',
    request: () => ({
      method: 'PUT',
      url: '/calendars/wita/holidays',
      body: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//uji//ID\r\nBEGIN:VEVENT\r\nUID:uji\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:Tahun Baru\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
      headers: { 'content-type': 'text/calendar' },
    }),
    expect: { admin: 200, others: 403 },
  },
  { route: 'GET /calendars/:id/holidays.ics', request: () => ({ method: 'GET', url: '/calendars/wita/holidays.ics' }), expect: { others: 200 } },
  {
    // A calendar of unit bkd-ntb over wita: its owners and admins create it, each call a new id.
    route: 'POST /calendars',
    request: () => ({ method: 'POST', url: '/calendars', body: { id: `bkd-ntb-${++calendarSerial}`, name: 'Kalender BKD NTB', inherits: 'wita', unit: 'bkd-ntb' } }),
    expect: { admin: 201, owner: 201, ownerUnit: 201, others: 403 },
  },

  {
    // Each persona lends admin-uppk: only its own holder may; a Plh. does not lend it further.
    route: 'POST /delegations',
    request: (f) => ({
      method: 'POST',
      url: '/delegations',
      body: { to: f.targetId, role: 'bkd-ntb/admin-uppk', from: '2026-04-10T00:00:00Z', until: '2026-04-11T00:00:00Z', reason: 'cuti' },
    }),
    expect: { staff: 201, others: 403 },
  },
  {
    // A fresh delegation by staff for each cell: its delegator and an admin end it; its delegate may not; to others it does not exist.
    route: 'POST /delegations/:id/revoke',
    fresh: 'delegation',
    request: (_f, c) => ({ method: 'POST', url: `/delegations/${c?.delegationId}/revoke` }),
    expect: { admin: 200, staff: 200, delegate: 403, others: 404 },
  },
  { route: 'GET /delegations', request: () => ({ method: 'GET', url: '/delegations' }), expect: { others: 200 } },
  { route: 'GET /engine-moves', request: () => ({ method: 'GET', url: '/engine-moves' }), expect: { admin: 200, others: 403 } },
  {
    // A new form id per cell: each allowed caller deploys version 1 of its own form.
    route: 'POST /forms',
    request: () => ({ method: 'POST', url: '/forms', body: { id: `matrix-form-${++formSerial}`, type: 'default', components: [{ type: 'textfield', key: 'x', label: 'X' }] } }),
    expect: { admin: 201, owner: 201, ownerUnit: 201, ownerOther: 201, others: 403 },
  },
  { route: 'GET /forms/:formId', request: () => ({ method: 'GET', url: '/forms/no-such-form' }), expect: { others: 404 } },
  // No case waits for these and no SOP of the fixture starts at them: a message finds none, a signal reaches none.
  { route: 'POST /messages', request: () => ({ method: 'POST', url: '/messages', body: { name: 'TidakAda' } }), expect: { others: 404 } },
  { route: 'POST /signals', request: () => ({ method: 'POST', url: '/signals', body: { name: 'TidakAda' } }), expect: { others: 200 } },
  { route: 'POST /condition', request: () => ({ method: 'POST', url: '/condition', body: { variables: {} } }), expect: { others: 404 } },
  {
    route: 'GET /definitions/:key/sop/diff',
    request: () => ({ method: 'GET', url: `/definitions/${NTB}/sop/diff?fromVersion=1&toVersion=1` }),
    expect: { ...strangers, otherApplicant: 200, others: 200 },
  },
  {
    // Access is checked before the plan: a permitted caller learns that a version cannot migrate to itself.
    route: 'POST /migrations',
    request: () => ({ method: 'POST', url: '/migrations', body: { definitionKey: NTB, fromVersion: 1, toVersion: 1, dryRun: true } }),
    expect: { admin: 400, owner: 400, ownerUnit: 400, others: 403 },
  },
  // Last, and in this order: no row after them starts a case on the version they suspend and resume again.
  {
    route: 'POST /definitions/:key/versions/:v/suspend',
    request: () => ({ method: 'POST', url: `/definitions/${NTB}/versions/1/suspend` }),
    expect: { admin: 200, owner: 200, ownerUnit: 200, others: 403 },
  },
  {
    route: 'POST /definitions/:key/versions/:v/resume',
    request: () => ({ method: 'POST', url: `/definitions/${NTB}/versions/1/resume` }),
    expect: { admin: 200, owner: 200, ownerUnit: 200, others: 403 },
  },
];

function multipart(url: string): Request {
  const boundary = 'matrix-boundary';
  return {
    method: 'POST',
    url,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="jadwal.txt"\r\nContent-Type: text/plain\r\n\r\njadwal\r\n--${boundary}--\r\n`,
  };
}

async function ok(app: TestApp, method: string, url: string, token: string | undefined, body?: unknown, expected = 200): Promise<Record<string, unknown>> {
  const res = await app.call(method, url, token, body);
  if (res.statusCode !== expected) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, unknown>;
}

t.test('role × route access matrix', async (t) => {
  const app = await startApp(t);
  const users = { anonymous: { id: '', token: undefined }, admin: { id: 'admin', token: ADMIN_TOKEN } } as Fixture['users'];
  for (const [persona, roles] of Object.entries(ROLES)) {
    const u = await app.user(roles, persona);
    users[persona as Persona] = u;
  }
  const token = (p: Persona) => users[p].token as string;
  // A delegation running now (the case's task is theirs while it runs), and one that ended yesterday.
  const now = app.clock.now.getTime();
  await ok(app, 'POST', '/delegations', token('staff'), { to: users.delegate.id, role: 'bkd-ntb/admin-uppk', from: new Date(now - DAY).toISOString(), until: new Date(now + 30 * DAY).toISOString(), reason: 'Plh. selama cuti' }, 201);
  await ok(app, 'POST', '/delegations', token('staff'), { to: users.delegateEnded.id, role: 'bkd-ntb/admin-uppk', from: new Date(now - 3 * DAY).toISOString(), until: new Date(now - DAY).toISOString(), reason: 'Plh. yang sudah berakhir' }, 201);
  await ok(app, 'PATCH', `/users/${users.deactivated.id}`, ADMIN_TOKEN, { active: false });

  // Read at each use: the POST /me/token row gives every persona a new token.
  const tokens = {
    get 'bkd-ntb/asn'() {
      return token('applicant');
    },
    get 'bkd-ntb/admin-uppk'() {
      return token('staff');
    },
    get 'bkd-ntb/konselor'() {
      return token('konselor');
    },
  };
  const newCase = async (): Promise<FreshCase> => {
    const instanceId = (await ok(app, 'POST', `/definitions/${NTB}/instances`, token('applicant'), {}, 201)).id as string;
    return { instanceId, taskId: (await advanceCase(app, instanceId, tokens, 'verify-and-schedule')).id };
  };
  let delegations = 0;
  /** A delegation of staff's role to the delegate, in a period of its own that has not ended. */
  const newDelegation = async (): Promise<FreshCase> => {
    const from = Date.parse('2026-05-01T00:00:00Z') + delegations++ * DAY;
    const made = await ok(app, 'POST', '/delegations', token('staff'), { to: users.delegate.id, role: 'bkd-ntb/admin-uppk', from: new Date(from).toISOString(), until: new Date(from + DAY / 2).toISOString(), reason: 'uji akses' }, 201);
    return { instanceId: '', taskId: '', delegationId: made.id as string };
  };
  const main = await newCase();
  const upload = await app.call('POST', `/tasks/${main.taskId}/attachments`, token('staff'), multipart('').body, multipart('').headers);
  const notesCase = (await ok(app, 'POST', `/definitions/${NTB}/instances`, token('applicant'), {}, 201)).id as string;
  const notesTaskId = (await advanceCase(app, notesCase, tokens, 'write-notes', { 'verify-and-schedule': { modus: 'luring', jadwalSesi: '2026-03-03T09:00:00+08:00' } })).id;
  await ok(app, 'POST', `/tasks/${notesTaskId}/complete`, token('konselor'), {
    documents: [{ name: 'Deskripsi hasil konseling' }],
    output: [{ name: 'Laporan hasil konseling', value: 'laporan rahasia' }],
    variables: { catatanRingkas: 'catatan rahasia' },
  });
  const target = await app.user(['bkd-ntb/konselor'], 'target');
  const fixture: Fixture = {
    users,
    instanceId: main.instanceId,
    taskId: main.taskId,
    attachmentId: upload.json().id as string,
    notesTaskId,
    targetId: target.id,
    checkpoint: (({ seq, hash, at, signature }) => ({ seq, hash, at, signature }))(await ok(app, 'GET', '/audit/checkpoint', ADMIN_TOKEN)),
    ntbXml: fs.readFileSync(path.join(REPO_PROCESSES, `${NTB}.bpmn`), 'utf8'),
  };

  // Every route of the OpenAPI document has its row (the Swagger UI's own pages aside).
  const doc = (await ok(app, 'GET', '/docs/json', undefined)) as { paths: Record<string, Record<string, unknown>> };
  const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`));
  const covered = new Set(MATRIX.map((r) => r.route));
  t.same(documented.filter((r) => !covered.has(r) && !r.startsWith('GET /docs')), [], 'every route is in the matrix');
  t.same([...covered].filter((r) => !documented.includes(r) && r !== 'GET /docs/json'), [], 'and the matrix names no route that does not exist');

  const failures: string[] = [];
  let cells = 0;
  for (const row of MATRIX) {
    for (const persona of PERSONAS) {
      const expected: Expect = row.expect[persona] ?? (persona === 'anonymous' || persona === 'deactivated' ? 401 : row.expect.others);
      const currentFresh = row.fresh === 'delegation' ? await newDelegation() : row.fresh ? await newCase() : undefined;
      if (row.fresh === 'claimed' && currentFresh) await ok(app, 'POST', `/tasks/${currentFresh.taskId}/claim`, token('staff'));
      const req = row.request(fixture, currentFresh);
      const res = await app.call(req.method, req.url, users[persona].token, req.body, req.headers);
      cells++;
      if (row.route === 'POST /me/token' && res.statusCode === 200) users[persona].token = res.json().token as string;
      let got: Expect = res.statusCode;
      if (typeof expected === 'string' && res.statusCode === 200 && row.listed) got = row.listed(fixture, res.json()) ? 'listed' : 'unlisted';
      if (got !== expected) failures.push(`${row.route} as ${persona}: expected ${expected}, got ${got} ${res.statusCode >= 400 ? res.body.slice(0, 160) : ''}`);
      // Under /engine-rest the body is Camunda's `{type, message, code}`, which names no status.
      else if (typeof expected === 'number' && expected >= 400 && (row.route.includes(' /engine-rest/') ? typeof res.json().type !== 'string' : res.json().statusCode !== expected)) failures.push(`${row.route} as ${persona}: the error body does not carry its status`);
    }
  }
  t.same(failures, [], `${cells} cells (${MATRIX.length} routes × ${PERSONAS.length} personas) answer as the matrix says`);

  // What the table cannot show: the refused calls left no trace in the audit trail of the main case.
  const events = (await ok(app, 'GET', `/audit/instances/${main.instanceId}`, ADMIN_TOKEN)).events as Array<{ type: string; userId: string }>;
  const strangersIds = new Set((['otherApplicant', 'ownerOther', 'auditorOther', 'outsider', 'delegateEnded', 'konselor', 'auditor'] as const).map((p) => users[p].id));
  t.notOk(events.some((e) => strangersIds.has(e.userId)), 'nobody refused left an event on the case');
  t.ok((await ok(app, 'GET', '/audit/verify', ADMIN_TOKEN)).ok, 'and the chain verifies');
});
