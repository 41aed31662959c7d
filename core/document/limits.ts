/**
 * Upper bounds of a project document, checked by the schema (schema.ts) on every load and on every
 * message that carries a document. A file beyond them is refused with a sentence naming the field
 * and the limit, never handed to code that would allocate for it: a 60000x60000 resolution used to
 * throw a RangeError deep in the compositor, a joint cycle used to loop until memory ran out.
 *
 * They are far above what an animator makes (an hour of animation at 24 fps is 86400 frames, a
 * Mixamo skeleton with fingers has about 70 joints) and below what one machine can hold.
 */

/** Output frame: at most 8192 px a side (8K), so one RGBA frame stays within 256 MiB. */
export const MAX_RESOLUTION_SIDE = 8192;
/** Frames in a project: about 69 minutes at 24 fps. Key frame numbers share the bound. */
export const MAX_DURATION_FRAMES = 100_000;
/** Characters in one scene. */
export const MAX_CHARACTERS = 64;
/** Joints in one skeleton. */
export const MAX_JOINTS = 512;
/** Keys in one motion track (a key on every frame of the longest project). */
export const MAX_KEYS_PER_TRACK = MAX_DURATION_FRAMES;
/** Assets in one project (art, masks and part hints of every character). */
export const MAX_ASSETS = 256;
/** Names shown in the UI (project, character, joint, part, file names). */
export const MAX_NAME_CHARS = 256;
/** Identifiers (project, character, joint and asset ids). */
export const MAX_ID_CHARS = 128;
/** Art in pixels, as the importer accepts it (host/import/decode.ts: 16384 px a side, 100 MP). */
export const MAX_ASSET_SIDE = 16384;
export const MAX_ASSET_PIXELS = 100_000_000;
/** One asset's base64 text: 384 Mi characters (288 MiB of file bytes). */
export const MAX_ASSET_BASE64_CHARS = 384 * 2 ** 20;
/** The sound track's base64 text: 256 Mi characters (192 MiB, about 17 minutes of 48 kHz WAV). */
export const MAX_AUDIO_BASE64_CHARS = 256 * 2 ** 20;
/**
 * The reference video's base64 text: 128 Mi characters (96 MiB of file bytes). It travels with the
 * document to every save, so it is kept well under the project file's limit with the art beside it.
 */
export const MAX_REFERENCE_VIDEO_BASE64_CHARS = 128 * 2 ** 20;
/**
 * A project file on disk: 500 MiB. JavaScript strings end near 512 Mi characters, so a larger file
 * could not be read anyway; checking the size first turns that into a sentence (host/project/store.ts).
 */
export const MAX_PROJECT_FILE_BYTES = 500 * 2 ** 20;
