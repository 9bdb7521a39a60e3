import * as path from 'node:path';
import { errorText, type ImageRecord } from '../core';
import { ThumbnailPool } from '../core/thumbnails/thumbnailPool';
import type { ResultSource } from './resultsStore';
import { Disposable, toDisposable } from './logic/dispose';
import { findRgbImage } from './logic/folderDiscovery';
import { classColorsFor } from './logic/inspectorMessage';
import { optionsIdentity } from '../core/optionsIdentity';
import { stampOf } from './logic/resultCache';
import { ThumbnailCache, thumbnailKey } from './logic/thumbnailCache';

/** Longest side of a gallery thumbnail in pixels (the grid draws it at up to 160 CSS px). */
export const THUMBNAIL_SIZE = 160;
/** The thumbnail folder is cut back to this at the first thumbnail of a session (oldest first). */
export const THUMBNAIL_CACHE_BYTES = 1024 * 1024 * 1024;

/**
 * Gallery thumbnails: from the disk cache when their files have not changed, else made in the
 * thumbnail worker threads and stored. One pool per evaluated folder's settings; the photo of each
 * image is looked up once.
 */
export class ThumbnailService extends Disposable {
  private pool: ThumbnailPool | undefined;
  private poolSource: ResultSource | undefined;
  private readonly photos = new Map<string, string | null>();
  private readonly cache: ThumbnailCache;
  /** Key of each image asked for last, so what left the screen can be dropped from the queue. */
  private readonly keys = new Map<string, string>();
  private pruned = false;
  private optionsKey: { readonly source: ResultSource; readonly hash: string } | undefined;

  constructor(
    storageDir: string,
    private readonly engineVersion: string,
    private readonly log: { warn(message: string): void; info(message: string): void },
  ) {
    super();
    this.cache = new ThumbnailCache(path.join(storageDir, 'thumbnails'));
    this.register(toDisposable(() => this.pool?.dispose()));
  }

  private poolFor(source: ResultSource): ThumbnailPool {
    if (this.pool === undefined || this.poolSource !== source) {
      this.pool?.dispose();
      this.pool = new ThumbnailPool(source.settings.engine);
      this.poolSource = source;
      this.photos.clear();
    }
    return this.pool;
  }

  private async photoOf(record: ImageRecord, source: ResultSource): Promise<string | undefined> {
    const known = this.photos.get(record.predictionFile);
    if (known !== undefined) return known ?? undefined;
    const { settings } = source;
    const found = await findRgbImage(record, {
      ...(settings.imageFolderNames !== undefined ? { folderNames: settings.imageFolderNames } : {}),
      ...(settings.imagesFolder !== undefined ? { imagesFolder: settings.imagesFolder } : {}),
      predictionsDir: source.predictionsDir,
      labelsDir: source.labelsDir,
    });
    this.photos.set(record.predictionFile, found ?? null);
    return found;
  }

  /** The hash of the settings thumbnails depend on, computed once per evaluated folder. */
  private optionsHashOf(source: ResultSource): string {
    if (this.optionsKey?.source !== source)
      this.optionsKey = {
        source,
        hash: optionsIdentity(source.settings.engine, { engineVersion: this.engineVersion }),
      };
    return this.optionsKey.hash;
  }

  /** Only these images are still wanted: the rest of the queue is dropped (their promises reject). */
  keepOnly(records: readonly ImageRecord[]): void {
    const wanted = new Set<string>();
    for (const record of records) {
      const key = this.keys.get(record.predictionFile);
      if (key !== undefined) wanted.add(key);
    }
    this.pool?.keepOnly(wanted);
  }

  /** The JPEG bytes of `record`'s thumbnail. */
  async thumbnail(record: ImageRecord, source: ResultSource): Promise<Uint8Array> {
    const pool = this.poolFor(source);
    const photoFile = await this.photoOf(record, source);
    const [prediction, label, photo] = await Promise.all([
      stampOf(record.predictionFile),
      stampOf(record.labelFile),
      photoFile !== undefined ? stampOf(photoFile) : Promise.resolve(undefined),
    ]);
    if (prediction === undefined || label === undefined)
      throw new Error(`${record.name}: the prediction or label file is gone`);
    const numClasses = source.settings.engine.metric.numClasses;
    const classColors = classColorsFor(numClasses, source.settings.engine.colorTable);
    if (!this.pruned) {
      this.pruned = true;
      void this.cache.prune(THUMBNAIL_CACHE_BYTES).then(
        (removed) => removed > 0 && this.log.info(`thumbnail cache: removed ${removed} old thumbnails`),
        (error: unknown) => this.log.warn(`thumbnail cache: could not prune: ${errorText(error)}`),
      );
    }
    const key = thumbnailKey({
      predictionFile: record.predictionFile,
      labelFile: record.labelFile,
      photoFile,
      stamps: { prediction, label, photo },
      size: THUMBNAIL_SIZE,
      classColors,
      optionsHash: this.optionsHashOf(source),
    });
    this.keys.set(record.predictionFile, key);
    const cached = await this.cache.get(key);
    if (cached !== undefined) return cached;
    const jpeg = await pool.make(key, {
      labelFile: record.labelFile,
      predictionFile: record.predictionFile,
      ...(photoFile !== undefined ? { photoFile } : {}),
      size: THUMBNAIL_SIZE,
      classColors,
    });
    await this.cache.put(key, jpeg);
    return jpeg;
  }
}
