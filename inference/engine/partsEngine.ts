import * as ort from 'onnxruntime-node';
import { type Atlas, buildAtlas } from '../../core/render/parts/atlas.js';
import { type ProfileTable, profileTables } from '../../core/render/parts/hit.js';
import type { PosedFrame } from '../../core/render/parts/posed.js';
import { type RowRanges, rowRanges } from '../../core/render/parts/rowRanges.js';
import { type AtlasOccupancy, atlasOccupancy, cullTiles } from '../../core/render/parts/tileCull.js';
import { packTiles, profileOffsets, profileRows } from '../../core/render/parts/tileParams.js';
import { tileSlots } from '../../core/render/parts/tileSlots.js';
import { type PartBlocks, partBlocks, planTiles, type TilePlan } from '../../core/render/parts/tiles.js';
import type { PartsRig } from '../../core/render/parts/types.js';
import type { RgbaImage } from '../../core/render/types.js';
import { buildPartsGraph } from './graph/partsGraph.js';
import { createSessionWithFallback, type ProviderChoice } from './providers.js';

/**
 * The frame engine: a character's parts rig prepared once (its atlas and profile tables become
 * tensors reused by every frame), then each posed frame planned into tiles here (tiles.ts,
 * tileParams.ts: plain arithmetic, ~1 ms) and rendered by one ONNX session, the same for every
 * character and size (its inputs carry all of a character's data).
 *
 * One intra-op thread: a frame's ops are small and memory-bound, and a second thread bought a
 * few milliseconds for twice the CPU (the machine's other core serves the UI, or the next frame).
 */
export interface PreparedParts {
  readonly rig: PartsRig;
  readonly atlas: Atlas;
  readonly profiles: readonly ProfileTable[];
  readonly blocks: PartBlocks;
  /** Which atlas cells hold art: a frame's tiles that reach none are not rendered (tileCull.ts). */
  readonly occupancy: AtlasOccupancy;
  /** Per part, its cross-sections' extents over runs of rows (the culling's second pass). */
  readonly rowRanges: readonly RowRanges[];
  readonly offsets: readonly number[];
  readonly tensors: {
    readonly atlas: ort.Tensor;
    readonly atlasWidth: ort.Tensor;
    readonly profileCentre: ort.Tensor;
    readonly profileRadius: ort.Tensor;
  };
}

export interface PartsEngineOptions {
  /** Execution provider override ('cpu', 'cuda', 'dml', 'coreml'); default: KEYPOSE_EP, then the platform list. */
  readonly provider?: string;
  readonly threads?: number;
}

/** Texels per art pixel of the atlas at output scale 1 (see atlas.ts). */
export const ATLAS_SCALE = 4;

/** The atlas scale for an output scale: ATLAS_SCALE texels per output pixel, 1 to 8 per art pixel. */
export function atlasScaleFor(outputScale: number): number {
  return Math.max(1, Math.min(8, Math.round(ATLAS_SCALE * outputScale)));
}

export class PartsEngine {
  private session: Promise<ort.InferenceSession> | null = null;
  private choice: ProviderChoice | null = null;

  constructor(private readonly options: PartsEngineOptions = {}) {}

  get provider(): ProviderChoice | null {
    return this.choice;
  }

  /** The atlas is made for one output scale: S texels per output pixel (ATLAS_SCALE at scale 1). */
  prepare(rig: PartsRig, outputScale = 1, atlas?: Atlas): PreparedParts {
    const scale = atlasScaleFor(outputScale);
    const built = atlas && atlas.scale === scale ? atlas : buildAtlas(rig, scale);
    const profiles = profileTables(rig);
    const rows = profileRows(profiles);
    return {
      rig,
      atlas: built,
      profiles,
      blocks: partBlocks(rig),
      occupancy: atlasOccupancy(built),
      rowRanges: profiles.map(rowRanges),
      offsets: profileOffsets(profiles),
      tensors: {
        atlas: new ort.Tensor('int32', built.texels, [built.texels.length]),
        atlasWidth: new ort.Tensor('int32', Int32Array.of(built.width), []),
        profileCentre: new ort.Tensor('float32', rows.centre, [rows.centre.length]),
        profileRadius: new ort.Tensor('float32', rows.radius, [rows.radius.length]),
      },
    };
  }

  /** Creates the session now (it is created on the first frame otherwise). */
  async warmUp(): Promise<void> {
    await this.getSession();
  }

  private getSession(): Promise<ort.InferenceSession> {
    this.session ??= createSessionWithFallback(buildPartsGraph(), {
      ...(this.options.provider ? { override: this.options.provider } : {}),
      threads: this.options.threads ?? 1,
    }).then(({ session, choice }) => {
      this.choice = choice;
      return session;
    });
    return this.session;
  }

  /** `plan` replaces the frame's culled tile plan (tests compare frames with and without culling). */
  async render(prepared: PreparedParts, frame: PosedFrame, plan?: TilePlan): Promise<RgbaImage> {
    const session = await this.getSession();
    const out = await session.run(frameInputs(prepared, frame, plan));
    const rgba = out.frame_rgba!.data as Int32Array;
    return {
      width: frame.width,
      height: frame.height,
      data: new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength),
    };
  }
}

/**
 * A frame's graph inputs: the prepared rig's tensors and the frame's tile plan (the tiles each
 * part's box reaches, less those where it reaches no art: tiles.ts, tileCull.ts), packed.
 */
export function frameInputs(
  prepared: PreparedParts,
  frame: PosedFrame,
  plan: TilePlan = cullTiles(
    frame,
    planTiles(frame, prepared.blocks),
    prepared.occupancy,
    prepared.profiles,
    prepared.rowRanges,
  ),
): Record<string, ort.Tensor> {
  const packed = packTiles(frame, plan, prepared.profiles, prepared.offsets);
  const slots = tileSlots(plan);
  const list = (l: { params: Float32Array; rows: number }) =>
    new ort.Tensor('float32', l.params, [l.rows, l.params.length / l.rows]);
  const buckets: Record<string, ort.Tensor> = {};
  slots.buckets.forEach((b, i) => {
    buckets[`slotRows${i}`] = new ort.Tensor('int32', b.rows, [b.tiles, b.width]);
    buckets[`slotBase${i}`] = new ort.Tensor('int32', b.base, [b.tiles, 1]);
  });
  return {
    ...prepared.tensors,
    frame: new ort.Tensor(
      'int64',
      BigInt64Array.of(
        BigInt(packed.paddedHeight),
        BigInt(packed.paddedWidth),
        BigInt(frame.height),
        BigInt(frame.width),
      ),
      [4],
    ),
    flatParams: list(packed.flat),
    tiltParams: list(packed.tilted),
    sphereParams: list(packed.spheres),
    ...buckets,
  };
}
