import { describe, expect, it } from 'vitest';
import { audioMimeFor, audioOffsetSec, setProjectAudio } from '../../core/document/audio.js';
import { createProject, hashAssetId } from '../../core/document/factory.js';
import { DocumentError, parseProjectJson, serializeProject } from '../../core/document/parse.js';
import { CURRENT_VERSION, type ProjectDocument } from '../../core/document/schema.js';
import { encodeBase64 } from '../../core/util/base64.js';

function project(): ProjectDocument {
  const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
  return createProject({
    name: 'Talk',
    art: {
      assetId: hashAssetId(bytes),
      asset: { mime: 'image/png', width: 64, height: 64, dataBase64: encodeBase64(bytes) },
    },
  });
}

const WAV = {
  fileName: 'line.wav',
  mime: 'audio/wav' as const,
  dataBase64: encodeBase64(new Uint8Array([1, 2, 3])),
};

describe('the project audio track (optional, still format version 2)', () => {
  it('loads a v2 file without audio and one with audio; startFrame defaults to 0', () => {
    const plain = project();
    expect(plain.version).toBe(CURRENT_VERSION);
    const withoutAudio = parseProjectJson(JSON.stringify(plain), 'old.keypose');
    expect(withoutAudio.audio).toBeUndefined();

    const raw = { ...plain, audio: WAV };
    const withAudio = parseProjectJson(JSON.stringify(raw), 'talk.keypose');
    expect(withAudio.version).toBe(2);
    expect(withAudio.audio).toEqual({ ...WAV, startFrame: 0 });

    const later = parseProjectJson(
      JSON.stringify({ ...plain, audio: { ...WAV, startFrame: 12 } }),
      'x.keypose',
    );
    expect(later.audio?.startFrame).toBe(12);
    // Saved and read back unchanged.
    expect(parseProjectJson(serializeProject(later), 'x.keypose')).toEqual(later);
  });

  it('refuses an unsupported audio type, naming the file, the field and the types it takes', () => {
    const bad = { ...project(), audio: { ...WAV, mime: 'audio/x-ms-wma' } };
    let error: unknown;
    try {
      parseProjectJson(JSON.stringify(bad), 'bad.keypose');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DocumentError);
    const message = (error as DocumentError).message;
    expect(message).toContain('bad.keypose');
    expect(message).toContain('audio.mime');
    expect(message).toContain('"audio/x-ms-wma" is not supported');
    expect(message).toContain('audio/wav');
    // And a negative start frame.
    expect(() =>
      parseProjectJson(JSON.stringify({ ...project(), audio: { ...WAV, startFrame: -3 } }), 'neg.keypose'),
    ).toThrow(/audio\.startFrame/);
  });

  it('attaches, replaces and removes the audio without touching the rest', () => {
    const doc = project();
    const attached = setProjectAudio(doc, { ...WAV, startFrame: 0 });
    expect(attached.audio?.fileName).toBe('line.wav');
    expect(attached.characters).toBe(doc.characters);
    const removed = setProjectAudio(attached, null);
    expect('audio' in removed).toBe(false);
    expect(setProjectAudio(doc, null)).toBe(doc);
    expect(() => setProjectAudio(doc, { ...WAV, startFrame: 1.5 })).toThrow(/start frame/);
  });

  it('maps file names and reported types to the stored mime', () => {
    expect(audioMimeFor('a.wav')).toBe('audio/wav');
    expect(audioMimeFor('a.bin', 'audio/x-wav')).toBe('audio/wav');
    expect(audioMimeFor('a.MP3')).toBe('audio/mpeg');
    expect(audioMimeFor('a.m4a')).toBe('audio/mp4');
    expect(audioMimeFor('a.flac', 'audio/flac')).toBe('audio/flac');
    expect(audioMimeFor('notes.txt', 'text/plain')).toBeNull();
  });

  it('places the sound relative to a clip: trimmed when it started earlier, padded when later', () => {
    expect(audioOffsetSec({ startFrame: 0 }, 24, 24)).toBe(-1);
    expect(audioOffsetSec({ startFrame: 36 }, 24, 24)).toBe(0.5);
    expect(audioOffsetSec({ startFrame: 5 }, 5, 30)).toBe(0);
  });
});
