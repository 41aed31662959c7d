import { z } from 'zod';
import { projectDocumentSchema } from '../document/schema.js';

/**
 * The one API every shell exposes to the renderer: Electron's preload (through contextBridge and
 * ipcRenderer.invoke) and the studio server (HTTP + server-sent events) implement exactly this
 * table. Each method's arguments and result are zod schemas, validated where they are received:
 * the host validates arguments, the renderer-side client validates results.
 *
 * To add a method: add it here; the host services, the Electron bridge and the studio client pick
 * it up from this table (their tests check that every method is wired).
 */

/** A failure that crosses the process boundary as data. `file` names the file at fault, if any. */
export const apiErrorSchema = z.object({
  code: z.enum([
    'invalid-argument',
    'not-found',
    'corrupt-file',
    'future-version',
    'invalid-project',
    'io-error',
    'cancelled',
    'worker-failed',
    'unsupported',
    'internal',
  ]),
  message: z.string(),
  file: z.string().optional(),
});
export type ApiErrorData = z.infer<typeof apiErrorSchema>;

export const openedProjectSchema = z.object({
  /** Absolute path of the project file, or null for an unsaved project (e.g. the sample). */
  path: z.string().nullable(),
  document: projectDocumentSchema,
});
export type OpenedProject = z.output<typeof openedProjectSchema>;

export const projectListEntrySchema = z.object({
  path: z.string(),
  name: z.string(),
  modifiedMs: z.number(),
});
export type ProjectListEntry = z.infer<typeof projectListEntrySchema>;

export const shellInfoSchema = z.object({
  shell: z.enum(['electron', 'studio']),
  version: z.string(),
  /** Folder where the studio lists and saves projects (studio only). */
  projectsDir: z.string().nullable(),
});
export type ShellInfo = z.infer<typeof shellInfoSchema>;

export const apiMethods = {
  getShellInfo: { args: z.tuple([]), result: shellInfoSchema },
  /** The sample character and motion from assets/, as an unsaved project. */
  openSample: { args: z.tuple([]), result: openedProjectSchema },
  /** Electron shows the open dialog when no path is given; null when the user cancels. */
  openProject: { args: z.tuple([z.string().optional()]), result: openedProjectSchema.nullable() },
  /**
   * Saves atomically (temp file + rename). Without a path, Electron shows the save dialog and the
   * studio saves under its projects folder using the document's name. Null when cancelled.
   */
  saveProject: {
    args: z.tuple([projectDocumentSchema, z.string().optional()]),
    result: z.object({ path: z.string() }).nullable(),
  },
  listProjects: { args: z.tuple([]), result: z.array(projectListEntrySchema) },
} as const;

export type ApiMethods = typeof apiMethods;
export type ApiMethodName = keyof ApiMethods;

/** The typed API, as the renderer sees it. Every method rejects with an ApiError on failure. */
export type KeyposeApi = {
  [K in ApiMethodName]: (
    ...args: z.input<ApiMethods[K]['args']>
  ) => Promise<z.output<ApiMethods[K]['result']>>;
} & {
  /** Menu commands (Electron's menu bar; the studio has none). Returns an unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
};

/** Commands the application menu sends to the renderer; the renderer maps them to store actions. */
export const menuCommandSchema = z.enum([
  'file.new',
  'file.open',
  'file.save',
  'file.saveAs',
  'edit.undo',
  'edit.redo',
  'view.cameraView',
  'view.toggleOnionSkin',
  'help.shortcuts',
]);
export type MenuCommand = z.infer<typeof menuCommandSchema>;

/** The envelope every call result travels in, so errors keep their code and file. */
export type ApiResponse<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };

/** The renderer-side error a failed call rejects with. */
export class ApiError extends Error {
  readonly code: ApiErrorData['code'];
  readonly file: string | undefined;
  constructor(data: ApiErrorData) {
    super(data.message);
    this.name = 'ApiError';
    this.code = data.code;
    this.file = data.file;
  }
  toData(): ApiErrorData {
    return { code: this.code, message: this.message, ...(this.file ? { file: this.file } : {}) };
  }
}

/**
 * What Electron's preload exposes as `window.keypose`: the methods of the table, each resolving to
 * the response envelope instead of rejecting, because contextBridge drops the custom properties
 * (code, file) of thrown errors. The renderer's getApi() unwraps it, validates results and
 * rejects with ApiError, exactly as for the studio.
 */
export type KeyposeBridge = {
  [K in ApiMethodName]: (...args: z.input<ApiMethods[K]['args']>) => Promise<ApiResponse<unknown>>;
} & {
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
};
