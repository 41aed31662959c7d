import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { z } from 'zod';
import {
  type PackManifest,
  packManifestSchema,
  type packTensorSchema,
  parsePackManifest,
} from '../../core/contract/modelPack.js';
import type { RgbaImage } from '../../core/render/types.js';

/**
 * Model packs: a folder with manifest.json and ONNX files, one per stage. The `refine` stage
 * receives the warped frame, the pose map and the reference picture and returns a frame; this is
 * where a pose-guided generator plugs in. A pack is validated when loaded (manifest, files,
 * declared inputs/outputs against the model's real ones, session creation) and every failure is a
 * PackError naming the pack, the file and the problem; the built-in engine does not depend on it.
 *
 * Tensor conventions: float32 tensors are NCHW [1, 4, H, W] straight RGBA in [0, 1]; uint8
 * tensors are NHWC [1, H, W, 4] RGBA8. Dimensions may be numbers or symbols ("H", "W", "N").
 */
export class PackError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'PackError';
  }
}

export { type PackManifest, packManifestSchema };

export interface RefineInputs {
  readonly warped: RgbaImage;
  readonly poseMap: RgbaImage;
  readonly reference: RgbaImage;
}

export interface RefineStage {
  readonly file: string;
  run(inputs: RefineInputs): Promise<RgbaImage>;
}

export interface ModelPack {
  readonly dir: string;
  readonly manifest: PackManifest;
  readonly refine: RefineStage | null;
  dispose(): Promise<void>;
}

type Tensor = z.infer<typeof packTensorSchema>;

function checkTensor(
  packName: string,
  file: string,
  kind: 'input' | 'output',
  declared: Tensor,
  actual: readonly ort.InferenceSession.ValueMetadata[],
): void {
  const meta = actual.find((m) => m.name === declared.name);
  const names = actual.map((m) => m.name).join(', ');
  if (!meta) {
    throw new PackError(
      `model pack "${packName}": ${file} has no ${kind} named "${declared.name}" (it has: ${names})`,
      file,
    );
  }
  if (!meta.isTensor)
    throw new PackError(`model pack "${packName}": ${file} ${kind} "${declared.name}" is not a tensor`, file);
  if (meta.type !== declared.type) {
    throw new PackError(
      `model pack "${packName}": ${file} ${kind} "${declared.name}" is ${meta.type}, the manifest says ${declared.type}`,
      file,
    );
  }
  const shape = meta.shape;
  const bad =
    shape.length !== declared.shape.length ||
    declared.shape.some((d, i) => {
      const m = shape[i];
      // A symbolic model dimension accepts anything; a fixed one must be declared exactly.
      return typeof m === 'number' && m >= 0 && d !== m;
    });
  if (bad) {
    throw new PackError(
      `model pack "${packName}": ${file} ${kind} "${declared.name}" has shape [${shape.join(', ')}], the manifest says [${declared.shape.join(', ')}]`,
      file,
    );
  }
}

function toTensor(img: RgbaImage, spec: Tensor): ort.Tensor {
  const { width: W, height: H, data } = img;
  if (spec.type === 'uint8') return new ort.Tensor('uint8', data, [1, H, W, 4]);
  const n = W * H;
  const out = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 4; c++) out[c * n + i] = data[i * 4 + c]! / 255;
  }
  return new ort.Tensor('float32', out, [1, 4, H, W]);
}

function fromTensor(t: ort.Tensor, width: number, height: number, file: string): RgbaImage {
  const n = width * height;
  if (t.data.length !== 4 * n) {
    throw new PackError(
      `${file}: output has ${t.data.length} values, expected ${4 * n} (${width}x${height} RGBA)`,
      file,
    );
  }
  if (t.type === 'uint8') return { width, height, data: new Uint8Array(t.data as Uint8Array) };
  const src = t.data as Float32Array;
  const data = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 4; c++) data[i * 4 + c] = Math.round(Math.min(1, Math.max(0, src[c * n + i]!)) * 255);
  }
  return { width, height, data };
}

export async function loadModelPack(dirIn: string): Promise<ModelPack> {
  const dir = resolve(dirIn);
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile))
    throw new PackError(`model pack at ${dir} has no manifest.json`, manifestFile);
  const parsed = parsePackManifest(readFileSync(manifestFile, 'utf8'), manifestFile);
  if (!parsed.ok) throw new PackError(parsed.message, manifestFile);
  const manifest = parsed.manifest;
  const sessions: ort.InferenceSession[] = [];
  let refine: RefineStage | null = null;
  try {
    for (const stage of manifest.stages) {
      const file = join(dir, stage.file);
      if (!existsSync(file)) {
        throw new PackError(
          `model pack "${manifest.name}": stage "${stage.name}" file ${file} is missing`,
          file,
        );
      }
      let session: ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'] });
      } catch (err) {
        const why = (err as Error).message.split('\n')[0];
        throw new PackError(
          `model pack "${manifest.name}": stage "${stage.name}" (${file}) cannot be loaded by onnxruntime: ${why}`,
          file,
        );
      }
      sessions.push(session);
      for (const input of stage.inputs)
        checkTensor(manifest.name, file, 'input', input, session.inputMetadata);
      for (const output of stage.outputs)
        checkTensor(manifest.name, file, 'output', output, session.outputMetadata);
      const declared = new Set(stage.inputs.map((i) => i.name));
      const missing = session.inputNames.filter((n) => !declared.has(n));
      if (missing.length > 0) {
        throw new PackError(
          `model pack "${manifest.name}": ${file} needs inputs the manifest does not declare: ${missing.join(', ')}`,
          file,
        );
      }
      const output = stage.outputs[0]!;
      refine = {
        file,
        async run(inputs) {
          const feeds: Record<string, ort.Tensor> = {};
          for (const input of stage.inputs) feeds[input.name] = toTensor(inputs[input.role], input);
          const out = await session.run(feeds, [output.name]);
          return fromTensor(out[output.name]!, inputs.warped.width, inputs.warped.height, file);
        },
      };
    }
  } catch (err) {
    for (const s of sessions) await s.release();
    throw err;
  }
  return {
    dir,
    manifest,
    refine,
    async dispose() {
      for (const s of sessions) await s.release();
    },
  };
}
