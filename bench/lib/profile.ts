/** How much each benchmark does in each mode. */
export type Mode = 'smoke' | 'quick' | 'full';

export interface Profile {
  mode: Mode;
  nginx: boolean;
  gateway: {
    tokens: number;
    connections: number;
    warmupS: number;
    saturationS: number;
    rates: number[];
    fixedS: number;
  };
  metrics: { sizes: number[]; scrapes: number };
  memory: { clients: number; tokensPerClient: number };
}

export function profileFor(mode: Mode, nginx: boolean): Profile {
  switch (mode) {
    case 'smoke':
      return {
        mode,
        nginx,
        gateway: { tokens: 2, connections: 4, warmupS: 0, saturationS: 1, rates: [50], fixedS: 1 },
        metrics: { sizes: [50], scrapes: 2 },
        memory: { clients: 10, tokensPerClient: 2 },
      };
    case 'quick':
      return {
        mode,
        nginx,
        gateway: {
          tokens: 16,
          connections: 32,
          warmupS: 1,
          saturationS: 5,
          rates: [200, 1000, 3000],
          fixedS: 3,
        },
        metrics: { sizes: [100, 1_000, 10_000], scrapes: 3 },
        memory: { clients: 1_000, tokensPerClient: 10 },
      };
    case 'full':
      return {
        mode,
        nginx,
        gateway: {
          tokens: 16,
          connections: 32,
          warmupS: 3,
          saturationS: 15,
          rates: [200, 1000, 3000],
          fixedS: 10,
        },
        metrics: { sizes: [100, 1_000, 10_000], scrapes: 10 },
        memory: { clients: 1_000, tokensPerClient: 10 },
      };
  }
}
