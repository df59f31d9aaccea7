// The pure parts of a migration: a task's new due date and standard from its clock start, and the overdue mark.
import t from 'tap';
import type { DefinitionVersion } from '../../src/definitions/definitions-repository.js';
import { planTaskMoves } from '../../src/instances/migration-checks.js';
import type { SopMetadata, SopStep } from '../../src/sop/sop-metadata.js';
import { defaultCalendar } from '../../src/sop/working-calendar.js';
import type { TaskRecord } from '../../src/tasks/tasks-repository.js';

const step = (elementId: string, iso: string | null, initiator = false): SopStep => ({
  elementId,
  no: '1',
  activity: `Langkah ${elementId}`,
  role: 'uji/staf',
  roleName: 'Staf',
  initiator,
  requires: [],
  output: [],
  timeStandard: iso ? { text: iso, iso } : null,
  confidential: false,
  startsAt: null,
  note: null,
  form: [],
});
const version = (n: number, steps: SopStep[]): DefinitionVersion =>
  ({ id: `v${n}`, key: 'uji', version: n, name: 'Uji', hash: '', deployedBy: null, deployedAt: '', source: null, metadata: { steps } as unknown as SopMetadata }) as DefinitionVersion;
const task = (over: Partial<TaskRecord>): TaskRecord => ({ id: 't', elementId: 'a', createdAt: '2026-03-02T01:00:00.000Z', startsAt: null, dueAt: '2026-03-02T02:00:00.000Z', standardMs: 3_600_000, overdueAt: null, name: 'Langkah a', ...over }) as TaskRecord;

t.test('due date and standard from the clock start; the overdue mark goes when the new due date is ahead', async (t) => {
  const calendar = defaultCalendar('wib');
  const from = version(1, [step('a', 'PT1H')]);
  const to = version(2, [step('a', 'PT3H', true), step('x', null)]);
  const context = { startedBy: 'u1', target: (id: string) => (id === 'z' ? 'x' : id), executionIds: new Map([['t', 'a_1'], ['t2', 'x_1']]), calendar, now: new Date('2026-03-02T03:30:00Z') };
  const [longer] = planTaskMoves([task({ overdueAt: '2026-03-02T02:00:00.000Z' })], from, to, context);
  t.match(longer, { dueAt: { from: '2026-03-02T02:00:00.000Z', to: '2026-03-02T04:00:00.000Z' }, standardMs: { from: 3_600_000, to: 10_800_000 }, row: { overdue_at: null, candidate_user_id: 'u1', execution_id: 'a_1', version: 2 } });
  const [scheduled] = planTaskMoves([task({ startsAt: '2026-03-03T01:00:00.000Z', overdueAt: null })], from, to, context);
  t.equal(scheduled?.dueAt.to, '2026-03-03T04:00:00.000Z', 'a scheduled step counts from its startsAt');
  const [none] = planTaskMoves([task({ id: 't2', elementId: 'z', overdueAt: '2026-03-02T02:00:00.000Z' })], from, to, context);
  t.match(none, { to: 'x', timeStandard: { from: null, to: null }, dueAt: { to: null }, standardMs: { to: null }, row: { overdue_at: null, candidate_user_id: null } });
  const late = { ...context, now: new Date('2026-03-02T05:00:00Z') };
  t.equal(planTaskMoves([task({ overdueAt: '2026-03-02T02:00:00.000Z' })], from, to, late)[0]?.row.overdue_at, '2026-03-02T02:00:00.000Z', 'still overdue after the new due date');
});
