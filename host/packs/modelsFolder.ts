import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { type ActiveModelPack, ApiError, type ModelPackInfo } from '../../core/contract/api.js';
import { type PackManifest, parsePackManifest } from '../../core/contract/modelPack.js';
import { newId } from '../../core/ids.js';
import { writeFileAtomic } from '../export/atomicWrite.js';
import type { WorkerSupervisor } from '../worker/supervisor.js';

/**
 * The user's models folder: one sub-folder per model pack (manifest.json + ONNX files, see
 * inference/packs/pack.ts), and the choice of the active pack, kept in a small JSON file next to
 * the folder so it survives restarts.
 *
 * Listing validates every pack in two steps: what needs no onnxruntime here (the manifest against
 * the shared schema, the stage files present and inside the pack's folder), then, for packs that
 * pass, the deep check in the frame worker ('validatePack': the ONNX files load and their real
 * inputs/outputs match the manifest). The worker's verdict is kept per pack until one of its files
 * changes (size or modification time), so listing again does not reload large models.
 */

/** KEYPOSE_MODELS_DIR, else the folder the shell chose (Electron: userData/models), else ~/Keypose/models. */
export function resolveModelsDir(shellDir?: string): string {
  const env = process.env.KEYPOSE_MODELS_DIR;
  if (env && env.length > 0) return resolve(env);
  if (shellDir) return resolve(shellDir);
  return join(homedir(), 'Keypose', 'models');
}

/** What the render service needs of the active pack for a final frame. */
export interface ActivePackForRender {
  readonly id: string;
  readonly version: string;
  readonly dir: string;
  /** Changes when any of the pack's files changes: part of the frame keys. */
  readonly signature: string;
}

interface Verdict {
  readonly signature: string;
  readonly error: string | null;
}

export class ModelPacks {
  readonly modelsDir: string;
  /** <parent of the models folder>/model-packs.json: { "activePack": id | null }. */
  readonly prefsFile: string;
  private activeId: string | null = null;
  private activeMeta: { name: string; version: string } | null = null;
  /** Why the active pack could not be used (at start-up, or by the worker while rendering). */
  private activeError: string | null = null;
  private readonly verdicts = new Map<string, Verdict>();

  constructor(
    modelsDir: string,
    private readonly supervisor: () => WorkerSupervisor,
  ) {
    this.modelsDir = resolve(modelsDir);
    this.prefsFile = join(dirname(this.modelsDir), 'model-packs.json');
    this.restore();
  }

