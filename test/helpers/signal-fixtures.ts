/** Builders for pushed payloads shaped like the EventBridge envelope of docs/events.md §4 (constructed, not captured). */
export const ORG_ID = '3f6c0d2e-1111-4222-8333-944455556666';
export const DEF_ID = 'a1b2c3d4-0000-4000-8000-000000000001';

export function notification(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    topicName: `v2.operations.events.${DEF_ID}`,
    version: '2',
    eventBody: {
      eventEntity: { id: DEF_ID, name: 'Rate limit threshold reached' },
      entityId: 'client-1',
      entityName: 'WFM_Sync_Script',
      previousValue: null,
      currentValue: '280',
      errorCode: null,
      timestamp: Date.UTC(2026, 0, 15, 12, 0, 5),
    },
    metadata: { CorrelationId: 'c0ffee' },
    ...overrides,
  };
}

export function envelope(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id,
    'detail-type': 'v2.operations.events.{id}',
    source: `aws.partner/genesys.com/cloud/${ORG_ID}/usage-agent`,
    account: '123456789012',
    time: '2026-01-15T12:00:05Z',
    region: 'us-east-1',
    resources: [],
    detail: { ...notification(), timestamp: '2026-01-15T12:00:05.123Z' },
    ...overrides,
  };
}
