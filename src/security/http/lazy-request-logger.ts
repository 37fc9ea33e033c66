// A request's logger, created only when something is logged. Fastify makes a pino child logger
// for every request; with redaction configured that costs several percent of throughput on a
// route that never logs (measured with --cpu-prof on /healthz), so the child is made on first use.
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString, Logger } from 'pino';

type LogMethod = FastifyBaseLogger['info'];

export class LazyRequestLogger implements FastifyBaseLogger {
  #real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  #logger(): FastifyBaseLogger {
    this.#real ??= this.parent.child(this.bindings, this.options);
    return this.#real;
  }

  #write(
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace',
    args: Parameters<LogMethod>,
  ): void {
    // A disabled level costs nothing: no child logger, no serialisation.
    if (!this.parent.isLevelEnabled(level)) return;
    this.#logger()[level](...args);
  }

  // Prototype methods, not per-instance closures: one logger is made for every request.
  fatal(...args: Parameters<LogMethod>): void {
    this.#write('fatal', args);
  }
  error(...args: Parameters<LogMethod>): void {
    this.#write('error', args);
  }
  warn(...args: Parameters<LogMethod>): void {
    this.#write('warn', args);
  }
  info(...args: Parameters<LogMethod>): void {
    this.#write('info', args);
  }
  debug(...args: Parameters<LogMethod>): void {
    this.#write('debug', args);
  }
  trace(...args: Parameters<LogMethod>): void {
    this.#write('trace', args);
  }
  silent(): void {
    // Nothing is written at level silent.
  }

  get level(): LevelWithSilentOrString {
    return this.#real?.level ?? this.parent.level;
  }

  set level(value: LevelWithSilentOrString) {
    this.#logger().level = value;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger().child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: the per-request logger, made lazily. */
export function lazyChildLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  // Fastify's logger is the pino instance it was configured with.
  return new LazyRequestLogger(logger as unknown as Logger, bindings, options);
}
