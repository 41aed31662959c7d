import { z } from 'zod';
import { MAX_ASSET_BASE64_CHARS, MAX_AUDIO_BASE64_CHARS } from '../document/limits.js';
import { assetSchema, characterSchema, projectDocumentSchema } from '../document/schema.js';
import { MOUTH_SHAPES } from '../face/mouthShapes.js';
import { faceLayerSchema, faceRigSchema, mouthKeySchema } from '../face/schema.js';
import { poseSequenceSchema } from '../io/poseSequence.js';
import { TEMPLATE_KINDS } from '../skeleton/templates.js';

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
    /** The destination exists; the caller may ask the user and repeat with overwrite. */
    'already-exists',
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

/** A model pack in the user's models folder (host/packs/modelsFolder.ts). */
export const modelPackInfoSchema = z.object({
  /** The pack's folder name. */
  id: z.string(),
  name: z.string(),
  version: z.string(),
  licence: z.string(),
  /** Stage names ('refine'). */
  stages: z.array(z.string()),
  valid: z.boolean(),
  /** Why the pack cannot be used (names the file and the problem). */
  error: z.string().optional(),
});
export type ModelPackInfo = z.infer<typeof modelPackInfoSchema>;

/** The pack whose refine stage final frames go through; `error` when it failed at render time. */
export const activeModelPackSchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  error: z.string().nullable(),
});
export type ActiveModelPack = z.infer<typeof activeModelPackSchema>;

export const engineStatusSchema = z.object({
  /** e.g. 'cpu', 'cuda'; null until the worker has started. */
  provider: z.string().nullable(),
  messages: z.array(z.string()),
  /** Null (or absent, from a host without model packs): the built-in engine alone. */
  activePack: activeModelPackSchema.nullable().optional(),
});
export type EngineStatus = z.infer<typeof engineStatusSchema>;

export const jobStartedSchema = z.object({ jobId: z.string() });

/**
 * Lip sync of a character (docs/face.md): from the project's sound track, or from a voice file
 * sent along; the 'done' event's result is a LipSyncResult (lipSyncResultSchema), which the
 * editor applies as one undoable edit.
 */
export const lipSyncRequestSchema = z.object({
  document: projectDocumentSchema,
  characterId: z.string().min(1),
  /** The dialogue, if known: guides recognition. */
  text: z.string().max(200_000).optional(),
  voice: z
    .object({
      fileName: z.string().min(1).max(256),
      dataBase64: z.string().min(1).max(MAX_AUDIO_BASE64_CHARS),
      /** Project frame at which the voice starts (default 0). */
      startFrame: z.number().int().min(0).optional(),
    })
    .optional(),
});
export type LipSyncRequest = z.input<typeof lipSyncRequestSchema>;

export const lipSyncResultSchema = z.object({
  keys: z.array(mouthKeySchema),
  fromFrame: z.number().int().min(0),
  toFrame: z.number().int().min(0),
  layer: faceLayerSchema,
  durationSec: z.number(),
  elapsedSec: z.number(),
});
export type LipSyncResultData = z.output<typeof lipSyncResultSchema>;

export const detectFaceRequestSchema = z.object({
  document: projectDocumentSchema,
  characterId: z.string().min(1),
});
export const detectedFaceSchema = z.object({
  rig: faceRigSchema,
  found: z.array(z.enum(['eyes', 'mouth', 'brows', 'chin'])),
  /**
   * Why the landmark model could not run (its worker did not start, died or took too long), when
   * it could not: the rig then comes from the drawn-face finder, and the user is told so.
   */
  modelError: z.string().optional(),
});

/** A layered PSD of mouth drawings, cut onto a face rig's mouth (the editor's Mouth drawings…). */
export const mouthDrawingsFromPsdRequestSchema = z.object({
  fileName: z.string().min(1),
  dataBase64: z.string().max(MAX_ASSET_BASE64_CHARS),
  face: faceRigSchema,
  /** The character's art size: a PSD of that size is its own canvas (drawings cut where drawn). */
  art: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }),
});
/** Per mouth shape its layer's drawing as an asset, with the id the project stores it under. */
export const mouthDrawingsSchema = z.partialRecord(
  z.enum(MOUTH_SHAPES),
  z.object({ assetId: z.string().min(1), asset: assetSchema }),
);

