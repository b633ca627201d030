/**
 * The embedded server's process as the operating system sees it (Linux /proc): its id, its
 * resident memory, its command line and environment. For the security and limits tests.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Ids of this process's children whose command line contains `needle`. */
export function childPids(needle: string, parent = process.pid): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) out.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** The embedded server's child process id: `server.pid()` when it says, else found in /proc. */
export function serverPid(server: { pid(): number | undefined }): number {
  const known = server.pid();
  if (known) return known;
  const found = childPids('couch-server-child');
  if (found.length !== 1) throw new Error(`Expected one sync server process, found ${found.length}`);
  return found[0]!;
}

/** Resident set size of a process in MiB (VmRSS of /proc/<pid>/status). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

export function processText(pid: number, what: 'cmdline' | 'environ'): string {
  const file = `/proc/${pid}/${what}`;
  return existsSync(file) ? readFileSync(file, 'utf8').replace(/\0/g, '\n') : '';
}
