import { describe, expect, it } from 'vitest';
import { IMAGE_USER } from '../../scripts/kubernetes/sizing.js';
import { readRepoFile } from './deployment-files.js';

interface Stage {
  from: string;
  name: string | undefined;
  instructions: { op: string; args: string }[];
}

/** Splits the Dockerfile into stages of instructions (continuations joined, comments dropped). */
function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    const match = /^(\w+)\s+(.*)$/.exec(line);
    if (!match?.[1] || match[2] === undefined) throw new Error(`unparsable Dockerfile line: ${line}`);
    const op = match[1].toUpperCase();
    const rest = match[2];
    if (op === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!from?.[1]) throw new Error(`bad FROM: ${line}`);
      stages.push({ from: from[1], name: from[2], instructions: [] });
    } else if (stages.length === 0 && op === 'ARG') {
      const [key, value] = rest.split('=');
      if (key && value) args.set(key, value);
    } else {
      stages.at(-1)?.instructions.push({ op, args: rest });
    }
  }
  return { args, stages };
}

const { args, stages } = parseDockerfile(readRepoFile('Dockerfile'));
const build = stages[0];
const final = stages.at(-1);
const resolveImage = (from: string): string =>
  from.replace(/^\$\{(\w+)\}$/, (_m, k: string) => args.get(k) ?? from);
const ops = (stage: Stage | undefined, op: string): string[] =>
  stage?.instructions.filter((i) => i.op === op).map((i) => i.args) ?? [];

describe('Dockerfile', () => {
  it('is multi-stage on the pinned Node 24 bookworm-slim image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(resolveImage(stage.from)).toMatch(/^node:24\.\d+\.\d+-bookworm-slim$/);
  });

  it('builds with npm ci and npm run build in the build stage', () => {
    const runs = ops(build, 'RUN').join('\n');
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).toMatch(/\bnpm run build\b/);
  });

  it('installs production dependencies afresh in the final stage and copies only dist/ from the build', () => {
    const runs = ops(final, 'RUN').join('\n');
    expect(runs).toMatch(/\bnpm ci\b[^\n]*--omit=dev/);
    const fromBuild = ops(final, 'COPY').filter((c) => c.includes('--from='));
    expect(fromBuild.length).toBeGreaterThan(0);
    for (const copy of fromBuild) {
      expect(copy).not.toMatch(/node_modules/);
      expect(copy).toMatch(/\/app\/dist\s+\.\/dist$/);
    }
  });

  it('runs as a non-root user', () => {
    const users = ops(final, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    // Numeric uid:gid: the kubelet refuses runAsNonRoot for a named user it cannot resolve.
    expect(users.at(-1)).toBe(`${IMAGE_USER.uid}:${IMAGE_USER.gid}`);
  });

  it('health-checks /healthz with node (slim has no curl), exposes the agent ports, and runs the CLI', () => {
    const health = ops(final, 'HEALTHCHECK').join('\n');
    expect(health).toMatch(/CMD \["node"/);
    expect(health).toContain('/healthz');
    expect(health).not.toMatch(/curl|wget/);
    expect(ops(final, 'EXPOSE').join(' ').split(/\s+/).sort()).toEqual(['8080', '9464']);
    // The binary itself, as `npm start` runs it: it applies its own Node flags (test/cli/bin.test.ts).
    expect(ops(final, 'ENTRYPOINT')).toEqual(['["node", "dist/src/bin.js"]']);
    expect(ops(final, 'CMD')).toEqual(['["run"]']);
  });

  it('keeps secrets and local artefacts out of the build context', () => {
    const ignored = readRepoFile('.dockerignore').split(/\r?\n/);
    for (const entry of ['.git', 'node_modules', 'dist', 'secrets', '.env']) expect(ignored).toContain(entry);
  });
});