export const renderQualitySchema = z.enum(['draft', 'final', 'reference']);

export const renderFramesRequestSchema = z.object({
  document: projectDocumentSchema,
  /** Only this character (placed in the output frame); without it, the scene (every character). */
  characterId: z.string().optional(),
  frames: z.array(z.number().int().min(0)).min(1),
  /**
   * 'draft' (during a drag) and 'final' are the engine's frames; 'reference' the plain-TypeScript
   * reference renderer's (seconds a frame), to check the engine's against (docs/testing.md).
   */
  quality: renderQualitySchema.default('final'),
});
export type RenderFramesRequest = z.input<typeof renderFramesRequestSchema>;

/** A rendered frame: straight RGBA8, fetched from frameUrl(key) (raw bytes, width x height x 4). */
export const frameRefSchema = z.object({
  frameIndex: z.number().int(),
  key: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  quality: renderQualitySchema,
});
export type FrameRef = z.infer<typeof frameRefSchema>;

export const renderFramesResultSchema = z.object({
  /** Null when every frame was cached. */
  jobId: z.string().nullable(),
  cached: z.array(frameRefSchema),
});

/** An Animated Drawings folder sent by the editor: at most this many files… */
export const IMPORT_FOLDER_MAX_FILES = 16;
/** …together at most this many base64 characters (about 192 MiB of file bytes). */
export const IMPORT_FOLDER_MAX_BASE64_CHARS = 256 * 1024 * 1024;

/**
 * The skeleton template the import should fit (the import dialog's choice); absent or 'auto':
 * chosen from the figure (core/skeleton/templates.ts).
 */
const importTemplate = { template: z.enum([...TEMPLATE_KINDS, 'auto']).optional() };

export const importSourceSchema = z
  .union([
    z.object({ path: z.string(), ...importTemplate }),
    z.object({ fileName: z.string(), dataBase64: z.string(), ...importTemplate }),
    // A dropped or chosen folder (the editor cannot send a path): its files by base name.
    z.object({
      ...importTemplate,
      folderName: z.string(),
      files: z.array(z.object({ name: z.string(), dataBase64: z.string() })).min(1, 'the folder is empty'),
    }),
  ])
  .superRefine((source, ctx) => {
    // Checked on the whole union so the message reaches the user instead of "Invalid input".
    if (!('folderName' in source)) return;
    if (source.files.length > IMPORT_FOLDER_MAX_FILES) {
      ctx.addIssue({
        code: 'custom',
        path: ['files'],
        message: `${source.folderName}/ has ${source.files.length} files; a character folder may send at most ${IMPORT_FOLDER_MAX_FILES}`,
      });
    }
    const totalChars = source.files.reduce((sum, f) => sum + f.dataBase64.length, 0);
    if (totalChars > IMPORT_FOLDER_MAX_BASE64_CHARS) {
      ctx.addIssue({
        code: 'custom',
        path: ['files'],
        message: `${source.folderName}/ is ${Math.round((totalChars * 3) / 4 / 2 ** 20)} MiB; a character folder may be at most ${Math.round((IMPORT_FOLDER_MAX_BASE64_CHARS * 3) / 4 / 2 ** 20)} MiB`,
      });
    }
  });
export type ImportSource = z.infer<typeof importSourceSchema>;

/** The result of an import job: a rigged character and its art, ready to add to a document. */
export const importedCharacterSchema = z.object({
  character: characterSchema,
  assets: z.record(z.string(), assetSchema),
  /** How the skeleton was fitted, and joints that were placed by the template (to check by hand). */
  fit: z.object({
    method: z.enum(['pose-model', 'silhouette', 'file']),
    templatedJoints: z.array(z.string()),
    /** The skeleton's template (from its joint names); null for a custom skeleton. */
    template: z.enum(TEMPLATE_KINDS).nullable().optional(),
  }),
  warnings: z.array(z.string()),
});
export type ImportedCharacter = z.output<typeof importedCharacterSchema>;

