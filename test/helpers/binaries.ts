import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

/** Path of a Debian-packaged binary on PATH, or a loud failure naming the package that installs it. */
export function requireBinary(name: string, debianPackage: string): string {
  for (const dir of (process.env['PATH'] ?? '').split(':').filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${name} is not installed; run: apt-get update && apt-get install -y ${debianPackage}`);
}
