import type { IssueRegion } from '../metrics/issueRegions';

/**
 * One line of a label-issues file (`--label-issues FILE.jsonl`): a region a person should relabel or
 * confirm, so a labelling tool or a script can take it from there.
 */
export interface LabelIssueLine {
  readonly image: string;
  readonly labelFile: string;
  /** The prediction(s) the evidence came from: one soft prediction, or the models that voted. */
  readonly predictionFiles: readonly string[];
  readonly box: IssueRegion['box'];
  readonly pixels: number;
  readonly labelClass: number;
  readonly suggestedClass: number;
  /** Soft: the region's mean P(label) (low = doubtful). Agreement: the mean share of models voting for the suggestion. */
  readonly score: number;
  readonly evidence: 'soft' | 'agreement';
}

export interface IssueSource {
  readonly image: string;
  readonly labelFile: string;
  readonly predictionFiles: readonly string[];
  readonly regions: readonly IssueRegion[];
}

/** The lines of one or more images' regions, in the order given (images, then regions largest first). */
export function labelIssueLines(
  sources: readonly IssueSource[],
  evidence: LabelIssueLine['evidence'],
): LabelIssueLine[] {
  return sources.flatMap((source) =>
    source.regions.map((region): LabelIssueLine => ({
      image: source.image,
      labelFile: source.labelFile,
      predictionFiles: source.predictionFiles,
      box: region.box,
      pixels: region.pixels,
      labelClass: region.labelClass,
      suggestedClass: region.suggestedClass,
      score: region.score,
      evidence,
    })),
  );
}

/** The soft label issues of evaluated images (rows without soft figures have none). */
export function softIssueSources(
  rows: readonly {
    readonly name: string;
    readonly labelFile: string;
    readonly predictionFile: string;
    readonly labelIssueRegions?: readonly IssueRegion[];
  }[],
): IssueSource[] {
  return rows.map((r) => ({
    image: r.name,
    labelFile: r.labelFile,
    predictionFiles: [r.predictionFile],
    regions: r.labelIssueRegions ?? [],
  }));
}

/** JSON lines: one object per line, a newline after each (an empty file when there is none). */
export function toJsonLines(lines: readonly LabelIssueLine[]): string {
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}
