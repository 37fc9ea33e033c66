// The lazy request logger: no child logger until a line is written at an enabled level, then
// exactly one, carrying the request's bindings.
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { LazyRequestLogger } from '../../../src/security/http/lazy-request-logger.ts';
import { LogCapture } from '../../helpers/app.ts';

describe('LazyRequestLogger', () => {
  it('creates the child only when an enabled level is written, once', () => {
    const capture = new LogCapture();
    const parent = pino({ level: 'info' }, capture);
    const child = vi.spyOn(parent, 'child');
    const logger = new LazyRequestLogger(parent, { requestId: 'r1' }, {});
    logger.debug('not written');
    expect(child).not.toHaveBeenCalled();
    logger.info({ event: 'x' }, 'first');
    logger.warn('second');
    expect(child).toHaveBeenCalledTimes(1);
    expect(capture.lines.map((l) => [l.requestId, l.msg])).toEqual([
      ['r1', 'first'],
      ['r1', 'second'],
    ]);
    expect(logger.level).toBe('info');
  });
});
