/** The part of autocannon's (untyped, CommonJS) API the load generator uses. */
declare module 'autocannon' {
  interface RequestParams {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
  }
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    headers?: Record<string, string>;
    requests?: { setupRequest?: (req: RequestParams) => RequestParams; method?: string; path?: string }[];
  }
  interface Histogram {
    average: number;
    p50: number;
    p99: number;
    p99_9: number;
    max: number;
  }
  interface Result {
    requests: Histogram & { total: number };
    latency: Histogram;
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
  }
  function autocannon(opts: Options): Promise<Result>;
  export default autocannon;
}
