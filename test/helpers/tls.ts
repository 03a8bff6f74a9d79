import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { requireBinary } from './binaries.js';

/** A throw-away self-signed certificate (Debian openssl) written as `<name>-cert.pem` / `<name>-key.pem` in dir. */
export function selfSignedCert(
  dir: string,
  name = 'server',
  subject = '127.0.0.1',
): { certFile: string; keyFile: string } {
  const openssl = requireBinary('openssl', 'openssl');
  const certFile = join(dir, `${name}-cert.pem`);
  const keyFile = join(dir, `${name}-key.pem`);
  const san = /^\d+\.\d+\.\d+\.\d+$/.test(subject) ? ['-addext', `subjectAltName=IP:${subject}`] : [];
  execFileSync(
    openssl,
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${subject}`,
      ...san,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile };
}
