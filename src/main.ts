import 'reflect-metadata';
import { createApp } from './composition/app';
import { ConfigError, loadConfig } from './config/config';
import { listen } from './http/server';
import { attachLive } from './http/websocket';
import { httpOptions } from './http-options';
import { createLogger } from './log/logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  const app = await createApp(config, { logger }).catch((e: unknown) => {
    // What only the opened stores can tell (a token acting as an agent without agent permissions, ...).
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  });
  const { server, url } = await listen(app, config.listen.host, config.listen.port, httpOptions(app));
  const live = attachLive(server, app);
  logger.info({ url: `${url}/graphql` }, 'helpdesk customer service listening');
  console.log(`\nGraphiQL:  ${url}/graphql`);
  if (config.devToken) {
    console.log(`Token:     ${config.devToken}   (agent role; stored in ${config.auth.devTokenFile})`);
    console.log(`Try:       curl -s ${url}/graphql -H 'content-type: application/json' -H 'authorization: Bearer ${config.devToken}' -d '{"query":"{ customers(first: 3) { nodes { customerId name } } }"}'\n`);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining and stopping');
    // Subscriptions complete and their sockets close (1001) while HTTP requests drain.
    live.close().catch((e: unknown) => logger.error({ err: e }, 'error while closing live subscriptions'));
    server.close(() => {
      app.close().then(
        () => process.exit(0),
        (e) => {
          logger.error({ err: e }, 'error while closing');
          process.exit(1);
        },
      );
    });
    // Keep-alive connections become idle as their last request ends: close them as they do.
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 50).unref();
    setTimeout(() => server.closeAllConnections(), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
