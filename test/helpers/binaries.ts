import { execFileSync } from 'node:child_process';

/** Path of a Debian-packaged binary, or a loud failure naming the package that installs it. */
export function requireBinary(name: string, debianPackage: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${name} is not installed; run: apt-get update && apt-get install -y ${debianPackage}`);
  }
}