export const weightOverlayRequestSchema = z.object({
  document: projectDocumentSchema,
  characterId: z.string(),
  jointId: z.string(),
});

export const exportPresetInfoSchema = z.object({
  id: z.string(),
  label: z.string(),
  extension: z.string(),
  alpha: z.boolean(),
  kind: z.enum(['video', 'image-sequence', 'motion']),
  /** Whether the file carries the project's audio track (absent: it does not). */
  audio: z.boolean().optional(),
});
export type ExportPresetInfo = z.infer<typeof exportPresetInfoSchema>;

export const exportRequestSchema = z.object({
  document: projectDocumentSchema,
  characterId: z.string().optional(),
  presetId: z.string(),
  outPath: z.string().optional(),
  /**
   * Replace an existing file at outPath (the user confirmed it; Electron's save dialog asks),
   * or, for a PNG sequence, write into a folder that is not empty (only files of the same names
   * are replaced). Never a Keypose project, never the folder itself: exports delete nothing.
   */
  overwrite: z.boolean().optional(),
  /**
   * The name to export under, without folder or extension: the studio writes it into its exports
   * folder (an existing file there needs overwrite); Electron's save dialog suggests it.
   * Without it the studio picks a free name ("<project> 2.mp4").
   */
  fileName: z.string().min(1).max(200).optional(),
  fps: z.string().optional(),
  scale: z.number().positive().max(4).optional(),
  range: z.object({ start: z.number().int().min(0), end: z.number().int().min(0) }).optional(),
  startTimecode: z.string().optional(),
  background: z.string().optional(),
  /**
   * 'reference': every frame drawn by the plain-TypeScript reference renderer instead of the ONNX
   * engine (seconds a frame; `keypose render --reference`), to check the engine's frames against.
   */
  renderer: z.enum(['engine', 'reference']).optional(),
});
export type ExportRequest = z.input<typeof exportRequestSchema>;

/** A video to turn into motion (issue 11): its bytes, and the rate to sample it at (the project's). */
export const videoMotionRequestSchema = z.object({
  fileName: z.string().min(1).max(300),
  dataBase64: z.string().min(1).max(IMPORT_FOLDER_MAX_BASE64_CHARS),
  fps: z.number().positive().max(240),
});
export type VideoMotionRequest = z.input<typeof videoMotionRequestSchema>;

/** What every video analysis reports about the video it read (motion, face). */
const analysedVideoFields = {
  fileName: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  fps: z.number(),
  frameCount: z.number().int(),
  elapsedSec: z.number(),
};

/** The result of an analyzeVideoMotion job: each person found, as a pose sequence to import. */
export const videoMotionResultSchema = z.object({
  ...analysedVideoFields,
  /** The people were read from the analysis cache (this video was analysed before), not found again. */
  fromCache: z.boolean().optional(),
  people: z.array(
    z.object({
      trackId: z.number().int(),
      firstFrame: z.number().int(),
      lastFrame: z.number().int(),
      seenFrames: z.number().int(),
      meanScore: z.number(),
      thumbnailPngBase64: z.string(),
      startPosition: z.tuple([z.number(), z.number(), z.number()]).nullable(),
      /** Per video frame the person's 2D joints in the video's pixels (null: not seen). */
      joints2d: z.array(z.record(z.string(), z.tuple([z.number(), z.number()])).nullable()),
      sequence: poseSequenceSchema,
    }),
  ),
});
export type VideoMotionResult = z.output<typeof videoMotionResultSchema>;

/**
 * A face video to read head pose and expressions from (issue 13): its bytes, the rate to sample it
 * at (the project's) and optionally the rest frame (the neutral, camera-facing video frame).
 */
