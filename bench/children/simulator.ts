/** Bench child: the simulator alone in its own process. */
import { startSimulator } from '../../src/simulator/index.js';
import { childArgs, serveParent } from '../lib/ipc.js';
import { benchScenario, type BenchScenarioOptions } from '../lib/scenario.js';

const args = childArgs<BenchScenarioOptions>();
const sim = await startSimulator({ scenario: benchScenario(args), host: '127.0.0.1', port: 0 });
process.once('SIGTERM', () => void sim.close().then(() => process.exit(0)));
serveParent({ url: sim.url }, {});
