import { z } from 'zod';

/**
 * The model pack manifest (manifest.json in a pack's folder): shared by the worker, which loads
 * and runs packs (inference/packs/pack.ts), and the host, which lists them without onnxruntime
 * (host/packs/modelsFolder.ts). Dimensions may be numbers or symbols ("H", "W", "N").
 */
const dimSchema = z.union([z.number().int().positive(), z.string().min(1)]);
export const packTensorSchema = z.object({
  name: z.string().min(1),
  type: z.enum(['float32', 'uint8']),
  shape: z.array(dimSchema).length(4),
});
const refineInputSchema = packTensorSchema.extend({ role: z.enum(['warped', 'poseMap', 'reference']) });
export const packManifestSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  licence: z.string().min(1),
  stages: z
    .array(
      z.object({
        name: z.enum(['refine']),
        file: z.string().min(1),
        inputs: z.array(refineInputSchema).min(1),
        outputs: z.array(packTensorSchema).length(1),
      }),
    )
    .min(1),
});
export type PackManifest = z.infer<typeof packManifestSchema>;

/** Parses manifest.json's text; the error message names the file and every problem. */
export function parsePackManifest(
  text: string,
  manifestFile: string,
): { ok: true; manifest: PackManifest } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `${manifestFile}: not valid JSON (${(err as Error).message})` };
  }
  const parsed = packManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ok: false, message: `${manifestFile}: invalid manifest (${issues})` };
  }
  return { ok: true, manifest: parsed.data };
}
