import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import {
  ApiError,
  type ApiErrorData,
  type ApiMethodName,
  type ApiResponse,
  apiMethods,
} from '../../core/contract/api.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { readLibraryMotion } from '../motion/library.js';
import { readAppVersion } from '../paths.js';
import {
  ensureProjectsDir,
  findSamplePath,
  listProjects,
  loadProject,
  loadSample,
  PROJECT_EXTENSION,
  projectFileName,
  saveProject,
} from '../project/store.js';
import type { ApiImplementation } from './apiImplementation.js';
import { createCharacterServices } from './characterServices.js';
import { createServiceContext, type ServiceContext, type ServicesOptions } from './context.js';
import { createExportServices } from './exportServices.js';
import { createFaceServices } from './faceServices.js';
import { createFaceVideoServices } from './faceVideoServices.js';
import { createRenderServices } from './renderServices.js';
import { createVideoMotionServices } from './videoMotionServices.js';

/**
 * The host side of the contract in core/contract/api.ts, shared by the Electron shell (over IPC)
 * and the studio server (over HTTP). Shell-specific behaviour (dialogs) wraps these functions in
 * the shell; nothing here knows how a call arrived.
 */
export type { ApiImplementation } from './apiImplementation.js';

export type { ServiceContext, ServicesOptions } from './context.js';

/**
 * The whole API. Long work (render, import, export) lives in three service groups sharing one
 * ServiceContext (job manager, render service, frame worker); pass a context to subscribe to its
 * job events (the shells do) and to dispose of it.
 */
export function createServices(
  options: ServicesOptions,
  context: ServiceContext = createServiceContext(options),
): ApiImplementation {
  const version = options.version ?? readAppVersion();
  const projectsDir = options.projectsDir ? resolve(options.projectsDir) : null;
  if (options.confineToProjectsDir && !projectsDir) {
    throw new Error('confineToProjectsDir needs a projectsDir');
  }

  /**
   * The real path of a project path from the caller (relative paths are relative to the projects
   * folder), checked against the shell's PathAccess: a link inside the folder that points out of
   * it is refused, and a save over a linked project writes the file the link points to.
   */
  const resolveProjectPath = (path: string): Promise<string> => {
    const relativeToProjects = projectsDir && !isAbsolute(path) ? resolve(projectsDir, path) : path;
    return context.confine(
      relativeToProjects,
      options.shell === 'studio' ? 'the studio only opens and saves projects there' : 'choose it in a dialog',
    );
  };

  /** A free file name for a new project, reusing the name when it already holds this project. */
  const pathForNewProject = async (dir: string, doc: ProjectDocument): Promise<string> => {
    const base = projectFileName(doc.name).slice(0, -PROJECT_EXTENSION.length);
    for (let n = 1; n < 1000; n++) {
      const candidate = join(dir, `${n === 1 ? base : `${base} ${n}`}${PROJECT_EXTENSION}`);
      if (!existsSync(candidate)) return candidate;
      const existingId = await loadProject(candidate).then(
        (existing) => existing.id,
        () => null,
      );
      if (existingId === doc.id) return candidate;
    }
    throw new ApiError({ code: 'io-error', message: `No free file name for "${doc.name}" in ${dir}.` });
  };

  return {
    ...createRenderServices(context),
    ...createCharacterServices(context),
    ...createVideoMotionServices(context),
    ...createExportServices(context),
    ...createFaceServices(context),
    ...createFaceVideoServices(context),
    async getShellInfo() {
      return { shell: options.shell, version, projectsDir };
    },
    async openSample() {
      const samplePath = options.samplePath === undefined ? findSamplePath() : options.samplePath;
      return { path: null, document: await loadSample(samplePath) };
    },
    async openProject(path) {
      if (path === undefined) {
        throw new ApiError({
          code: 'invalid-argument',
          message: 'openProject needs the path of a project file.',
        });
      }
      const absolute = await resolveProjectPath(path);
      return { path: absolute, document: await loadProject(absolute) };
    },
    async saveProject(document, path) {
      let target: string;
      if (path !== undefined) {
        target = await resolveProjectPath(path);
        if (context.access && !target.endsWith(PROJECT_EXTENSION)) {
          throw new ApiError({
            code: 'invalid-argument',
            message: `${target}: project files must end in ${PROJECT_EXTENSION}.`,
            file: target,
          });
        }
      } else {
        if (!projectsDir) {
          throw new ApiError({ code: 'invalid-argument', message: 'saveProject needs a path.' });
        }
        target = await pathForNewProject(await ensureProjectsDir(projectsDir), document);
      }
      await saveProject(target, document);
      return { path: target };
    },
    async listProjects() {
      return projectsDir ? listProjects(projectsDir) : [];
    },
    readLibraryMotion,
  };
}

/** Validates the arguments of one call, runs it and wraps the outcome in the response envelope. */
export async function callApi(
  impl: ApiImplementation,
  method: string,
  rawArgs: unknown,
): Promise<ApiResponse<unknown>> {
  if (!isApiMethodName(method)) {
    return { ok: false, error: { code: 'not-found', message: `Unknown API method "${method}".` } };
  }
  const parsed = apiMethods[method].args.safeParse(rawArgs ?? []);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'invalid-argument',
        message: `Invalid arguments for ${method}: ${parsed.error.issues
          .slice(0, 5)
          .map((issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`)
          .join('; ')}`,
      },
    };
  }
  try {
    const run = impl[method] as (...args: unknown[]) => Promise<unknown>;
    return { ok: true, value: await run(...(parsed.data as unknown[])) };
  } catch (error) {
    return { ok: false, error: toApiErrorData(error) };
  }
}

export function isApiMethodName(name: string): name is ApiMethodName {
  return Object.hasOwn(apiMethods, name);
}

/** Any thrown value as error data; unexpected errors become 'internal' with their message. */
export function toApiErrorData(error: unknown): ApiErrorData {
  if (error instanceof ApiError) return error.toData();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Internal error: ${message}` };
}
