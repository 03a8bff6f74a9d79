/** Shared parts of the built-in scenarios: every one uses the same org and agent credentials. */
export const ORG = { id: '3f6c2d1a-8b4e-4c7f-9a12-5e6d7c8b9a01', name: 'Demo Org' } as const;
export const AGENT = {
  clientId: 'simulator-agent',
  clientSecret: 'simulator-secret',
  name: 'Usage Agent',
} as const;
export const LIMITS = { 'client.credentials.token.rate.per.minute': 300 } as const;
