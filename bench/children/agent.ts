/**
 * Bench child: the agent exactly as `genesys-usage-agent run` starts it (same config loader, same
 * startAgent), plus the stats channel the benchmark reads CPU and memory from.
 */
import { startAgent } from '../../src/agent.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/util/pino.js';
import { serveParent } from '../lib/ipc.js';

const config = loadConfig(process.env);
const agent = await startAgent(config, { logger: createLogger(config.logLevel) });
process.once('SIGTERM', () => void agent.close().then(() => process.exit(0)));
serveParent({ url: agent.url, gatewayUrl: agent.gatewayUrl }, {});
