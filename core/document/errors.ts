/** Why a project file could not be read; `file` is the name the user knows it by. */
export type DocumentErrorCode = 'corrupt-file' | 'future-version' | 'invalid-project';

export class DocumentError extends Error {
  readonly code: DocumentErrorCode;
  readonly file: string;
  constructor(code: DocumentErrorCode, file: string, message: string) {
    super(message);
    this.name = 'DocumentError';
    this.code = code;
    this.file = file;
  }
}

/** The plain-data form that crosses process boundaries (matches the contract's ApiErrorData). */
export function documentErrorToData(error: DocumentError): {
  code: DocumentErrorCode;
  message: string;
  file: string;
} {
  return { code: error.code, message: error.message, file: error.file };
}

/** How many schema problems an error message lists before "and N more". */
const MAX_LISTED_ISSUES = 4;

/** "characters[0].motion.rotations.Tail: the motion animates an unknown joint "Tail"; ..." */
export function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const path = issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
      .join('');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  const more = issues.length - listed.length;
  return listed.join('; ') + (more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : '');
}