export const faceVideoRequestSchema = videoMotionRequestSchema.extend({
  restFrame: z.number().int().min(0).optional(),
});
export type FaceVideoRequest = z.input<typeof faceVideoRequestSchema>;

const performanceChannelsSchema = z.object({
  blinkL: z.number(),
  blinkR: z.number(),
  browRaiseL: z.number(),
  browRaiseR: z.number(),
  jawOpen: z.number(),
  mouthWide: z.number(),
  smile: z.number(),
});

/** The result of an analyzeFaceVideo job: each face found, as a performance per video frame. */
export const faceVideoResultSchema = z.object({
  ...analysedVideoFields,
  faces: z.array(
    z.object({
      trackId: z.number().int(),
      firstFrame: z.number().int(),
      seenFrames: z.number().int(),
      restFrame: z.number().int(),
      thumbnailPngBase64: z.string(),
      frames: z.array(
        z.object({
          found: z.boolean(),
          yawDeg: z.number(),
          pitchDeg: z.number(),
          rollDeg: z.number(),
          channels: performanceChannelsSchema,
        }),
      ),
    }),
  ),
});
export type FaceVideoResultData = z.output<typeof faceVideoResultSchema>;

const jobKindSchema = z.enum(['render', 'import', 'export', 'lipsync']);
export const jobEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('progress'),
    jobId: z.string(),
    kind: jobKindSchema,
    done: z.number(),
    total: z.number(),
    stage: z.string().optional(),
    etaSec: z.number().nullable().optional(),
  }),
  z.object({ type: z.literal('frame'), jobId: z.string(), frame: frameRefSchema }),
  z.object({
    type: z.literal('done'),
    jobId: z.string(),
    kind: jobKindSchema,
    result: z.unknown().optional(),
  }),
  z.object({ type: z.literal('failed'), jobId: z.string(), kind: jobKindSchema, error: apiErrorSchema }),
  z.object({ type: z.literal('cancelled'), jobId: z.string(), kind: jobKindSchema }),
  z.object({ type: z.literal('engine'), status: engineStatusSchema }),
]);
export type JobEvent = z.infer<typeof jobEventSchema>;

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

  // ---- Long work runs as jobs: the call returns a job id at once; progress, frames and the
  // ---- result arrive as JobEvents (onJobEvent); cancelJob stops one.
  cancelJob: { args: z.tuple([z.string()]), result: z.null() },
  /** The frame engine's execution provider (for the status bar) and why preferred ones were skipped. */
  getEngineStatus: { args: z.tuple([]), result: engineStatusSchema },
  /**
   * Renders frames of the scene (or of one character). Frames already in the frame cache are listed in `cached` (their
   * pixels are at frameUrl(key)); the others stream as 'frame' events. A newer renderFrames for the
   * same character does not cancel older jobs: the caller cancels what it no longer needs.
   */
  renderFrames: { args: z.tuple([renderFramesRequestSchema]), result: renderFramesResultSchema },
  /**
   * Imports a picture (PNG/JPEG/WebP/PSD, or an Animated Drawings folder by path or as its files)
   * and rigs it (mask, skeleton fit, weights) as a job; the 'done' event's result is an
   * ImportedCharacter.
   */
  importCharacter: { args: z.tuple([importSourceSchema]), result: jobStartedSchema },
  /** Which pixels move with a joint (its part of the layered parts rig) as a heat-map picture. */
  getWeightOverlay: {
    args: z.tuple([weightOverlayRequestSchema]),
    result: z.object({ width: z.number().int(), height: z.number().int(), pngBase64: z.string() }),
  },
  /**
   * The layers of a character's parts rig (each part's picture, own and completed hidden pieces, as
   * a PNG, and where it lies in the art), for the viewport's live preview while posing.
   */
  getPartLayers: {
    args: z.tuple([z.object({ document: projectDocumentSchema, characterId: z.string() })]),
    result: z.object({
      rigKey: z.string(),
      width: z.number().int(),
      height: z.number().int(),
      parts: z.array(
        z.object({
          jointId: z.string(),
          x: z.number().int(),
          y: z.number().int(),
          width: z.number().int(),
          height: z.number().int(),
          depthBias: z.number(),
          pngBase64: z.string(),
        }),
      ),
    }),
  },
  listExportPresets: { args: z.tuple([]), result: z.array(exportPresetInfoSchema) },
  /** The model packs in the user's models folder, each validated (invalid ones with their error). */
  listModelPacks: { args: z.tuple([]), result: z.array(modelPackInfoSchema) },
  /**
   * Makes a valid pack (by id) the one final frames go through, or the built-in engine alone
   * (null); remembered across sessions. Rejects for an unknown or invalid pack.
   */
  setActiveModelPack: { args: z.tuple([z.string().nullable()]), result: activeModelPackSchema.nullable() },
  /**
   * Exports as a job. Without outPath, Electron shows the save dialog and the studio writes under
   * its projects folder (exports/). The 'done' event's result is { path }.
   */
  exportProject: { args: z.tuple([exportRequestSchema]), result: jobStartedSchema.nullable() },
  /**
   * A motion of the library (core/motion/library.ts) by id: its BVH text from assets/motions/
   * (the library panel retargets it in the page like any imported file).
   */
  /**
   * Finds the face on a character's picture (core/face/detectDrawnFace.ts) for the face rig; what
   * it does not find is placed by proportion. The editor stores it as one undoable edit.
   */
  detectFace: { args: z.tuple([detectFaceRequestSchema]), result: detectedFaceSchema },
  /**
   * The mouth drawings of a layered PSD (layers named for shapes: "mouth A", "Mouths/E"), each cut
   * onto the face rig's mouth; the editor stores them as one undoable edit. Rejects a PSD without
   * such layers, naming it.
   */
  mouthDrawingsFromPsd: { args: z.tuple([mouthDrawingsFromPsdRequestSchema]), result: mouthDrawingsSchema },
  /** Lip sync as a job (progress, cancel); see lipSyncRequestSchema. */
  lipSync: { args: z.tuple([lipSyncRequestSchema]), result: jobStartedSchema },
  readLibraryMotion: {
    args: z.tuple([z.string().min(1)]),
    result: z.object({ fileName: z.string(), text: z.string() }),
  },
  /**
   * Motion from a video (a job, kind 'import'): ffmpeg decodes it at `fps`, the pose worker finds
   * and tracks the people, each becomes a pose sequence; the 'done' event's result is a
   * VideoMotionResult (thumbnails, 2D tracks for the picker, the sequences).
   */
  analyzeVideoMotion: { args: z.tuple([videoMotionRequestSchema]), result: jobStartedSchema },
  /**
   * Head pose and face from a video (a job, kind 'import'): ffmpeg decodes it at `fps`, the face
   * worker finds the faces' landmarks, each face becomes a performance (head yaw/pitch/roll, face
   * channels); the 'done' event's result is a FaceVideoResult, which the editor keys as one edit.
   */
  analyzeFaceVideo: { args: z.tuple([faceVideoRequestSchema]), result: jobStartedSchema },
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
  /** Job progress, frames and results (validated with jobEventSchema). Returns an unsubscribe function. */
  onJobEvent(listener: (event: JobEvent) => void): () => void;
  /** Where a rendered frame's raw RGBA bytes are served (studio: /frames/KEY; Electron: app://). */
  frameUrl(key: string): string;
};

/** Commands the application menu sends to the renderer; the renderer maps them to store actions. */
export const menuCommandSchema = z.enum([
  'file.new',
  'file.import',
  'file.importMotion',
  'file.open',
  'file.save',
  'file.saveAs',
  'file.export',
  'file.exportAgain',
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
  /** Job events from the main process (webContents.send on 'keypose:job-event'), validated. */
  onJobEvent(listener: (event: JobEvent) => void): () => void;
};
