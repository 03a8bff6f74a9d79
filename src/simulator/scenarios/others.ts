import type { ScenarioInput } from '../scenario.js';
import { AGENT, LIMITS, MIX, ORG } from './common.js';

const base = { org: ORG, agent: AGENT, limits: LIMITS, faults: [] };

/** Quiet, well-behaved clients: no 429s, no rate-limit records. */
export const steady: ScenarioInput = {
  ...base,
  name: 'steady',
  seed: 2,
  clients: [
    {
      id: '7b2f1d63-2a1c-4e9f-8d4b-1c2e3f4a5b01',
      name: 'WFM_Sync_Script',
      secret: 'wfm-secret',
      traffic: { profile: 'steady', rpm: 100, endpoints: [...MIX.wfm] },
    },
    {
      id: '7b2f1d63-2a1c-4e9f-8d4b-1c2e3f4a5b02',
      name: 'Reporting_ETL',
      secret: 'etl-secret',
      tokens: 2,
      traffic: { profile: 'steady', rpm: 200, endpoints: [...MIX.etl] },
    },
    {
      id: '7b2f1d63-2a1c-4e9f-8d4b-1c2e3f4a5b03',
      name: 'CRM_Connector',
      secret: 'crm-secret',
      traffic: { profile: 'steady', rpm: 30, endpoints: [...MIX.crm] },
    },
  ],
  usage: { publication: 'daily', historyDays: 30 },
};

/** One client far past its per-token limit for all of history (429s every minute). */
export const runaway: ScenarioInput = {
  ...base,
  name: 'runaway',
  seed: 3,
  clients: [
    {
      id: '8c3a2e74-3b2d-4fa0-9e5c-2d3e4f5a6c01',
      name: 'Chatbot_Backend',
      secret: 'chatbot-secret',
      traffic: {
        profile: 'runaway',
        rpm: 100,
        peakRpm: 450,
        runawaySinceMinutes: 120,
        endpoints: [...MIX.chatbot],
      },
    },
    {
      id: '8c3a2e74-3b2d-4fa0-9e5c-2d3e4f5a6c02',
      name: 'WFM_Sync_Script',
      secret: 'wfm-secret',
      traffic: { profile: 'steady', rpm: 80, endpoints: [...MIX.wfm] },
    },
  ],
  usage: { publication: 'daily', historyDays: 14 },
};

/** Short bursts well over the limit a few times a day. */
export const burst: ScenarioInput = {
  ...base,
  name: 'burst',
  seed: 4,
  clients: [
    {
      id: '9d4b3f85-4c3e-4ab1-8f6d-3e4f5a6b7d01',
      name: 'Legacy_Batch_Job',
      secret: 'batch-secret',
      traffic: {
        profile: 'burst',
        rpm: 10,
        peakRpm: 600,
        burstEveryMinutes: 180,
        burstMinutes: 4,
        endpoints: [...MIX.batch],
      },
    },
    {
      id: '9d4b3f85-4c3e-4ab1-8f6d-3e4f5a6b7d02',
      name: 'Quality_Exporter',
      secret: 'quality-secret',
      traffic: {
        profile: 'burst',
        rpm: 20,
        peakRpm: 200,
        burstEveryMinutes: 60,
        burstMinutes: 10,
        endpoints: [...MIX.quality],
      },
    },
  ],
  usage: { publication: 'daily', historyDays: 20 },
};

/** Clients created and deleted over history and while the simulator runs. */
export const churn: ScenarioInput = {
  ...base,
  name: 'churn',
  seed: 5,
  clients: [
    {
      id: 'ae5c4a96-5d4f-4bc2-9a7e-4f5a6b7c8e01',
      name: 'WFM_Sync_Script',
      secret: 'wfm-secret',
      traffic: { profile: 'steady', rpm: 60, endpoints: [...MIX.wfm] },
    },
    {
      id: 'ae5c4a96-5d4f-4bc2-9a7e-4f5a6b7c8e02',
      name: 'Old_Integration',
      secret: 'old-secret',
      deletedDaysAgo: 10,
      traffic: { profile: 'steady', rpm: 40, endpoints: [...MIX.crm] },
    },
    {
      id: 'ae5c4a96-5d4f-4bc2-9a7e-4f5a6b7c8e03',
      name: 'New_Integration',
      secret: 'new-secret',
      createdDaysAgo: 5,
      traffic: { profile: 'ramp', rpm: 10, peakRpm: 150, endpoints: [...MIX.etl] },
    },
    {
      id: 'ae5c4a96-5d4f-4bc2-9a7e-4f5a6b7c8e04',
      name: 'Pilot_Bot',
      secret: 'pilot-secret',
      createdAfterMinutes: 2,
      deletedAfterMinutes: 10,
      traffic: { profile: 'steady', rpm: 120, endpoints: [...MIX.chatbot] },
    },
    {
      id: 'ae5c4a96-5d4f-4bc2-9a7e-4f5a6b7c8e05',
      name: 'Retiring_Sync',
      secret: 'retiring-secret',
      deletedAfterMinutes: 5,
      traffic: { profile: 'steady', rpm: 30, endpoints: [...MIX.wfm] },
    },
  ],
  usage: { publication: 'daily', historyDays: 30 },
};

/** A deployment whose Usage API also serves today's partial counts, five minutes behind. */
export const intraday: ScenarioInput = {
  ...base,
  name: 'intraday',
  seed: 6,
  clients: [
    {
      id: 'bf6d5ba7-6e5a-4cd3-8b8f-5a6b7c8d9f01',
      name: 'WFM_Sync_Script',
      secret: 'wfm-secret',
      traffic: { profile: 'steady', rpm: 120, endpoints: [...MIX.wfm] },
    },
    {
      id: 'bf6d5ba7-6e5a-4cd3-8b8f-5a6b7c8d9f02',
      name: 'Chatbot_Backend',
      secret: 'chatbot-secret',
      traffic: {
        profile: 'runaway',
        rpm: 100,
        peakRpm: 400,
        runawaySinceMinutes: 20,
        endpoints: [...MIX.chatbot],
      },
    },
  ],
  usage: { publication: 'intraday', lagSeconds: 300, historyDays: 14 },
};
