// Unknown query parameters answer 400 naming them on every documented route, instead of being ignored: a filter
// the route does not have (`GET /instances?businessKey=` before it existed) must not quietly return everything.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';

/**
 * The route's query schema with every other parameter refused (zod's `unrecognized_keys`, which the error handler
 * names `query.<name>` per parameter), with a message listing the parameters the route takes.
 */
export function strictQuery(schema: z.ZodObject | undefined): z.ZodObject {
  const shape = schema?.shape ?? {};
  const takes = Object.keys(shape);
  const message = takes.length > 0 ? `unknown query parameter: this route takes ${takes.join(', ')}` : 'unknown query parameter: this route takes none';
  return z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? message : undefined) });
}

/** Whether a route is one of the API's documented routes (the web page's files and /docs are hidden, and take none of this). */
function isApiRoute(route: RouteOptions): boolean {
  const schema = route.schema as { hide?: boolean } | undefined;
  return schema !== undefined && schema.hide !== true && !route.url.startsWith('/docs');
}

/** Makes the query schema of every API route registered after this call strict (see strictQuery). */
export function installStrictQuery(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!isApiRoute(route)) return;
    const schema = route.schema as { querystring?: unknown };
    if (schema.querystring === undefined || schema.querystring instanceof z.ZodObject) {
      route.schema = { ...route.schema, querystring: strictQuery(schema.querystring as z.ZodObject | undefined) };
    }
  });
}
