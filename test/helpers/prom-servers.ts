/**
 * Real Prometheus and Alertmanager (Debian binaries) for integration tests: each instance gets a
 * free 127.0.0.1 port and its own temp directory, is waited for until ready and is stopped by
 * PID. Also a webhook receiver collecting Alertmanager notifications and a tiny HTTP server
 * serving a Prometheus exposition for Prometheus to scrape.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { requireBinary } from './binaries.js';
import { deadline } from './clock.js';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs promtool/amtool and friends; never throws on a non-zero exit (tests assert on `code`). */
function runTool(bin: string, debianPackage: string, args: string[], cwd?: string): Promise<ToolResult> {
  const path = requireBinary(bin, debianPackage);
  return new Promise((resolve) => {
    execFile(path, args, { cwd, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export const promtool = (args: string[], cwd?: string) => runTool('promtool', 'prometheus', args, cwd);
export const amtool = (args: string[], cwd?: string) =>
  runTool('amtool', 'prometheus-alertmanager', args, cwd);

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const until = deadline(timeoutMs);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (until.expired()) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** host:port, for scrape targets and Alertmanager addresses. */
  address: string;
  dir: string;
  /** stdout + stderr so far (for failure messages). */
  log: () => string;
  stop: () => Promise<void>;
}

async function startBinary(options: {
  bin: string;
  debianPackage: string;
  /** Files to write into the temp dir (relative path → content). */
  files: Record<string, string>;
  args: (dir: string, address: string) => string[];
}): Promise<RunningServer> {
  const path = requireBinary(options.bin, options.debianPackage);
  const dir = await mkdtemp(join(tmpdir(), `${options.bin}-`));
  for (const [name, content] of Object.entries(options.files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  const address = `127.0.0.1:${await freePort()}`;
  const child: ChildProcess = spawn(path, options.args(dir, address), {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  const url = `http://${address}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitFor(`${options.bin} ready at ${url}`, async () => {
      if (child.exitCode !== null)
        throw new Error(`${options.bin} exited with ${child.exitCode}:\n${output}`);
      const response = await fetch(`${url}/-/ready`);
      return response.ok ? true : undefined;
    });
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\n${output}`, { cause: error });
  }
  return { url, address, dir, log: () => output, stop };
}

/** Prometheus with `config` as prometheus.yml and extra files (e.g. rules/x.yml) beside it. */
export function startPrometheus(config: string, files: Record<string, string> = {}): Promise<RunningServer> {
  return startBinary({
    bin: 'prometheus',
    debianPackage: 'prometheus',
    files: { ...files, 'prometheus.yml': config },
    args: (dir, address) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=${address}`,
      '--log.level=warn',
    ],
  });
}

/** Alertmanager with `config` as alertmanager.yml; clustering (gossip on 0.0.0.0:9094) disabled. */
export function startAlertmanager(config: string): Promise<RunningServer> {
  return startBinary({
    bin: 'prometheus-alertmanager',
    debianPackage: 'prometheus-alertmanager',
    files: { 'alertmanager.yml': config },
    args: (dir, address) => [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=${address}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
  });
}

/** Alertmanager 0.25 webhook body (the fields tests look at). */
const alertmanagerPayloadSchema = z.object({
  receiver: z.string(),
  status: z.enum(['firing', 'resolved']),
  alerts: z.array(
    z.object({
      status: z.enum(['firing', 'resolved']),
      labels: z.record(z.string(), z.string()),
      annotations: z.record(z.string(), z.string()),
      startsAt: z.string(),
      endsAt: z.string(),
    }),
  ),
  groupLabels: z.record(z.string(), z.string()),
  commonLabels: z.record(z.string(), z.string()),
  version: z.literal('4'),
});
type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return `127.0.0.1:${port}`;
}

export interface WebhookReceiver {
  url: string;
  payloads: AlertmanagerPayload[];
  close: () => Promise<void>;
}

/** Collects every (schema-valid) Alertmanager webhook POST; invalid bodies fail the test via `errors`. */
export async function startWebhookReceiver(): Promise<WebhookReceiver & { errors: string[] }> {
  const payloads: AlertmanagerPayload[] = [];
  const errors: string[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const parsed = alertmanagerPayloadSchema.safeParse(
      JSON.parse(Buffer.concat(chunks).toString() || 'null'),
    );
    if (parsed.success) payloads.push(parsed.data);
    else errors.push(parsed.error.message);
    res.writeHead(200).end();
  });
  const address = await listen(server);
  return {
    url: `http://${address}/alerts`,
    payloads,
    errors,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface ExpositionServer {
  /** host:port for a static scrape config. */
  address: string;
  /** Replace what /metrics serves from now on. */
  set: (text: string) => void;
  close: () => Promise<void>;
}

/** Serves `text` on /metrics in the Prometheus text format, like the agent does. */
export async function startExpositionServer(text: string): Promise<ExpositionServer> {
  let body = text;
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
  });
  const address = await listen(server);
  return {
    address,
    set: (next) => (body = next),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
