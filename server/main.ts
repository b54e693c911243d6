import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { loadConfig } from './config.js';

const config = loadConfig();
const app = createApp();
serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  console.log(`esign server listening on http://${info.address}:${info.port}`);
});
