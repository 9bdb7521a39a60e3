import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgreementJob, AgreementSetup } from '../core/evaluate/agreeImage';
import { agreementJobs } from '../core/evaluate/agreementJobs';
import type { PairingResult } from '../core';
import { AtomicFile } from '../core/io/atomicFile';
import { toJsonLines } from '../core/report/labelIssues';
import type { CommandServices } from './commandServices';
import { settingsForFolders } from './configuration';
import { VIEWS } from './ids';
import { judgeAgreement, labelIssueExport, votingFolders } from './logic/agreement';

/**
 * Find Likely Label Errors With Other Models…: the evaluated folder and the picked ones vote pixel by
 * pixel (the engine's agreement, as `seglens agree` with k = ⌈2N/3⌉); the view then lists the images
 * with most likely-label-error pixels first and the inspector draws them.
 */
export async function findLikelyLabelErrors(services: CommandServices, given: readonly vscode.Uri[]): Promise<void> {
  const { store, log } = services;
  const source = store.source;
  if (source === undefined || store.imageCount === 0) {
    void vscode.window.showInformationMessage(
      'SegLens: evaluate a prediction folder first; the other models vote with it.',
    );
    return;
  }
  const picked =
    given.length > 0
      ? given
      : await vscode.window.showOpenDialog({
          canSelectFolders: true,
          canSelectFiles: false,
          canSelectMany: true,
          defaultUri: vscode.Uri.file(path.dirname(source.predictionsDir)),
          openLabel: 'Find likely label errors',
          title: `SegLens: the other models' prediction folders (they vote with ${path.basename(source.predictionsDir)})`,
        });
  if (picked === undefined || picked.length === 0) return;
  if (picked.some((uri) => uri.scheme !== 'file')) throw new Error('SegLens reads folders on the local disk only');
  const { folders, minAgree } = votingFolders(
    source.predictionsDir,
    picked.map((uri) => uri.fsPath),
  );
  const { settings, labelsDir } = source;
  // Every folder is paired the way the evaluated one was and read with its options.
  const pairings: PairingResult[] = [];
  for (const folder of folders) pairings.push((await settingsForFolders(settings, folder, labelsDir)).prepared.pairing);
  const { jobs, skipped } = agreementJobs(pairings);
  for (const entry of skipped) log.warn(`agreement: left out ${entry.file}: ${entry.reason}`);
  const setup: AgreementSetup = { models: folders.map(() => settings.engine), minAgree };
  log.info(`agreement: ${folders.length} models (${folders.join(', ')}), k = ${minAgree}, ${jobs.length} labels`);
  const run = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `SegLens: finding likely label errors with ${folders.length} models`,
      cancellable: true,
    },
    async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return judgeAgreement(jobs, setup, {
        signal: controller.signal,
        gate: services.activity,
        ...(settings.workers !== undefined ? { workers: settings.workers } : {}),
        onImage: (done, left) => {
          for (const entry of left) log.warn(`agreement: left out ${entry.file}: ${entry.reason}`);
          progress.report({ message: `${done} of ${jobs.length} images`, increment: 100 / Math.max(1, jobs.length) });
        },
      });
    },
  );
  // Cancelled: the view keeps what it showed; nothing of the cancelled run is applied.
  if (run.status === 'cancelled') throw new Error('finding likely label errors cancelled');
  const { records } = run;
  if (records.size === 0) throw new Error(`no label of ${labelsDir} could be judged by the models`);
  const byName = new Map<string, AgreementJob>(jobs.map((job) => [job.name, job]));
  store.setAgreement({ folders, minAgree, setup, jobs: byName, records });
  const flagged = [...records.values()].filter((record) => record.likelyLabelErrorPixels > 0).length;
  log.info(`agreement: ${records.size} images judged, ${flagged} with likely label errors; the view lists them first`);
  void vscode.window.showInformationMessage(
    `SegLens: ${flagged} of ${records.size} images have pixels where ${minAgree} of ${folders.length} models agree on another class than the label; the view lists them first.`,
  );
  await vscode.commands.executeCommand(`${VIEWS.hardExamples}.focus`);
}

/** Export Label Issues…: the JSON-lines file of `--label-issues`, written only where the save dialog says. */
export async function exportLabelIssues(services: CommandServices): Promise<void> {
  const { store } = services;
  const source = store.source;
  if (source === undefined || store.imageCount === 0) {
    void vscode.window.showInformationMessage('SegLens: nothing evaluated yet.');
    return;
  }
  const lines = labelIssueExport(store.ordered(), store.agreement);
  if (lines.length === 0) {
    void vscode.window.showInformationMessage(
      'SegLens: no label issues to export: soft predictions (.npy) or Find Likely Label Errors With Other Models… find them.',
    );
    return;
  }
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(
      path.join(path.dirname(source.predictionsDir), `${path.basename(source.predictionsDir)}-label-issues.jsonl`),
    ),
    filters: { 'Label issues (JSON lines)': ['jsonl'] },
    title: 'SegLens: export label issues',
  });
  if (target === undefined) return;
  if (target.scheme !== 'file') throw new Error('SegLens writes to the local disk only');
  // Whole or not at all: a failed write leaves an earlier file of that name as it was.
  const file = AtomicFile.open(target.fsPath);
  await file.write(toJsonLines(lines));
  await file.commit();
  services.log.info(`exported ${lines.length} label-issue regions to ${target.fsPath}`);
  void vscode.window.showInformationMessage(
    `SegLens: exported ${lines.length} label-issue regions to ${path.basename(target.fsPath)}`,
  );
}
