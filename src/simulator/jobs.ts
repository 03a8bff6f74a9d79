/** Submitted usage queries: each answers "not yet" for a number of polls, then its result. */
import { randomUUID } from 'node:crypto';

export interface Job<T> {
  id: string;
  polls: number;
  /** Owner scope, e.g. the client id of a client query ('' for org queries). */
  scope: string;
  result: T;
}

const MAX_JOBS = 1000;

export class JobStore<T> {
  private readonly jobs = new Map<string, Job<T>>();

  constructor(private readonly pollsBeforeDone: number) {}

  add(scope: string, result: T): Job<T> {
    const job: Job<T> = { id: randomUUID(), polls: 0, scope, result };
    this.jobs.set(job.id, job);
    if (this.jobs.size > MAX_JOBS) this.jobs.delete(this.jobs.keys().next().value as string);
    return job;
  }

  /** Counts one poll; `done` once the job has been polled `pollsBeforeDone` times. */
  poll(id: string, scope: string): { job: Job<T>; done: boolean; polls: number } | undefined {
    const job = this.jobs.get(id);
    if (!job || job.scope !== scope) return undefined;
    job.polls += 1;
    return { job, done: job.polls > this.pollsBeforeDone, polls: job.polls };
  }
}
