export function startDemoTraffic(): { stop(): Promise<void> } {
  return { stop: async () => undefined };
}
