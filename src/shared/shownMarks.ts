/**
 * The pages' performance marks of an answer on screen (webview/common/shownMark.ts), read by the scale
 * bench's driver (test/e2e/extensionScale.e2e.test.ts): the dataset panel's first matrix, and each
 * image the inspector shows (its name as the mark's detail). Imports nothing: the e2e driver is built
 * file by file and loads this one beside it.
 */
export const SHOWN_MARKS = { datasetMatrix: 'seglens:matrix-shown', inspectorImage: 'seglens:image-shown' } as const;
