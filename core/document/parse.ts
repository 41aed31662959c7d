import { DocumentError, formatIssues } from './errors.js';
import { migrateToCurrent } from './migrations.js';
import { type ProjectDocument, projectDocumentSchema } from './schema.js';

export { DocumentError, type DocumentErrorCode, documentErrorToData } from './errors.js';

/**
 * Reads a project file's text: JSON, then migrations from older versions, then the schema.
 * Throws DocumentError whose message names `fileName` and the problem.
 */
export function parseProjectJson(text: string, fileName: string): ProjectDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const reason = text.trim() === '' ? 'the file is empty' : (error as Error).message;
    throw new DocumentError(
      'corrupt-file',
      fileName,
      `${fileName} is not a valid Keypose project: the JSON is truncated or damaged (${reason})`,
    );
  }
  return validateProject(migrateToCurrent(raw, fileName), fileName);
}

/** Validates an already-parsed current-version document (e.g. one received over IPC). */
export function validateProject(raw: unknown, fileName: string): ProjectDocument {
  const result = projectDocumentSchema.safeParse(raw);
  if (!result.success) {
    throw new DocumentError(
      'invalid-project',
      fileName,
      `${fileName} is not a valid Keypose project: ${formatIssues(result.error.issues)}`,
    );
  }
  return result.data;
}

/**
 * The file text for a document: validated first, so an invalid document is never written
 * (throws DocumentError 'invalid-project' with the file name "project").
 */
export function serializeProject(doc: ProjectDocument, fileName = 'project'): string {
  validateProject(doc, fileName);
  return `${JSON.stringify(doc, null, 2)}\n`;
}
