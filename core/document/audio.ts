import { AUDIO_MIMES, type AudioMime, type ProjectAudio, type ProjectDocument } from './schema.js';

/**
 * The project's audio track: pure edits for the UI store and the timing rule every consumer
 * (editor playback, exports) shares, so the sound lines up with the same frames everywhere.
 */

const MIME_BY_EXTENSION: Readonly<Record<string, AudioMime>> = {
  wav: 'audio/wav',
  wave: 'audio/wav',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  flac: 'audio/flac',
  aac: 'audio/aac',
  m4a: 'audio/mp4',
  mp4: 'audio/mp4',
};

/** Browsers and OSes name the same types differently ("audio/x-wav", "audio/mp3"). */
const MIME_ALIASES: Readonly<Record<string, AudioMime>> = {
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/mp3': 'audio/mpeg',
  'audio/x-flac': 'audio/flac',
  'audio/x-m4a': 'audio/mp4',
  'audio/m4a': 'audio/mp4',
  'audio/opus': 'audio/ogg',
};

/**
 * The stored mime type of an audio file, from its reported type or else its extension; null when
 * Keypose does not take it.
 */
export function audioMimeFor(fileName: string, reportedType = ''): AudioMime | null {
  const type = reportedType.toLowerCase();
  if ((AUDIO_MIMES as readonly string[]).includes(type)) return type as AudioMime;
  if (type in MIME_ALIASES) return MIME_ALIASES[type] ?? null;
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  return MIME_BY_EXTENSION[extension] ?? null;
}

/** Attaches (or replaces) the project's audio; null removes it. */
export function setProjectAudio(doc: ProjectDocument, audio: ProjectAudio | null): ProjectDocument {
  if (audio === null) {
    if (!doc.audio) return doc;
    const { audio: _removed, ...rest } = doc;
    return rest;
  }
  if (!Number.isInteger(audio.startFrame) || audio.startFrame < 0) {
    throw new RangeError(`the audio's start frame must be a whole number ≥ 0, got ${audio.startFrame}`);
  }
  return { ...doc, audio };
}

/**
 * Where the sound sits relative to a clip that starts at project frame `clipStartFrame`: the clip
 * time (seconds) at which the sound's first sample plays. Negative: the clip begins that many
 * seconds into the sound (the start is trimmed); positive: silence comes first (padded).
 */
export function audioOffsetSec(
  audio: Pick<ProjectAudio, 'startFrame'>,
  clipStartFrame: number,
  fps: number,
): number {
  return (audio.startFrame - clipStartFrame) / fps;
}
