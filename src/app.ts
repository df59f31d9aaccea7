// Builds the Fastify app from a config object: database, migrations, deploy of processes/, routes. Never listens.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import { openDatabase } from './db/knex.js';
import { migrateToLatest } from './db/migrate.js';
import { createServices } from './services.js';
import { loadSigningKey } from './audit/signing-key.js';
import { contentCipher, loadContentKeyFile, parseContentKey } from './privacy/content-cipher.js';
import authPlugin from './auth/auth-plugin.js';
import { clientErrorHandler, frameworkErrors, installErrorHandler, MAX_PARAM_LENGTH, refusalOf } from './http/error-handler.js';
import canonicalInput from './http/canonical-input.js';
import securityHeaders, { DOCS_CONTENT_SECURITY_POLICY } from './http/security-headers.js';
import { installStrictQuery } from './http/strict-query.js';
import { openApiTransform } from './http/openapi-transform.js';
import healthRoutes from './routes/health-routes.js';
import userRoutes from './routes/user-routes.js';
import definitionRoutes from './routes/definition-routes.js';
import instanceRoutes from './routes/instance-routes.js';
import taskRoutes from './routes/task-routes.js';
import auditRoutes from './routes/audit-routes.js';
import calendarRoutes from './routes/calendar-routes.js';
import attachmentRoutes from './routes/attachment-routes.js';
import exportRoutes from './routes/export-routes.js';
import reportRoutes from './routes/report-routes.js';
import delegationRoutes from './routes/delegation-routes.js';
import engineMoveRoutes from './routes/engine-move-routes.js';
import formRoutes from './routes/form-routes.js';
import messageRoutes from './routes/message-routes.js';
import migrationRoutes from './routes/migration-routes.js';
import outboxRoutes from './routes/outbox-routes.js';
import incidentRoutes from './routes/incident-routes.js';
import engineRestRoutes from './routes/engine-rest-routes.js';
import webPlugin from './web/web-plugin.js';

export interface AppOptions {
  /** The service's notion of now; tests move it instead of sleeping. Default: the system clock. */
  clock?: () => Date;
  /** How long calendars are cached before a read reloads them (default 30 s); tests use 0 to reload on every read. */
  calendarRefreshMs?: number;
  /** How often the overdue sweeper runs (default 60 s); 0 turns it off (tests call sweepOnce themselves). */
  sweepIntervalMs?: number;
  /** Runs the timer job executor (default true, when JOB_POLL_MS > 0); tests turn it off and call runDue themselves. */
  jobExecutor?: boolean;
  /** A pino destination for tests that read the log. */
  logStream?: NodeJS.WritableStream;
}

export async function buildApp(config: Config, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logStream ? { level: config.logLevel, stream: options.logStream } : { level: config.logLevel },
    // Our own onResponse hook writes the one line per request.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // A request that arrives while closing answers 503 through the error handler (http/error-handler.ts).
    return503OnClosing: false,
    // Answers the router and Node's HTTP parser give before the error handler runs, in the contract's error shape.
    frameworkErrors,
    clientErrorHandler,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  await app.register(securityHeaders);
  installStrictQuery(app);

  // One log line per request, with the user and the outcome; a refusal adds its code and the names it gives.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime), userId: request.user?.id, ...refusalOf(request) },
      'request',
    );
  });

  const db = openDatabase(config.databaseUrl, {
    backgroundCheckpoints: { onError: (message) => app.log.warn({ err: message }, 'SQLite checkpoint failed') },
    cacheMiB: config.sqliteCacheMiB,
  });
  app.addHook('onClose', async () => {
    await db.close();
  });
  await migrateToLatest(db.knex);
  const keys = {
    signing: loadSigningKey(config.auditKeyFile),
    content: contentCipher(config.contentKey === undefined ? loadContentKeyFile(config.contentKeyFile) : parseContentKey(config.contentKey)),
  };
  const services = createServices(db, app.log, options.clock ?? (() => new Date()), keys, {
    engineCacheBytes: config.engineCacheMiB * 1024 * 1024,
    ...(options.calendarRefreshMs === undefined ? {} : { calendarRefreshMs: options.calendarRefreshMs }),
    notifications: config.notifications,
    builtinSendWorkers: config.builtinSendWorkers,
  });
  app.decorate('services', services);
  await services.accounts.ensureAdmin(config.adminToken);
  await services.calendars.seed();
  await services.calendars.logWarnings();
  const calendarCheck = setInterval(() => void services.calendars.logWarnings().catch((err: Error) => app.log.error({ err }, 'calendar check failed')), 24 * 3_600_000);
  calendarCheck.unref();
  app.addHook('onClose', async () => clearInterval(calendarCheck));
  const deployed = await services.deploy.deployFolder(config.processesDir);
  // Cases stored by the retired flow interpreter go to bpmn-engine before the first request.
  await services.flowCases.run();
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  if (sweepIntervalMs > 0) {
    const stop = services.sweeper.start(sweepIntervalMs);
    app.addHook('onClose', async () => stop());
  }
  if (options.jobExecutor !== false && config.jobPollMs > 0) {
    const stop = services.executor.start(config.jobPollMs);
    // Before onClose (where the database closes): stopping waits for the round under way, which needs the pool.
    app.addHook('preClose', async () => stop());
  }
  app.log.info({ processesDir: config.processesDir, definitions: deployed.map((d) => d.definitions[0]) }, 'processes deployed');
  // Long-polling fetches of other processes' external tasks wake through PostgreSQL's LISTEN.
  await services.externalTaskWakeups.start();
  app.addHook('preClose', async () => services.externalTaskWakeups.close());
  services.notifications.start();
  app.addHook('onClose', async () => services.notifications.close());
  // A change that committed may be news (a task for someone's role): the outbox is looked at soon after.
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) services.notifications.dispatcher.kick();
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'SOP BPMN service', description: 'Runs government SOPs as executable BPMN 2.0 and audits every step against its mutu baku.', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: openApiTransform,
    transformObject: jsonSchemaTransformObject,
  });
  // The API documentation is readable without a token; the hook must exist before swagger-ui adds its routes.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), public: true };
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', validatorUrl: null }, staticCSP: DOCS_CONTENT_SECURITY_POLICY });

  await app.register(canonicalInput);
  await app.register(authPlugin, { users: services.users, clock: services.clock });
  await app.register(healthRoutes);
  await app.register(userRoutes);
  await app.register(definitionRoutes);
  await app.register(instanceRoutes);
  await app.register(taskRoutes);
  await app.register(auditRoutes);
  await app.register(calendarRoutes);
  await app.register(attachmentRoutes);
  await app.register(exportRoutes);
  await app.register(reportRoutes);
  await app.register(delegationRoutes);
  await app.register(engineMoveRoutes);
  await app.register(formRoutes);
  await app.register(messageRoutes);
  await app.register(migrationRoutes);
  await app.register(outboxRoutes);
  await app.register(incidentRoutes);
  await app.register(engineRestRoutes, { prefix: '/engine-rest' });
  await app.register(webPlugin);
  return app;
}
