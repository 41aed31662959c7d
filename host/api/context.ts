import { join, resolve } from 'node:path';
import { sweepStaleTemps } from '../export/atomicWrite.js';
import { JobManager } from '../jobs/jobManager.js';
import { ModelPacks, resolveModelsDir } from '../packs/modelsFolder.js';
import { defaultCacheRoot, PathAccess } from '../paths.js';
import { RenderService } from '../render/renderService.js';
import { type WorkerFactory, WorkerSupervisor } from '../worker/supervisor.js';

export interface ServicesOptions {
  shell: 'electron' | 'studio';
  /** Folder the studio lists and saves projects in; null in Electron (dialogs choose). */
  projectsDir: string | null;
  /**
   * Confine file access to projectsDir (the studio: any page the browser opens can reach
   * 127.0.0.1, so the server must not read or write arbitrary paths for it).
   */
  confineToProjectsDir: boolean;
  /**
   * The files the page may name (host/paths.ts PathAccess). Electron passes the folders the user
   * chose in its dialogs; without it, confineToProjectsDir allows the projects folder, and no
   * confinement at all is the CLI (whose user typed the paths).
   */
  access?: PathAccess;
  version?: string;
  samplePath?: string | null;
  /** Parent of the per-project frame caches (<cacheRoot>/<projectId>); default ~/.cache/keypose. */
  cacheRoot?: string;
  /** How the frame worker is started (Electron: utilityProcess); default child_process.fork. */
  workerFactory?: WorkerFactory;
  /**
   * The user's models folder (Electron: userData/models); KEYPOSE_MODELS_DIR overrides it, and
   * without either it is ~/Keypose/models (host/packs/modelsFolder.ts).
   */
  modelsDir?: string;
}

/**
 * What every service group (host/api/renderServices.ts, characterServices.ts, exportServices.ts)
 * shares: the options, one job manager (whose events the shell forwards), one render service and
 * one frame worker, started on first use so that shells and tests that never render never fork it.
 */
export interface ServiceContext {
  readonly options: ServicesOptions;
  readonly jobs: JobManager;
  readonly render: RenderService;
  /** The model packs of the user's models folder and the active one. */
  readonly packs: ModelPacks;
  /** Where the page's paths may lead; null: anywhere (the CLI). */
  readonly access: PathAccess | null;
  /** The real path of a path from the page, when `access` allows it (see PathAccess.confine). */
  confine(path: string, purpose?: string): Promise<string>;
  /** The frame worker's supervisor, started on first use. */
  supervisor(): WorkerSupervisor;
  /** Cancels running jobs and stops the worker (shell shutdown, test teardown). */
  dispose(): Promise<void>;
}

/** The PathAccess the options ask for (see ServicesOptions.access). */
export function accessFor(options: ServicesOptions): PathAccess | null {
  if (options.access) return options.access;
  if (!options.confineToProjectsDir) return null;
  if (!options.projectsDir) throw new Error('confineToProjectsDir needs a projectsDir');
  const access = new PathAccess(`the projects folder ${resolve(options.projectsDir)}`, options.projectsDir);
  access.allowFolder(options.projectsDir);
  return access;
}

export function createServiceContext(options: ServicesOptions): ServiceContext {
  const access = accessFor(options);
  const jobs = new JobManager();
  let supervisor: WorkerSupervisor | null = null;
  const cacheRoot = options.cacheRoot ?? defaultCacheRoot();
  // Built parts rigs, one file per rig key, shared by every project; temporary files a killed
  // worker left there are swept (only the pattern host/export/atomicWrite.ts writes).
  const rigCacheDir = join(cacheRoot, 'rigs');
  void sweepStaleTemps(rigCacheDir);
  const getSupervisor = (): WorkerSupervisor => {
    supervisor ??= new WorkerSupervisor({
      ...(options.workerFactory ? { factory: options.workerFactory } : {}),
      rigCacheDir,
    });
    return supervisor;
  };
  const packs = new ModelPacks(resolveModelsDir(options.modelsDir), getSupervisor);
  const render = new RenderService({
    jobs,
    supervisor: getSupervisor,
    cacheRoot,
    modelPacks: packs,
  });
  return {
    options,
    jobs,
    render,
    packs,
    access,
    confine: (path, purpose) => (access ? access.confine(path, purpose) : Promise.resolve(resolve(path))),
    supervisor: getSupervisor,
    async dispose() {
      jobs.cancelAll();
      render.dispose();
      const s = supervisor;
      supervisor = null;
      if (s) await s.stop();
    },
  };
}
