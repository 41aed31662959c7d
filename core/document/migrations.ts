import { z } from 'zod';
import { quatFromEulerDeg } from '../math/quat.js';
import { DEFAULT_EASE } from '../motion/types.js';
import { decodeBase64 } from '../util/base64.js';
import { sha256Hex } from '../util/hash.js';
import { DocumentError, formatIssues } from './errors.js';
import { CURRENT_VERSION, FORMAT_TAG } from './schema.js';

/**
 * Format history.
 *
 * v1 (Keypose 0.0.x): one character per file, everything keyed by joint NAME, rotations as Euler
 * degrees:
 *   { format, version: 1, name,
 *     character: { name, frameRate, lengthFrames,
 *                  art: { dataBase64, mime, width, height },
 *                  skeleton: [{ name, parent: name | null, position: [x, y, z] }],
 *                  motion: { tracks: { <jointName>: [{ frame, rotationDeg: [x, y, z], interpolation }] },
 *                            root: [{ frame, offset: [x, y, z], interpolation }] } } }
 *   where rotationDeg is intrinsic XYZ and interpolation is 'constant' | 'linear' | 'ease'.
 *
 * v2 (current, schema.ts): several characters with ids, joints with ids, quaternion tracks keyed
 * by joint id, step/linear/bezier keys with explicit eases, assets keyed by content hash, project
 * fps/duration/resolution. Later optional additions (part hints, the project's `audio` track)
 * did not bump the version: files without them are still valid v2 files.
 */

const finite = z.number().finite();
const v1Vec3 = z.tuple([finite, finite, finite]);
const v1Interpolation = z.enum(['constant', 'linear', 'ease']);

export const v1DocumentSchema = z.object({
  format: z.literal(FORMAT_TAG),
  version: z.literal(1),
  name: z.string().min(1),
  character: z.object({
    name: z.string().min(1),
    frameRate: z.number().positive(),
    lengthFrames: z.number().int().positive(),
    art: z.object({
      dataBase64: z.string(),
      mime: z.enum(['image/png', 'image/jpeg', 'image/webp']),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
    }),
    skeleton: z
      .array(z.object({ name: z.string().min(1), parent: z.string().nullable(), position: v1Vec3 }))
      .min(1),
    motion: z.object({
      tracks: z.record(
        z.string(),
        z.array(
          z.object({ frame: z.number().int().min(0), rotationDeg: v1Vec3, interpolation: v1Interpolation }),
        ),
      ),
      root: z.array(
        z.object({ frame: z.number().int().min(0), offset: v1Vec3, interpolation: v1Interpolation }),
      ),
    }),
  }),
});
export type V1Document = z.output<typeof v1DocumentSchema>;

const V1_INTERPOLATION = { constant: 'step', linear: 'linear', ease: 'bezier' } as const;

function migrateV1(raw: unknown, fileName: string): unknown {
  const parsed = v1DocumentSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DocumentError(
      'invalid-project',
      fileName,
      `${fileName} is not a valid Keypose project (format version 1): ${formatIssues(parsed.error.issues)}`,
    );
  }
  const v1 = parsed.data;
  const c = v1.character;
  let artBytes: Uint8Array;
  try {
    artBytes = decodeBase64(c.art.dataBase64);
  } catch (error) {
    throw new DocumentError(
      'invalid-project',
      fileName,
      `${fileName} is not a valid Keypose project: its art is not valid base64 (${(error as Error).message})`,
    );
  }
  const artHash = sha256Hex(artBytes);
  const artAssetId = `sha256-${artHash}`;
  // v1 joints had only names; names were unique, so they become the ids (as in the default humanoid).
  const names = new Set(c.skeleton.map((j) => j.name));
  const unknownTracks = Object.keys(c.motion.tracks).filter((name) => !names.has(name));
  if (unknownTracks.length > 0) {
    throw new DocumentError(
      'invalid-project',
      fileName,
      `${fileName} is not a valid Keypose project: the motion animates unknown joints ${unknownTracks
        .map((n) => `"${n}"`)
        .join(', ')}`,
    );
  }
  const ease = (interpolation: keyof typeof V1_INTERPOLATION) =>
    interpolation === 'ease' ? { ease: DEFAULT_EASE } : {};
  return {
    format: FORMAT_TAG,
    version: 2,
    id: `proj_${artHash.slice(0, 12)}`,
    name: v1.name,
    fps: c.frameRate,
    durationFrames: c.lengthFrames,
    resolution: { width: c.art.width, height: c.art.height },
    characters: [
      {
        id: 'char_1',
        name: c.name,
        artAssetId,
        skeleton: {
          joints: c.skeleton.map((j) => ({
            id: j.name,
            name: j.name,
            parentId: j.parent,
            restPosition: j.position,
          })),
        },
        motion: {
          rotations: Object.fromEntries(
            Object.entries(c.motion.tracks).map(([name, keys]) => [
              name,
              keys.map((k) => ({
                frame: k.frame,
                value: quatFromEulerDeg(k.rotationDeg, 'XYZ'),
                interpolation: V1_INTERPOLATION[k.interpolation],
                ...ease(k.interpolation),
              })),
            ]),
          ),
          rootTranslation: c.motion.root.map((k) => ({
            frame: k.frame,
            value: k.offset,
            interpolation: V1_INTERPOLATION[k.interpolation],
            ...ease(k.interpolation),
          })),
        },
        placement: { offset: [0, 0, 0], scale: 1 },
      },
    ],
    assets: {
      [artAssetId]: {
        mime: c.art.mime,
        width: c.art.width,
        height: c.art.height,
        dataBase64: c.art.dataBase64,
      },
    },
  };
}

/** migrations[n] turns a version-n document into a version-(n + 1) document. */
const MIGRATIONS: Record<number, (raw: unknown, fileName: string) => unknown> = {
  1: migrateV1,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Brings a parsed project file up to CURRENT_VERSION. Does not validate the result against the
 * current schema (parseProjectJson does). Throws DocumentError: 'invalid-project' for something
 * that is not a Keypose project, 'future-version' for a file from a newer Keypose.
 */
export function migrateToCurrent(raw: unknown, fileName: string): unknown {
  if (!isRecord(raw) || raw.format !== FORMAT_TAG) {
    throw new DocumentError(
      'invalid-project',
      fileName,
      `${fileName} is not a Keypose project (it has no "format": "${FORMAT_TAG}")`,
    );
  }
  const version = raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new DocumentError(
      'invalid-project',
      fileName,
      `${fileName} is not a valid Keypose project: its format version ${JSON.stringify(version)} is not a positive whole number`,
    );
  }
  if (version > CURRENT_VERSION) {
    throw new DocumentError(
      'future-version',
      fileName,
      `${fileName} was saved by a newer Keypose (format version ${version}; this version reads up to ${CURRENT_VERSION}). Update Keypose to open it.`,
    );
  }
  let doc: unknown = raw;
  for (let v = version; v < CURRENT_VERSION; v++) {
    const migrate = MIGRATIONS[v];
    if (!migrate) throw new Error(`no migration from format version ${v}`);
    doc = migrate(doc, fileName);
  }
  return doc;
}
