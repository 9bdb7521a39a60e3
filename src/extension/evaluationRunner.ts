import * as path from 'node:path';
import * as vscode from 'vscode';
import { computeLabel, errorText, evaluatePairs, type FilePair, type ImageRecord } from '../core';
import { labelsFolderProblem, LabelsFolderProblem } from './logic/labelsFolderCheck';
import { partitionByCache, stampPairs } from './logic/cachePartition';
import { Disposable, toDisposable } from './logic/dispose';
import { optionsIdentity } from '../core/optionsIdentity';
import { ResultCache, type CachedResult } from './logic/resultCache';
import { progressIncrement, progressText } from './logic/runProgress';
import { settingsForFolders, type RunSettings } from './configuration';
import type { IdRangeWarnings } from './idRangeWarnings';
import type { ResultsStore } from './resultsStore';
import { WorkerCensus } from './workerCensus';
import { EventLoopWatch, eventLoopText } from './logic/eventLoopWatch';
import { IMAGES_PER_WORKER_COLLECTION } from '../core/evaluate/heapCollector';
import type { JobGate } from '../core/evaluate/jobGate';

interface ActiveRun {
  readonly controller: AbortController;
  readonly finished: Promise<void>;
}

/** What a run writes into the results store. */
type RunStore = Pick<ResultsStore, 'begin' | 'add' | 'skip' | 'finish'>;

/** What computes the metrics, for the summary; failing to start TensorFlow.js is no reason to fail a run. */
async function backendName(settings: RunSettings): Promise<string> {
  try {
    return await computeLabel(settings.engine.compute);
  } catch (error) {
    return `unavailable (${errorText(error)})`;
  }
}

/**
 * Runs one folder evaluation at a time under a cancellable progress notification. Cached results
 * appear at once; only changed files go to the engine, and their results stream into the store.
 */
export class EvaluationRunner extends Disposable {
  private active: ActiveRun | undefined;
  private readonly census = this.register(new WorkerCensus());
  private readonly soundLabelFolders = new Set<string>();

  constructor(
    private readonly store: ResultsStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly storageDir: string,
    private readonly engineVersion: string,
    private readonly idRanges: IdRangeWarnings,
    private readonly gate: JobGate,
  ) {
    super();
    this.register(toDisposable(() => this.active?.controller.abort()));
  }