  async list(): Promise<ModelPackInfo[]> {
    if (!existsSync(this.modelsDir)) return [];
    const ids = readdirSync(this.modelsDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(this.modelsDir, e.name, 'manifest.json')))
      .map((e) => e.name)
      .sort();
    return Promise.all(ids.map((id) => this.inspect(id)));
  }

  async setActive(id: string | null): Promise<ActiveModelPack | null> {
    if (id === null) {
      this.activeId = null;
      this.activeMeta = null;
      this.activeError = null;
      await this.persist();
      return null;
    }
    if (!/^[^/\\]+$/.test(id) || id === '.' || id === '..') {
      throw new ApiError({ code: 'invalid-argument', message: `"${id}" is not a model pack folder name.` });
    }
    if (!existsSync(join(this.modelsDir, id, 'manifest.json'))) {
      throw new ApiError({
        code: 'not-found',
        message: `There is no model pack "${id}" in ${this.modelsDir} (a folder with a manifest.json).`,
      });
    }
    const info = await this.inspect(id);
    if (!info.valid) {
      throw new ApiError({
        code: 'invalid-argument',
        message: `The model pack "${id}" cannot be used: ${info.error}`,
        file: join(this.modelsDir, id),
      });
    }
    this.activeId = id;
    this.activeMeta = { name: info.name, version: info.version };
    this.activeError = null;
    await this.persist();
    return this.status();
  }

  /** The active pack for final frames, or null (the built-in engine alone). */
  active(): ActivePackForRender | null {
    if (this.activeId === null || this.activeMeta === null) return null;
    const dir = join(this.modelsDir, this.activeId);
    const manifest = readManifest(dir);
    return {
      id: this.activeId,
      version: this.activeMeta.version,
      dir,
      signature: manifest.ok ? signature(dir, manifest.manifest) : 'unreadable',
    };
  }

  /** For the engine status: the active pack and, when it failed, why. */
  status(): ActiveModelPack | null {
    if (this.activeId === null) return null;
    return {
      id: this.activeId,
      name: this.activeMeta?.name ?? this.activeId,
      version: this.activeMeta?.version ?? '',
      error: this.activeError,
    };
  }

  /** The worker could not use the active pack (it rendered the built-in frame instead). */
  failed(message: string): void {
    this.activeError = message;
    // Checked again on the next listing or activation, not taken from the cache.
    if (this.activeId) this.verdicts.delete(join(this.modelsDir, this.activeId));
  }

  private async inspect(id: string): Promise<ModelPackInfo> {
    const dir = join(this.modelsDir, id);
    const parsed = readManifest(dir);
    if (!parsed.ok)
      return { id, name: id, version: '', licence: '', stages: [], valid: false, error: parsed.message };
    const m = parsed.manifest;
    const base = {
      id,
      name: m.name,
      version: m.version,
      licence: m.licence,
      stages: m.stages.map((s) => s.name),
    };
    const local = localProblem(dir, m);
    if (local) return { ...base, valid: false, error: local };
    const sig = signature(dir, m);
    let verdict = this.verdicts.get(dir);
    if (verdict?.signature !== sig) {
      const checked = await this.checkInWorker(dir);
      verdict = { signature: sig, error: checked.error };
      if (!checked.transient) this.verdicts.set(dir, verdict);
    }
    return verdict.error === null
      ? { ...base, valid: true }
      : { ...base, valid: false, error: verdict.error };
  }

  private checkInWorker(dir: string): Promise<{ error: string | null; transient: boolean }> {
    return new Promise((resolveCheck) => {
      const requestId = newId('pack');
      let off = () => {};
      try {
        const sup = this.supervisor();
        off = sup.watch({
          message: (msg) => {
            if (msg.type !== 'packValidated' || msg.requestId !== requestId) return;
            off();
            resolveCheck({ error: msg.ok ? null : (msg.message ?? 'invalid model pack'), transient: false });
          },
          exit: (reason) => {
            off();
            resolveCheck({ error: `the pack could not be checked: ${reason}`, transient: true });
          },
        });
        sup.post({ type: 'validatePack', requestId, packDir: dir });
      } catch (err) {
        off();
        resolveCheck({ error: `the pack could not be checked: ${(err as Error).message}`, transient: true });
      }
    });
  }

  private restore(): void {
    let id: unknown = null;
    try {
      id = (JSON.parse(readFileSync(this.prefsFile, 'utf8')) as { activePack?: unknown }).activePack;
    } catch {
      // No preferences yet (or unreadable ones): the built-in engine.
      return;
    }
    if (typeof id !== 'string') return;
    this.activeId = id;
    const parsed = readManifest(join(this.modelsDir, id));
    if (parsed.ok) {
      this.activeMeta = { name: parsed.manifest.name, version: parsed.manifest.version };
    } else {
      // Shown in the status bar; final frames use the built-in engine until another choice.
      this.activeError = parsed.message;
    }
  }

  private async persist(): Promise<void> {
    mkdirSync(dirname(this.prefsFile), { recursive: true });
    await writeFileAtomic(this.prefsFile, `${JSON.stringify({ activePack: this.activeId }, null, 2)}\n`);
  }
}

function readManifest(dir: string): ReturnType<typeof parsePackManifest> {
  const file = join(dir, 'manifest.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return {
      ok: false,
      message: `model pack at ${dir}: manifest.json cannot be read (${(err as Error).message})`,
    };
  }
  return parsePackManifest(text, file);
}

/** The checks that need no onnxruntime: every stage file present, inside the pack's folder. */
function localProblem(dir: string, m: PackManifest): string | null {
  for (const stage of m.stages) {
    const file = resolve(dir, stage.file);
    const inside = relative(dir, file);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      return `model pack "${m.name}": stage "${stage.name}" file ${stage.file} is outside the pack's folder`;
    }
    if (!existsSync(file)) return `model pack "${m.name}": stage "${stage.name}" file ${file} is missing`;
  }
  return null;
}

function signature(dir: string, m: PackManifest): string {
  const files = ['manifest.json', ...m.stages.map((s) => s.file)];
  return files
    .map((f) => {
      try {
        const st = statSync(join(dir, f));
        return `${f}:${st.size}:${st.mtimeMs}`;
      } catch {
        return `${f}:missing`;
      }
    })
    .join('|');
}
