// Instances: start (holders of the start lane's role), list, read, cancel (owners, admins).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { currentUser } from '../auth/auth-plugin.js';
import { isAuditorOf, isOwnerOf } from '../auth/roles.js';
import type { User } from '../auth/users-repository.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { RESERVED_VARIABLE_NAMES } from '../engine/diagram-lockdown.js';
import type { DefinitionVersion } from '../definitions/definitions-repository.js';
import type { InstanceRecord } from '../instances/instances-repository.js';
import { maySeeEveryInstanceOf, maySeeInstance } from '../instances/instance-access.js';
import { decodeCursor, encodeCursor, keysetCursor } from '../http/cursor.js';
import { taskView } from '../tasks/task-view.js';
import { isCandidate } from '../tasks/task-access.js';
import { cancelBody, errorSchema, idParams, instanceDetail, instanceListQuery, instanceSchema, keyParams, pageOf, startBody } from './schemas.js';

const security = [{ bearer: [] }];

/** An instance as the API shows it; `childInstanceIds` are read by the caller (one query for a page). */
export function instanceView(i: InstanceRecord, childInstanceIds: string[]) {
  return {
    id: i.id,
    definitionKey: i.definitionKey,
    version: i.version,
    businessKey: i.businessKey,
    status: i.status,
    startedBy: i.startedBy,
    startedAt: i.startedAt,
    endedAt: i.endedAt,
    parentInstanceId: i.parentInstanceId,
    parentElementId: i.parentElementId,
    parentExecutionId: i.parentExecutionId,
    childInstanceIds,
  };
}

const isAfter = keysetCursor(['s', 'i']);

const instanceRoutes: FastifyPluginAsyncZod = async (app) => {
  const { workflow, instances, tasks, definitions, calendars, subscriptions } = app.services;

  /** The view of one instance, with its children read. */
  async function viewOf(instance: InstanceRecord) {
    return instanceView(instance, (await instances.childIds([instance.id])).get(instance.id) ?? []);
  }

  async function visible(user: User, id: string): Promise<{ instance: InstanceRecord; definition: DefinitionVersion }> {
    const instance = await instances.byId(id);
    if (!instance) throw new NotFoundError(`instance ${id} not found`);
    const definition = await workflow.definitionById(instance.definitionId);
    // Someone who may not see an instance is told it does not exist; a task's Camunda candidate or assignee (named by an
    // expression for this case) sees the case of that task.
    if (!maySeeInstance(user, instance, definition) && !(await tasks.forInstance(id)).some((t) => isCandidate(user, t) || t.assignee === user.id)) {
      throw new NotFoundError(`instance ${id} not found`);
    }
    return { instance, definition };
  }

  app.post(
    '/definitions/:key/instances',
    {
      schema: {
        tags: ['instances'],
        summary: 'Start an instance of the current version (or of `version`)',
        description: 'The current version is the newest whose Tanggal Efektif (00:00 in the SOP\'s zone) has come. A version scheduled or suspended answers 409 naming it (`details: {state, version, effective, effectiveFrom, suspendedAt}`).',
        security,
        params: keyParams,
        body: startBody,
        response: { 201: instanceSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const variables = request.body.variables ?? {};
      const reserved = Object.keys(variables).filter((k) => RESERVED_VARIABLE_NAMES.has(k));
      if (reserved.length > 0) throw new ValidationError('reserved variable names', reserved.map((name) => ({ name: `variables.${name}`, message: 'reserved name' })));
      const instance = await workflow.start(user, request.params.key, { ...request.body, variables });
      return reply.status(201).send(instanceView(instance, instance.childInstanceIds));
    },
  );

  app.get(
    '/instances',
    { schema: { tags: ['instances'], summary: 'Instances the caller may see', security, querystring: instanceListQuery, response: { 200: pageOf(instanceSchema), 400: errorSchema } } },
    async (request) => {
      const user = currentUser(request);
      const after = decodeCursor(request.query.cursor, isAfter);
      const latest = await definitions.listLatest();
      const everything = latest.every((d) => isOwnerOf(user, d.metadata.unit) || isAuditorOf(user, d.metadata.unit));
      const keys = latest.filter((d) => maySeeEveryInstanceOf(user, d)).map((d) => d.key);
      const rows = await instances.list({
        ...(request.query.definitionKey ? { definitionKey: request.query.definitionKey } : {}),
        ...(request.query.status ? { status: request.query.status } : {}),
        ...(request.query.businessKey === undefined ? {} : { businessKey: request.query.businessKey }),
        ...(everything ? {} : { visibleKeys: keys, orStartedBy: user.id }),
        limit: request.query.limit + 1,
        ...(after ? { after: { startedAt: after.s, id: after.i } } : {}),
      });
      const page = rows.slice(0, request.query.limit);
      const last = page[page.length - 1];
      const children = await instances.childIds(page.map((i) => i.id));
      return { items: page.map((i) => instanceView(i, children.get(i.id) ?? [])), nextCursor: rows.length > page.length && last ? encodeCursor({ s: last.startedAt, i: last.id }) : null };
    },
  );

  app.get(
    '/instances/:id',
    { schema: { tags: ['instances'], summary: 'One instance with its history and open tasks', security, params: idParams, response: { 200: instanceDetail, 404: errorSchema } } },
    async (request) => {
      const user = currentUser(request);
      const { instance, definition } = await visible(user, request.params.id);
      const all = await tasks.forInstance(instance.id);
      const calendar = await calendars.get(definition.metadata.calendar);
      return {
        ...(await viewOf(instance)),
        cancelReason: instance.cancelReason,
        steps: all.map((t) => ({
          taskId: t.id,
          elementId: t.elementId,
          step: t.step,
          name: t.name,
          role: t.role,
          status: t.status,
          assignee: t.assignee,
          createdAt: t.createdAt,
          completedAt: t.completedAt,
          dueAt: t.dueAt,
        })),
        openTasks: all.filter((t) => t.status === 'open' || t.status === 'claimed').map((t) => taskView(t, definition, instance.variables, calendar)),
        waitingFor: (await subscriptions.forInstance(instance.id)).map((w) => ({ kind: w.kind, name: w.name, elementId: w.elementId, createdAt: w.createdAt })),
      };
    },
  );

  app.post(
    '/instances/:id/cancel',
    { schema: { tags: ['instances'], summary: 'Cancel an instance, its open tasks and the cases its call activities started (owner, admin)', security, params: idParams, body: cancelBody, response: { 200: instanceSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema } } },
    async (request) => {
      const user = currentUser(request);
      await visible(user, request.params.id);
      return viewOf(await workflow.cancel(user, request.params.id, request.body.reason));
    },
  );
};

export default instanceRoutes;