  /** Starts a run; a run already going (same folder or another) is cancelled first, since the view shows one. */
  async evaluate(predictionsDir: string, labelsDir: string, settings: RunSettings): Promise<void> {
    await this.cancelActive();
    const controller = new AbortController();
    let markFinished!: () => void;
    const run: ActiveRun = { controller, finished: new Promise<void>((resolve) => (markFinished = resolve)) };
    this.active = run;
    const workers = this.census.open();
    // How long the editor's requests waited for this thread during the run (the scale bench reads the line).
    const loop = new EventLoopWatch();
    try {
      await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `SegLens: evaluating ${path.basename(predictionsDir)}`,
          cancellable: true,
        },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          await this.run(predictionsDir, labelsDir, settings, controller.signal, progress, () => this.active === run);
        },
      );
    } finally {
      // The engine stops its workers when the run ends; they exit once the image in hand is done, so
      // within the wait this must say 0 (the e2e checks it).
      this.log.info(`during the run, ${eventLoopText(loop.stop())}`);
      const alive = await workers.close(5000);
      if (this.active === run) this.active = undefined;
      this.log.info(`runner idle: ${alive} worker threads alive`);
      markFinished();
    }
  }

  private async run(
    predictionsDir: string,
    labelsDir: string,
    requested: RunSettings,
    signal: AbortSignal,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    ownsStore: () => boolean,
  ): Promise<void> {
    const { log } = this;
    const store = this.guardedStore(ownsStore);
    log.info(`evaluate ${predictionsDir} against ${labelsDir}`);
    const { settings, prepared } = await settingsForFolders(requested, predictionsDir, labelsDir);
    const { pairs, unpaired, ignored } = prepared.pairing;
    log.info(prepared.description);
    ignored.forEach((entry) => log.info(`ignored: ${entry.file} — ${entry.reason}`));
    store.begin({ predictionsDir, labelsDir, settings }, pairs.length);
    unpaired.forEach((entry) => store.skip(entry));
    const problem = await this.labelsProblem(predictionsDir, labelsDir, prepared.pairing);
    if (problem !== undefined) {
      store.finish('failed', undefined, problem);
      log.error(problem);
      throw new LabelsFolderProblem(problem, predictionsDir, labelsDir);
    }
    // The notification shows the store's count, the one the view and the summary show as well.
    let reported = 0;
    const step = (): void => {
      const now = this.store.progress;
      progress.report({ message: progressText(now), increment: progressIncrement(reported, now) });
      reported = now.done;
    };

    const { cache, cached, stale, remember } = await this.consultCache(predictionsDir, labelsDir, settings, pairs);
    for (const result of cached) {
      store.add(cache.read(result), true);
      step();
    }
    log.info(
      `${pairs.length} pairs, ${cached.length} from cache, ${stale.length} to compute, ${unpaired.length} unpaired`,
    );
    try {
      await this.compute(stale, settings, signal, { store, step, remember });
      const state = signal.aborted ? 'cancelled' : 'done';
      store.finish(state, await backendName(settings));
      if (state === 'done' && ownsStore())
        void this.idRanges.checkRun(predictionsDir, settings, pairs, this.store.columns);
      const status = this.store.status;
      log.info(
        `${state}: ${this.store.imageCount} images, ${this.store.skipped.length} skipped, ${status?.elapsedMs ?? 0} ms, backend ${status?.backend ?? '?'}`,
      );
    } catch (error) {
      if (signal.aborted) {
        store.finish('cancelled', await backendName(settings));
        log.info('cancelled');
      } else {
        store.finish('failed', await backendName(settings), errorText(error));
        log.error(`evaluation failed: ${errorText(error)}`);
        throw error;
      }
    } finally {
      // Results computed before a cancel are still right; keep them for the next run.
      await cache.save().catch((error: unknown) => log.warn(`could not write the result cache: ${errorText(error)}`));
    }
  }

  /**
   * Photos instead of label maps, or nothing paired: said before anything is computed. A labels
   * folder found sound is not read again this session (the check decodes a few of its files).
   */
  private async labelsProblem(
    predictionsDir: string,
    labelsDir: string,
    pairing: Parameters<typeof labelsFolderProblem>[2],
  ): Promise<string | undefined> {
    if (pairing.pairs.length > 0 && this.soundLabelFolders.has(labelsDir)) return undefined;
    const problem = await labelsFolderProblem(predictionsDir, labelsDir, pairing);
    if (problem === undefined) this.soundLabelFolders.add(labelsDir);
    return problem;
  }

  /** Opens the folder pair's result cache and splits the pairs into cached results and pairs to compute. */
  private async consultCache(
    predictionsDir: string,
    labelsDir: string,
    settings: RunSettings,
    pairs: readonly FilePair[],
  ): Promise<{
    cache: ResultCache;
    cached: readonly CachedResult[];
    stale: readonly FilePair[];
    remember: (record: ImageRecord) => void;
  }> {
    const cache = await ResultCache.open(this.storageDir, predictionsDir, labelsDir);
    if (cache.discardedBecause !== undefined) this.log.warn(`discarded the result cache: ${cache.discardedBecause}`);
    // The one options identity (the CLI's run hash too): colour table and id mapping by content.
    const hash = optionsIdentity(settings.engine, { engineVersion: this.engineVersion });
    cache.retainOnly(new Set(pairs.map((p) => p.predictionFile)));
    const { cached, stale, staleStamps } = partitionByCache(pairs, await stampPairs(pairs), (pair, stamps) =>
      cache.find(pair.predictionFile, pair.labelFile, stamps, hash),
    );
    const remember = (record: ImageRecord): void => {
      const stamps = staleStamps.get(record.predictionFile);
      if (stamps !== undefined) cache.store(record, stamps, hash);
    };
    return { cache, cached, stale, remember };
  }

  /** The store's writers, dropped once a newer run owns the store: a superseded run winding down must not touch it. */
  private guardedStore(ownsStore: () => boolean): RunStore {
    const ifCurrent =
      <A extends unknown[]>(write: (...args: A) => void) =>
      (...args: A): void => {
        if (ownsStore()) write(...args);
      };
    return {
      begin: ifCurrent(this.store.begin.bind(this.store)),
      add: ifCurrent(this.store.add.bind(this.store)),
      skip: ifCurrent(this.store.skip.bind(this.store)),
      finish: ifCurrent(this.store.finish.bind(this.store)),
    };
  }

  /** Evaluates the stale pairs in the engine's workers, streaming each outcome into the store. */
  private async compute(
    pairs: readonly FilePair[],
    settings: RunSettings,
    signal: AbortSignal,
    sink: { store: RunStore; step: () => void; remember: (record: ImageRecord) => void },
  ): Promise<void> {
    // The engine's threads yield the cores to the editor's (nice +10 on Linux): the workbench, and this
    // host's event loop that takes the results, answer first.
    // And new jobs wait while the user acts in SegLens (logic/userActivityGate.ts).
    const outcomes = evaluatePairs(pairs, settings.engine, {
      signal,
      lowPriority: true,
      gate: this.gate,
      collectEvery: IMAGES_PER_WORKER_COLLECTION,
      ...(settings.workers !== undefined ? { workers: settings.workers } : {}),
    });
    for await (const outcome of outcomes) {
      if (signal.aborted) break;
      if (outcome.type === 'image') {
        sink.store.add(outcome.record);
        sink.remember(outcome.record);
        outcome.record.warnings.forEach((warning) => this.log.warn(`${outcome.record.name}: ${warning}`));
      } else {
        sink.store.skip(outcome.skipped, true);
        this.log.warn(`skipped ${outcome.skipped.file}: ${outcome.skipped.reason}`);
      }
      sink.step();
    }
  }

  /** Cancels the run in progress and waits (briefly) until it stops touching the store and the cache. */
  async cancelActive(): Promise<void> {
    const run = this.active;
    if (run === undefined) return;
    this.log.info('cancelling the previous evaluation');
    run.controller.abort();
    await Promise.race([run.finished, new Promise((resolve) => setTimeout(resolve, 3000))]);
  }

  get isRunning(): boolean {
    return this.active !== undefined;
  }
}
