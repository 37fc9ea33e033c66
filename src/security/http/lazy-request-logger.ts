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

  #method(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'): LogMethod {
    return (...args: Parameters<LogMethod>) => {
      // A disabled level costs nothing: no child logger, no serialisation.
      if (!this.parent.isLevelEnabled(level)) return;
      this.#logger()[level](...args);
    };
  }

  readonly fatal = this.#method('fatal');
  readonly error = this.#method('error');
  readonly warn = this.#method('warn');
  readonly info = this.#method('info');
  readonly debug = this.#method('debug');
  readonly trace = this.#method('trace');
  readonly silent: LogMethod = () => undefined;

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
