/** Shared parts of the built-in scenarios: every one uses the same org and agent credentials. */
export const ORG = { id: '3f6c2d1a-8b4e-4c7f-9a12-5e6d7c8b9a01', name: 'Demo Org' } as const;
export const AGENT = {
  clientId: 'simulator-agent',
  clientSecret: 'simulator-secret',
  name: 'Usage Agent',
} as const;
export const LIMITS = { 'client.credentials.token.rate.per.minute': 300 } as const;

type Mix = { templateUri: string; method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; weight: number }[];
/** Endpoint mixes by kind of integration, with the SDK's own templates (no leading slash, as the Usage API). */
export const MIX = {
  wfm: [
    { templateUri: 'api/v2/workforcemanagement/adherence', method: 'GET', weight: 3 },
    { templateUri: 'api/v2/users/{userId}', method: 'GET', weight: 2 },
    { templateUri: 'api/v2/users/me', method: 'GET', weight: 1 },
  ],
  etl: [
    { templateUri: 'api/v2/analytics/conversations/details/query', method: 'POST', weight: 4 },
    { templateUri: 'api/v2/routing/queues/{queueId}/members', method: 'GET', weight: 2 },
    { templateUri: 'api/v2/routing/queues', method: 'GET', weight: 1 },
  ],
  crm: [
    { templateUri: 'api/v2/conversations/{conversationId}', method: 'GET', weight: 3 },
    { templateUri: 'api/v2/externalcontacts/contacts', method: 'POST', weight: 1 },
    { templateUri: 'api/v2/users/{userId}', method: 'GET', weight: 1 },
  ],
  chatbot: [
    {
      templateUri: 'api/v2/conversations/messages/{conversationId}/communications/{communicationId}/messages',
      method: 'POST',
      weight: 5,
    },
    { templateUri: 'api/v2/users/{userId}/presences/purecloud', method: 'PATCH', weight: 1 },
    { templateUri: 'api/v2/users/me', method: 'GET', weight: 1 },
  ],
  batch: [
    { templateUri: 'api/v2/users', method: 'GET', weight: 4 },
    { templateUri: 'api/v2/users/{userId}', method: 'GET', weight: 3 },
    { templateUri: 'api/v2/groups', method: 'GET', weight: 1 },
  ],
  quality: [
    { templateUri: 'api/v2/quality/evaluations/query', method: 'GET', weight: 2 },
    { templateUri: 'api/v2/analytics/conversations/aggregates/query', method: 'POST', weight: 1 },
  ],
} as const satisfies Record<string, Mix>;
