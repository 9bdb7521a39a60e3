import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** How much nicer a low-priority engine thread is than its process (Linux nice values: 0 normal, 19 lowest). */
export const LOW_PRIORITY_NICENESS = 10;

/**
 * Lowers the calling thread's scheduling priority by LOW_PRIORITY_NICENESS, leaving the process's other
 * threads alone: on Linux a thread has its own nice value, set through its thread id (read from
 * /proc/thread-self, a link to "PID/task/TID"). An engine worker of the extension calls it so that the
 * editor's threads (the extension host's event loop, the workbench) win the cores while a run goes on.
 * Elsewhere (or without /proc) it does nothing. Returns the thread's new nice value, or undefined when
 * nothing was changed.
 */
export function lowerThreadPriority(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return undefined;
    const nice = Math.min(19, getPriority(tid) + LOW_PRIORITY_NICENESS);
    setPriority(tid, nice);
    return nice;
  } catch {
    return undefined; // no /proc, or a sandbox that forbids it: the run goes on at normal priority
  }
}
