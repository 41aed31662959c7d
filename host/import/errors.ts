import { ApiError, type ApiErrorData } from '../../core/contract/api.js';

/** Why an import failed, finer than the API's error codes (the UI and tests can tell them apart). */
export type ImportErrorReason =
  | 'not-found'
  | 'io-error'
  | 'unsupported-format'
  | 'corrupt-file'
  | 'too-large'
  | 'empty-psd'
  | 'invalid-character-folder'
  | 'no-figure';

const API_CODE: Record<ImportErrorReason, ApiErrorData['code']> = {
  'not-found': 'not-found',
  'io-error': 'io-error',
  'unsupported-format': 'unsupported',
  'corrupt-file': 'corrupt-file',
  'too-large': 'unsupported',
  'empty-psd': 'invalid-argument',
  'invalid-character-folder': 'corrupt-file',
  'no-figure': 'invalid-argument',
};

/**
 * A failed import. It is an ApiError, so it crosses the process boundary as data with the API's
 * code and the file's path; `reason` keeps the finer cause. The message always names the file.
 */
export class ImportError extends ApiError {
  readonly reason: ImportErrorReason;
  constructor(reason: ImportErrorReason, filePath: string, problem: string) {
    super({ code: API_CODE[reason], message: `${filePath}: ${problem}`, file: filePath });
    this.name = 'ImportError';
    this.reason = reason;
  }
}

/** Turns a Node file-system error into an ImportError naming the file. */
export function fileSystemImportError(error: unknown, filePath: string): ImportError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new ImportError('not-found', filePath, 'the file does not exist');
  if (code === 'EACCES' || code === 'EPERM') {
    return new ImportError('io-error', filePath, 'the file cannot be read (permission denied)');
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new ImportError('io-error', filePath, `the file cannot be read (${detail})`);
}
