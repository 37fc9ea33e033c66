// buildApp(config, deps): the Gatehouse Fastify instance with its security layer, nothing listening.
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
  type RouteOptions,
} from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import pino, { type DestinationStream } from 'pino';
import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './data/database.ts';
import { accessLoggerOptions, loggerOptions } from './logger.ts';
import { AccessLogController } from './security/http/access-log.ts';
import { lazyChildLoggerFactory } from './security/http/lazy-request-logger.ts';
import { requestIdFrom } from './security/http/request-id.ts';
import { installResponseHeaders } from './security/http/security-headers.ts';
import { openapiTransform } from './security/openapi.ts';
import { checkRouteDeclaration, RouteDeclarationError, routeName } from './security/route.ts';
import { createValidatorCompiler } from './security/validation/ajv.ts';
import { problemErrorHandler } from './security/validation/error-handler.ts';
import { installJsonParser } from './security/validation/json-parser.ts';
import { installNotFoundHandler } from './security/validation/not-found.ts';
import { ProblemSchema } from './security/validation/problem.ts';
import type { ServerSecret } from './security/authn/index.ts';
import { registerOpsRoutes } from './service/ops/routes.ts';
import { registerServiceRoutes } from './service/routes.ts';
import { installSecurityLayer } from './service/security-layer.ts';
import { createServices, type Services } from './service/services.ts';

export interface AppDependencies {
  readonly database: DatabaseHandle;
  readonly redis: Redis | null;
  /** GATEHOUSE_SECRET_KEY, or the development secret from the data folder. */
  readonly secret: ServerSecret;
  /** Tests: how long a rotated signing key is published before it signs (default 1 hour). */
  readonly prePublicationMs?: number;
  /** Benchmarks only: measure what validation costs by accepting every input. Never in serve. */
  readonly disableValidationForBenchmark?: boolean;
  /** Where log lines go; stdout when absent. Tests pass a stream to read them. */
  readonly logStream?: DestinationStream;
}

export type GatehouseApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

function installDeclarationCheck(app: FastifyInstance): void {
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  app.addHook('onReady', async () => {
    const failures = routes
      .filter((route) => route.method !== 'HEAD' || !route.config?.security)
      .map((route) => ({ route: routeName(route), problems: checkRouteDeclaration(route) }))
      .filter((f) => f.problems.length > 0);
    if (failures.length > 0) throw new RouteDeclarationError(failures);
    return Promise.resolve();
  });
}

export async function buildApp(config: Config, deps: AppDependencies): Promise<GatehouseApp> {
  const options = loggerOptions(config.logLevel);
  const logStream = deps.logStream ?? pino.destination(1);
  const accessLogger = pino(accessLoggerOptions(config.logLevel), logStream);
  const app = Fastify({
    logger: { ...options, stream: logStream },
    logController: new AccessLogController(config.accessLog, accessLogger),
    childLoggerFactory: lazyChildLoggerFactory,
    genReqId: requestIdFrom,
    bodyLimit: config.bodyLimit,
    // Against slow clients: a whole request must arrive within 30 s, its headers within 10 s.
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
    connectionTimeout: 60_000,
    return503OnClosing: true,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    trustProxy: false,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: false },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.server.headersTimeout = 10_000;

  app.setValidatorCompiler(
    deps.disableValidationForBenchmark === true ? () => () => true : createValidatorCompiler(),
  );
  app.setErrorHandler(problemErrorHandler);
  installJsonParser(app);
  installDeclarationCheck(app);
  installResponseHeaders(app);

  app.decorate('database', deps.database);
  app.decorate('redis', deps.redis);
  const services = await createServices(config, {
    database: deps.database,
    redis: deps.redis,
    secret: deps.secret,
    logger: app.log,
    ...(deps.prePublicationMs === undefined ? {} : { prePublicationMs: deps.prePublicationMs }),
  });
  app.decorate('services', services);
  app.addHook('onClose', () => services.close());
  const { notFoundHooks } = installSecurityLayer(app, services);
  installNotFoundHandler(app, notFoundHooks);

  await app.register(swagger, {
    transform: openapiTransform,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Gatehouse API',
        version: '1.0.0',
        description:
          'Authentication, authorization, input validation and rate limiting as a service.',
      },
      components: {
        schemas: { Problem: ProblemSchema },
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT access token or API key',
          },
        },
      },
    },
  });

  registerOpsRoutes(app);
  registerServiceRoutes(app, services);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle;
    redis: Redis | null;
    services: Services;
  }
}
