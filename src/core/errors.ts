/** Why a file could not be evaluated; stable codes let tests and UIs group reasons. */
export type InputErrorCode =
  | 'unreadable'
  | 'not-png'
  | 'truncated'
  | 'corrupt'
  | 'too-large'
  | 'unsupported-format'
  | 'bad-npy-header'
  | 'size-mismatch'
  | 'class-count-mismatch'
  | 'invalid-values'
  | 'unknown-colour'
  | 'unpaired';

/** A bad input file: always names the file and says what is wrong with it. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly file: string,
    readonly code: InputErrorCode,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}

/** The one line an error becomes in a log, a notification or on stderr: its message, or the thrown value. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
