/**
 * Reading a file the operator named (secret, config, TLS, scenario): a regular file only, and no
 * more than its kind needs. A typo can name a FIFO (start-up would wait for a writer for ever),
 * /dev/zero (endless) or a directory; each is refused with one line.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Most bytes per kind of file (docs/security.md). */
const FILE_LIMITS = {
  secret: 64 * 1024,
  config: 1024 * 1024,
  tls: 1024 * 1024,
  scenario: 1024 * 1024,
} as const;

export type FileKind = keyof typeof FILE_LIMITS;

/** Why a file was not read, in words that follow the setting's name. */
export class FileRefusal extends Error {}

/** The file's text; throws FileRefusal when it is missing, not a regular file, or over the kind's cap. */
export function readBoundedFile(path: string, kind: FileKind): string {
  const max = FILE_LIMITS[kind];
  let fd: number;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new FileRefusal(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      throw new FileRefusal(`${path} is ${what(st)}, not a regular file; name the file itself`);
    const buf = Buffer.allocUnsafe(max + 1);
    let n = 0;
    for (let r = 1; r > 0 && n <= max; n += r) r = readSync(fd, buf, n, max + 1 - n, null);
    if (n > max)
      throw new FileRefusal(`${path} is larger than ${max / 1024} KiB, too big for a ${kind} file`);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

function what(st: ReturnType<typeof fstatSync>): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'a socket or other special file';
}
