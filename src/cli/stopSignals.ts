import { constants } from 'node:os';
import { removeLiveTempFoldersSync } from '../core/io/tempFolders';

/** The run that a stop signal asks to wind down (it then discards what it wrote), if one is listening. */
let stopRun: (() => void) | undefined;
let installed = false;

/**
 * SIGINT and SIGTERM for the whole command: the first one, while a run listens (onStopSignal), asks it
 * to stop, and the command ends through its own clean-up. Otherwise (walking the folders, writing the
 * report, or a second signal) the process removes its temporary folders and exits as the signal would
 * have ended it (exit code 128 + the signal's number).
 */
export function installStopSignals(): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals): void => {
    const stop = stopRun;
    stopRun = undefined;
    if (stop !== undefined) return stop();
    removeLiveTempFoldersSync();
    process.exit(128 + (constants.signals[signal] ?? 0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Until the returned function is called, the first stop signal calls `stop` instead of ending the process. */
export function onStopSignal(stop: () => void): () => void {
  installStopSignals();
  stopRun = stop;
  return () => {
    if (stopRun === stop) stopRun = undefined;
  };
}
