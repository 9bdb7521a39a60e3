/**
 * *Find Likely Label Errors With Other Models…* without VS Code: which folders vote, the results the
 * view sorts by, and the inspector's layer of one image. The engine judges the agreement
 * (core/metrics/agreement.ts, the same as `seglens agree`); this only arranges what it returns.
 */
import * as path from 'node:path';
import type { ImageRecord } from '../../core';
import type { AgreementJob, AgreementRecord, AgreementSetup } from '../../core/evaluate/agreeImage';
import { agreeImages } from '../../core/evaluate/agreeImages';
import type { JobGate } from '../../core/evaluate/jobGate';
import type { SkippedFile } from '../../core/io/pairing';
import { defaultMinAgree, type AgreementMaps } from '../../core/metrics/agreement';
import { ISSUE_REGION_LIMIT } from '../../core/metrics/issueRegions';
import {
  labelIssueLines,
  softIssueSources,
  type IssueSource,
  type LabelIssueLine,
} from '../../core/report/labelIssues';
import type { AgreementLayer } from '../../shared/protocol/inspector';
import type { RecordColumns } from './recordColumns';

/** The agreement of the evaluated folder (the first model) with the other folders the user picked. */
export interface AgreementResults {
  /** Every model's prediction folder, the evaluated one first. */
  readonly folders: readonly string[];
  readonly minAgree: number;
  readonly setup: AgreementSetup;
  /** By image name: the files each model voted with (the inspector judges the image again for its maps). */
  readonly jobs: ReadonlyMap<string, AgreementJob>;
  /** By image name. */
  readonly records: ReadonlyMap<string, AgreementRecord>;
}

/**
 * The folders that vote: the evaluated one, then the picked ones in the order given, each once. The
 * evaluated folder picked again, or a folder picked twice, would vote twice: refused with its name.
 */
export function votingFolders(evaluated: string, picked: readonly string[]): { folders: string[]; minAgree: number } {
  const folders = [path.resolve(evaluated)];
  for (const folder of picked) {
    const resolved = path.resolve(folder);
    if (folders.includes(resolved))
      throw new Error(
        resolved === folders[0]
          ? `${folder} is the evaluated folder: pick the other models' prediction folders`
          : `${folder} was picked twice: each model votes once`,
      );
    folders.push(resolved);
  }
  if (folders.length < 2) throw new Error('pick at least one other prediction folder');
  return { folders, minAgree: defaultMinAgree(folders.length) };
}

/** What judging the agreement gives: every record, or nothing at all when it was cancelled. */
export type AgreementRun =
  | { readonly status: 'done'; readonly records: ReadonlyMap<string, AgreementRecord> }
  | { readonly status: 'cancelled' };

export interface AgreementRunControl {
  readonly signal: AbortSignal;
  readonly workers?: number;
  /** New images wait while it is closed: the user acting in SegLens (userActivityGate.ts). */
  readonly gate?: JobGate;
  /** After each image: how many are done, and the files it left out. */
  readonly onImage?: (done: number, skipped: readonly SkippedFile[]) => void;
}

/**
 * Judges every image's agreement (the engine's, on worker threads). A cancelled run hands back no
 * record, so nothing of it can reach the view; the run writes no file either way.
 */
export async function judgeAgreement(
  jobs: readonly AgreementJob[],
  setup: AgreementSetup,
  control: AgreementRunControl,
): Promise<AgreementRun> {
  const records = new Map<string, AgreementRecord>();
  let done = 0;
  // The engine's threads yield the cores to the editor (nice +10 on Linux).
  const options = {
    signal: control.signal,
    lowPriority: true,
    ...(control.gate !== undefined ? { gate: control.gate } : {}),
    ...(control.workers !== undefined ? { workers: control.workers } : {}),
  };
  for await (const outcome of agreeImages(jobs, setup, options)) {
    done++;
    if (outcome.record !== null) records.set(outcome.record.name, outcome.record);
    control.onImage?.(done, outcome.skipped);
  }
  return control.signal.aborted ? { status: 'cancelled' } : { status: 'done', records };
}

/** A record as the view lists it after the agreement: its likely-label-error pixels beside its metrics. */
export type AgreedImageRecord = ImageRecord & { readonly likelyLabelErrorPixels?: number };

/** The records with the agreement's counts added (by image name); unchanged without an agreement. */
export function withAgreementCounts(
  records: readonly ImageRecord[],
  agreement: AgreementResults | undefined,
): AgreedImageRecord[] {
  if (agreement === undefined) return [...records];
  return records.map((record) => {
    const agreed = agreement.records.get(record.name);
    return agreed === undefined ? record : { ...record, likelyLabelErrorPixels: agreed.likelyLabelErrorPixels };
  });
}

/**
 * `slots` by the agreement's likely-label-error pixels, most first (the order of `seglens agree`), ties
 * by name, images the agreement lacks last.
 */
export function rankByLikelyLabelErrors(
  columns: RecordColumns,
  slots: readonly number[],
  agreement: AgreementResults | undefined,
): number[] {
  const counts = agreement?.records;
  return columns.rankBy(
    slots,
    columns.column((name) => counts?.get(name)?.likelyLabelErrorPixels),
    true,
  );
}

/** The inspector's "likely label errors" layer of one image from the engine's figures and maps. */
export function agreementLayer(record: AgreementRecord, maps: AgreementMaps, minAgree: number): AgreementLayer {
  return {
    models: record.models,
    minAgree,
    agreedClass: maps.agreedClass,
    votes: maps.votes,
    regions: record.likelyLabelErrorRegions.slice(0, ISSUE_REGION_LIMIT),
  };
}

/**
 * Every region of the results for *Export Label Issues…*: the soft label issues of the evaluated images
 * (in the view's order), then the likely label errors of the agreement, if one ran, in name order.
 */
export function labelIssueExport(
  records: readonly ImageRecord[],
  agreement: AgreementResults | undefined,
): LabelIssueLine[] {
  const soft = labelIssueLines(softIssueSources(records), 'soft');
  if (agreement === undefined) return soft;
  const agreed: IssueSource[] = [...agreement.records.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((record) => ({
      image: record.name,
      labelFile: record.labelFile,
      predictionFiles: record.predictionFiles.filter((file): file is string => file !== null),
      regions: record.likelyLabelErrorRegions,
    }));
  return [...soft, ...labelIssueLines(agreed, 'agreement')];
}
