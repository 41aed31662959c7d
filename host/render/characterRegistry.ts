import { ApiError } from '../../core/contract/api.js';
import type { Character, ProjectDocument } from '../../core/document/schema.js';
import type { CharacterInput, CharacterLoaded, PartLayer, WorkerSupervisor } from '../worker/supervisor.js';
import { raceAbort, throwIfAborted } from './aborts.js';
import { type ArtDecoder, decodePartHints } from './artDecoder.js';
import type { PreparedCharacter } from './renderTypes.js';
import { rigKeyOf } from './rigInputs.js';

/**
 * Which characters the worker holds (residency): a document character is registered with the
 * worker once per rig key (its art, mask, hints and rest skeleton as files; the worker builds the
 * parts rig), claimed by the document character that renders with it, and freed in the worker once
 * no document character uses it and no render is in flight, so editing a rig in Fit mode does not
 * pile up rigs in the worker's memory. Undo back to a rig about to be freed keeps it.
 */
export class CharacterRegistry {
  private readonly registered = new Map<string, Promise<CharacterLoaded>>();
  private readonly layerCache = new Map<string, Promise<PartLayer[]>>();

  constructor(
    private readonly supervisor: () => WorkerSupervisor,
    private readonly decoder: ArtDecoder,
  ) {}

  /** Forgets everything (a new worker supervisor holds no characters). */
  reset(): void {
    this.registered.clear();
    this.layerCache.clear();
    this.readyKeys.clear();
    this.owners.clear();
    this.retired.clear();
  }

  /** A render uses the worker character until release(). */
  acquire(workerId: string): void {
    this.inUse.set(workerId, (this.inUse.get(workerId) ?? 0) + 1);
  }

  release(workerId: string): void {
    this.inUse.set(workerId, (this.inUse.get(workerId) ?? 1) - 1);
    this.unloadIfIdle(workerId);
  }

  /** The layers of the character's parts rig (kept per rig: asked for again after every undo). */
  partLayers(prepared: PreparedCharacter): Promise<PartLayer[]> {
    let layers = this.layerCache.get(prepared.workerId);
    if (!layers) {
      layers = this.supervisor().partLayers(prepared.workerId);
      this.layerCache.set(prepared.workerId, layers);
      layers.catch(() => this.layerCache.delete(prepared.workerId));
      while (this.layerCache.size > 4) this.layerCache.delete(this.layerCache.keys().next().value as string);
    }
    return layers;
  }

  private readonly readyKeys = new Map<string, PreparedCharacter>();
  /** Per document character (projectId|characterId): the worker character it renders with. */
  private readonly owners = new Map<string, string>();
  /** Worker characters no document character uses any more, freed once idle. */
  private readonly retired = new Set<string>();
  /** Renders in flight per worker character. */
  private readonly inUse = new Map<string, number>();

  /** The prepared character when it is registered already (no await needed), else null. */
  ready(document: ProjectDocument, character: Character): PreparedCharacter | null {
    const ready = this.readyKeys.get(this.characterKey(document, character));
    return ready ? { ...ready, character } : null;
  }

  private characterKey(document: ProjectDocument, character: Character): string {
    return `${rigKeyOf(character)}|${document.assets[character.artAssetId] ? 'ok' : 'missing'}`;
  }

  async prepare(
    document: ProjectDocument,
    character: Character,
    signal?: AbortSignal,
  ): Promise<PreparedCharacter> {
    const key = this.characterKey(document, character);
    const ready = this.readyKeys.get(key);
    if (ready) {
      this.claim(document, character, ready.workerId);
      return { ...ready, character };
    }
    const art = await this.decoder.art(document, character.artAssetId);
    throwIfAborted(signal);
    const workerId = rigKeyOf(character);
    let loaded = this.registered.get(workerId);
    if (!loaded) {
      const input: CharacterInput = {
        art,
        mask: character.maskAssetId ? await this.decoder.mask(document, character.maskAssetId) : undefined,
        partHints: character.partHints
          ? await decodePartHints(document, character.partHints, art)
          : undefined,
        skeleton: {
          joints: character.skeleton.joints.map((j) => ({ ...j, restPosition: [...j.restPosition] })),
        },
      };
      // Registered by another caller while this one decoded: use theirs.
      loaded = this.registered.get(workerId) ?? this.supervisor().registerCharacter(workerId, input);
      this.registered.set(workerId, loaded);
    }
    const prepared: PreparedCharacter = {
      workerId,
      character,
      width: art.width,
      height: art.height,
      loaded,
    };
    this.readyKeys.set(key, prepared);
    this.claim(document, character, workerId);
    return prepared;
  }

  /** The rig once built, or the reason it could not be, as an ApiError. */
  async loadedOrError(prepared: PreparedCharacter, signal?: AbortSignal): Promise<CharacterLoaded> {
    try {
      return await (signal ? raceAbort(prepared.loaded, signal) : prepared.loaded);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      // Forget it, so the next attempt (after the user fixed the mask, say) builds again.
      this.registered.delete(prepared.workerId);
      for (const [key, p] of this.readyKeys) if (p.workerId === prepared.workerId) this.readyKeys.delete(key);
      this.supervisor().unregisterCharacter(prepared.workerId);
      throw new ApiError({
        code: 'invalid-project',
        message: `The character "${prepared.character.name}" could not be cut into parts: ${(err as Error).message}`,
      });
    }
  }

  /**
   * Records which worker character a document's character renders with now. The one it used before
   * (older rig inputs, e.g. before a joint was moved in Fit mode) is freed in the worker once no
   * render uses it, so editing a rig does not pile up characters in the worker's memory.
   */
  claim(document: ProjectDocument, character: Character, workerId: string): void {
    const owner = `${document.id}|${character.id}`;
    const previous = this.owners.get(owner);
    this.owners.set(owner, workerId);
    // Back to a version that was about to be freed (undo): keep it.
    this.retired.delete(workerId);
    if (!previous || previous === workerId) return;
    for (const id of this.owners.values()) if (id === previous) return;
    this.retired.add(previous);
    this.unloadIfIdle(previous);
  }

  private unloadIfIdle(workerId: string): void {
    if (!this.retired.has(workerId) || (this.inUse.get(workerId) ?? 0) > 0) return;
    this.retired.delete(workerId);
    this.registered.delete(workerId);
    for (const [key, prepared] of this.readyKeys)
      if (prepared.workerId === workerId) this.readyKeys.delete(key);
    this.supervisor().unregisterCharacter(workerId);
  }
}
