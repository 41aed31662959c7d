import { audioMimeFor } from '../../core/document/audio.js';
import type { ProjectAudio } from '../../core/document/schema.js';
import { encodeBase64 } from '../../core/util/base64.js';

/** The part of a File (or Blob with a name) the reader needs; unit tests pass plain objects. */
export interface NamedBytes {
  readonly name: string;
  readonly type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * A chosen file as the project's audio track, starting at frame 0. Throws an Error naming the
 * file when it is not one of the stored types.
 */
export async function audioFromFile(file: NamedBytes, startFrame = 0): Promise<ProjectAudio> {
  const mime = audioMimeFor(file.name, file.type);
  if (!mime) {
    throw new Error(
      `${file.name} is not an audio file Keypose takes (${file.type || 'unknown type'}); use WAV, MP3, OGG, FLAC, AAC or M4A.`,
    );
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length === 0) throw new Error(`${file.name} is empty.`);
  return { fileName: file.name, mime, dataBase64: encodeBase64(bytes), startFrame };
}
