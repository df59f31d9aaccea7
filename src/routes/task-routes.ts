// Tasks: the caller's work list, one task, claim, unclaim and complete.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/auth-plugin.js';
import { isAdmin, isAnyOwner, isOwnerOf } from '../auth/roles.js';
import { ForbiddenError } from '../errors.js';
import { decodeCursor, encodeCursor, keysetCursor } from '../http/cursor.js';
import { mayRead } from '../tasks/task-access.js';
import { taskView } from '../tasks/task-view.js';
import type { TaskRecord, TaskStatus } from '../tasks/tasks-repository.js';
import { completeBody, confidentialContentSchema, errorSchema, idParams, pageOf, taskListQuery, taskSchema } from './schemas.js';

const security = [{ bearer: [] }];

const isAfter = keysetCursor(['d', 'i'], ['d']);

const taskRoutes: FastifyPluginAsyncZod = async (app) => {
  const { workflow, tasks, instances, confidential, clock, calendars, definitions } = app.services;

  /** The keys whose tasks without a role or candidates the caller does as its unit's owner (admins see all anyway). */
  async function ownedKeys(user: Parameters<typeof isOwnerOf>[0]): Promise<string[]> {
    if (isAdmin(user) || !isAnyOwner(user)) return [];
    return (await definitions.listLatest()).filter((d) => isOwnerOf(user, d.metadata.unit)).map((d) => d.key);
  }

  async function view(task: TaskRecord) {
    const definition = await workflow.definitionById(task.definitionId);
    // Instance variables matter only to options offered under a `when` condition; most steps have none.
    const step = definition.metadata.steps.find((s) => s.elementId === task.elementId);
    const conditional = step?.form.some((f) => f.options?.some((o) => o.when)) ?? false;
    const variables = conditional ? ((await instances.byId(task.instanceId))?.variables ?? {}) : {};
    return taskView(task, definition, variables, await calendars.get(definition.metadata.calendar));
  }

  app.get(
    '/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Tasks the caller may act on, by due date',
        description: 'Default status open+claimed. Ordered by dueAt (tasks without a due date last), then id.',
        security,
        querystring: taskListQuery,
        response: { 200: pageOf(taskSchema), 400: errorSchema },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const q = request.query;
      const after = decodeCursor(q.cursor, isAfter);
      const rows = await tasks.list({
        ...(isAdmin(user) ? {} : { visibleRoles: user.roles, ownedKeys: await ownedKeys(user) }),
        userId: user.id,
        ...(q.role ? { role: q.role } : {}),
        ...(q.assignee === 'me' ? { assigneeIsMe: true } : {}),
        ...(q.definitionKey ? { definitionKey: q.definitionKey } : {}),
        ...(q.instanceId ? { instanceId: q.instanceId } : {}),
        statuses: (q.status ? q.status.split(',') : ['open', 'claimed']) as TaskStatus[],
        ...(q.overdue === 'true' ? { overdueAt: clock().toISOString() } : {}),
        limit: q.limit + 1,
        ...(after ? { after: { dueAt: after.d, id: after.i } } : {}),
      });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: await Promise.all(page.map(view)),
        nextCursor: rows.length > page.length && last ? encodeCursor({ d: last.dueAt, i: last.id }) : null,
      };
    },
  );

  app.get('/tasks/:id', { schema: { tags: ['tasks'], summary: 'One task', security, params: idParams, response: { 200: taskSchema, 403: errorSchema, 404: errorSchema } } }, async (request) => {
    const user = currentUser(request);
    const { task, definition } = await workflow.visibleTask(user, request.params.id);
    if (!mayRead(user, task, definition.metadata.unit)) throw new ForbiddenError(`task ${task.id} is not yours to read`);
    return view(task);
  });

  app.get(
    '/tasks/:id/content',
    {
      schema: {
        tags: ['tasks'],
        summary: 'What was recorded at a confidential step (its author only)',
        description:
          'The text fields and output values recorded at a step marked confidential are stored sealed (AES-256-GCM). Only the user who recorded them reads them back, and each read is an audit event (content.read). Everyone else sees that content exists (`contentSealed` on the task), never the content: 403.',
        security,
        params: idParams,
        response: { 200: confidentialContentSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const { task } = await workflow.visibleTask(user, request.params.id);
      return confidential.taskContent(user, task);
    },
  );

  app.post(
    '/tasks/:id/claim',
    { schema: { tags: ['tasks'], summary: 'Claim a task', security, params: idParams, response: { 200: taskSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema } } },
    async (request) => view(await workflow.claim(currentUser(request), request.params.id)),
  );

  app.post(
    '/tasks/:id/unclaim',
    { schema: { tags: ['tasks'], summary: 'Give a claimed task back to its role', security, params: idParams, response: { 200: taskSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema } } },
    async (request) => view(await workflow.unclaim(currentUser(request), request.params.id)),
  );

  app.post(
    '/tasks/:id/assign',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Reassign an open task to another holder of its role (owner, admin)',
        description: 'The task becomes claimed by that user. 422 SOP_ERR_INVALID_FORM naming userId when the user does not hold the role; 409 when the task is done.',
        security,
        params: idParams,
        body: z.object({ userId: z.string().min(1).max(100) }).strict(),
        response: { 200: taskSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema },
      },
    },
    async (request) => view(await workflow.assign(currentUser(request), request.params.id, request.body.userId)),
  );

  app.post(
    '/tasks/:id/complete',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Complete a task with its kelengkapan, output and form values',
        description: 'Every `requires` name must be among `documents` (422 SOP_ERR_MISSING_DOCUMENTS), every `output` name among `output` (422 SOP_ERR_MISSING_OUTPUT), and `variables` must fit the form (422 SOP_ERR_INVALID_FORM).',
        security,
        params: idParams,
        body: completeBody,
        response: { 200: taskSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema },
      },
    },
    async (request) => view(await workflow.complete(currentUser(request), request.params.id, request.body)),
  );
};

export default taskRoutes;
