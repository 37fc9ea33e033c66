// Baseline: a bare Fastify 5 instance with the same /healthz route and no logging.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/healthz', () => ({ status: 'ok' }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`LISTENING ${url}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
