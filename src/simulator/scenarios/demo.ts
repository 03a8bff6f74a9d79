import type { ScenarioInput } from '../scenario.js';
import { AGENT, LIMITS, MIX, ORG } from './common.js';

/** The default: six integrations of different sizes, one with a 429-heavy history, one running away now. */
export const demo: ScenarioInput = {
  name: 'demo',
  description:
    'Six integrations; Legacy_Batch_Job bursts past its limit daily; Chatbot_Backend is running away right now.',
  seed: 1,
  org: ORG,
  agent: AGENT,
  clients: [
    {
      id: '6a1e0c52-1f0b-4d8e-9c3a-0b1d2e3f4a01',
      name: 'WFM_Sync_Script',
      secret: 'wfm-secret',
      tokens: 1,
      traffic: {
        profile: 'steady',
        rpm: 120,
        endpoints: [...MIX.wfm],
      },
    },
    {
      id: '6a1e0c52-1f0b-4d8e-9c3a-0b1d2e3f4a02',
      name: 'Reporting_ETL',
      secret: 'etl-secret',
      tokens: 2,
      traffic: {
        profile: 'ramp',
        rpm: 40,
        peakRpm: 360,
        endpoints: [...MIX.etl],
      },
    },
    {
      id: '6a1e0c52-1f0b-4d8e-9c3a-0b1d2e3f4a03',
      name: 'CRM_Connector',
      secret: 'crm-secret',
      tokens: 1,
      traffic: {
        profile: 'steady',
        rpm: 60,
        errorRate4xx: 0.02,
        endpoints: [...MIX.crm],
      },
    },
    {
      id: '6a1e0c52-1f0b-4d8e-9c3a-0b1d2e3f4a04',
      name: 'Quality_Exporter',
      secret: 'quality-secret',
      tokens: 1,
      traffic: {
        profile: 'steady',
        rpm: 8,
        endpoints: [...MIX.quality],
      },
    },
    {
      id: '6a1e0c52-1f0b-4d8e-9c3a-0b1d2e3f4a05',
      name: 'Chatbot_Backend',
      secret: 'chatbot-secret',
      tokens: 1,
      traffic: {
        profile: 'runaway',
        rpm: 90,
        peakRpm: 420,
        runawaySinceMinutes: 30,
        errorRate5xx: 0.005,
        endpoints: [...MIX.chatbot],
      },
    },
    {
      id: '6a1e0c52-1f0b-4d8e-9c3a-0b1d2e3f4a06',
      name: 'Legacy_Batch_Job',
      secret: 'batch-secret',
      tokens: 1,
      traffic: {
        profile: 'burst',
        rpm: 5,
        peakRpm: 480,
        burstEveryMinutes: 240,
        burstMinutes: 6,
        endpoints: [...MIX.batch],
      },
    },
  ],
  usage: { publication: 'daily', lagSeconds: 0, historyDays: 45, jobPolls: 2 },
  limits: LIMITS,
  faults: [],
};
