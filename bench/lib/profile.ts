/** How much each benchmark does in each mode. */
export type Mode = 'smoke' | 'quick' | 'full';

export interface Profile {
  mode: Mode;
  nginx: boolean;
  gateway: {
    tokens: number;
    connections: number;
    /** Alternating rounds over every case (ratios are medians of per-round ratios). */
    rounds: number;
    warmupS: number;
    saturationS: number;
    /** One open-loop offered load per round, for latency percentiles. */
    pacedRate: number;
    pacedS: number;
  };
  idle: { rounds: number; settleMs: number };
  container: {
    clients: number;
    limitsMiB: number[];
    scrapes: number;
    rounds: number;
    saturationS: number;
  };
  metrics: { sizes: number[]; scrapes: number };
  /**
   * One replica's orgs × clients per org at each size, and its memory limit. Sizes grow by orgs of
   * 2 500 traffic clients, and stay small: on a loaded 2-core machine, 4 simulators of 7 500 or 8 of
   * 2 500 answered usage queries slower than the agent's 10 s timeout.
   */
  orgs: { sizes: [orgs: number, clientsPerOrg: number][]; limitMiB: number; scrapes: number };
  /** One org's clients, each calling three endpoints, with endpoint series off and at the defaults. */
  endpoints: { clients: number; scrapes: number };
}

export function profileFor(mode: Mode, nginx: boolean): Profile {
  switch (mode) {
    case 'smoke':
      return {
        mode,
        nginx,
        gateway: {
          tokens: 2,
          connections: 4,
          rounds: 2,
          warmupS: 0,
          saturationS: 1,
          pacedRate: 50,
          pacedS: 1,
        },
        idle: { rounds: 1, settleMs: 200 },
        container: { clients: 20, limitsMiB: [256], scrapes: 1, rounds: 1, saturationS: 1 },
        metrics: { sizes: [50], scrapes: 2 },
        orgs: { sizes: [[2, 20]], limitMiB: 256, scrapes: 1 },
        endpoints: { clients: 20, scrapes: 1 },
      };
    case 'quick':
      return {
        mode,
        nginx,
        gateway: {
          tokens: 16,
          connections: 32,
          rounds: 5,
          warmupS: 0.3,
          saturationS: 1.5,
          pacedRate: 1000,
          // Half a second of paced load per case and round: latency is not a headline, and the
          // quick mode ran 176-179 s against its 3-minute budget with a full second.
          pacedS: 0.5,
        },
        idle: { rounds: 3, settleMs: 750 },
        // Fewer clients than the full run: the quick mode has to finish in under 3 minutes.
        container: { clients: 2_000, limitsMiB: [128], scrapes: 1, rounds: 3, saturationS: 1.5 },
        metrics: { sizes: [1_000, 10_000], scrapes: 2 },
        orgs: { sizes: [[4, 1_000]], limitMiB: 256, scrapes: 1 },
        endpoints: { clients: 1_000, scrapes: 1 },
      };
    case 'full':
      return {
        mode,
        nginx,
        gateway: {
          tokens: 16,
          connections: 32,
          rounds: 7,
          warmupS: 1,
          saturationS: 6,
          pacedRate: 1000,
          pacedS: 4,
        },
        idle: { rounds: 5, settleMs: 3_000 },
        container: { clients: 10_000, limitsMiB: [128, 256], scrapes: 3, rounds: 5, saturationS: 6 },
        metrics: { sizes: [100, 1_000, 10_000], scrapes: 10 },
        orgs: {
          sizes: [
            [2, 2_500],
            [4, 2_500],
          ],
          limitMiB: 256,
          scrapes: 3,
        },
        endpoints: { clients: 10_000, scrapes: 3 },
      };
  }
}
