import { describe, expect, it } from 'vitest';
import { validateProject } from '../../core/document/parse.js';
import {
  isVideoFile,
  referenceVideoFrameAt,
  referenceVideoMimeFor,
  referenceVideoSeekSec,
  setReferenceVideo,
} from '../../core/document/referenceVideo.js';
import { parseReferencePreferences } from '../../renderer/motion/referenceVideoPrefs.js';
import {
  type ReferenceShown,
  syncReferenceVideo,
  type VideoElementLike,
} from '../../renderer/motion/referenceVideoSync.js';
import { makeDocument, makeEditor, setFrame } from './fixtures.js';

/** A paused video element whose seeks finish when the test says so. */
class FakeVideo implements VideoElementLike {
  time = 0;
  seeking = false;
  duration = 3;
  seeks: number[] = [];
  private listeners = new Map<string, Set<() => void>>();
  get currentTime(): number {
    return this.time;
  }
  set currentTime(t: number) {
    this.time = t;
    this.seeking = true;
    this.seeks.push(t);
  }
  finishSeek(): void {
    this.seeking = false;
    for (const l of this.listeners.get('seeked') ?? []) l();
  }
  addEventListener(type: string, l: () => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(l);
  }
  removeEventListener(type: string, l: () => void): void {
    this.listeners.get(type)?.delete(l);
  }
}

const VIDEO = { fileName: 'clip.mp4', mime: 'video/mp4' as const, dataBase64: 'AAAA', startFrame: 4 };

describe('the reference video', () => {
  it('is an optional document field that validates, and is removed cleanly', () => {
    const doc = setReferenceVideo(makeDocument(), VIDEO);
    expect(validateProject(JSON.parse(JSON.stringify(doc)), 'x.keypose').referenceVideo).toEqual(VIDEO);
    expect('referenceVideo' in setReferenceVideo(doc, null)).toBe(false);
    expect(() => setReferenceVideo(doc, { ...VIDEO, startFrame: -1 })).toThrow(RangeError);
    expect(() => validateProject({ ...doc, referenceVideo: { ...VIDEO, mime: 'video/avi' } }, 'x')).toThrow(
      /video type/,
    );
    expect(referenceVideoMimeFor('a.MOV')).toBe('video/quicktime');
    expect(referenceVideoMimeFor('a.avi')).toBeNull();
    expect(isVideoFile('walk.bvh')).toBe(false);
    expect(isVideoFile('x', 'video/x-msvideo')).toBe(true);
    expect(referenceVideoFrameAt(VIDEO, 3)).toBeNull();
    expect(referenceVideoFrameAt(VIDEO, 10)).toBe(6);
    expect(referenceVideoSeekSec(6, 24)).toBeCloseTo(6.5 / 24, 12);
  });

  it('follows the playhead: one seek at a time to the latest frame, hidden outside the video', () => {
    const editor = makeEditor(setReferenceVideo(makeDocument(), VIDEO));
    const fps = editor.store.getState().document!.fps;
    const video = new FakeVideo();
    const shown: ReferenceShown[] = [];
    const off = syncReferenceVideo(editor, video, (s) => shown.push(s));
    expect(shown.at(-1)).toEqual({ status: 'outside', projectFrame: 0 });
    setFrame(editor, 10);
    expect(video.seeks).toEqual([6.5 / fps]);
    // Scrubbed on while the seek runs: only the last frame is sought next.
    setFrame(editor, 11);
    setFrame(editor, 12);
    expect(video.seeks).toHaveLength(1);
    video.finishSeek();
    expect(video.seeks.at(-1)).toBeCloseTo(8.5 / fps, 12);
    expect(shown.at(-1)).toMatchObject({ status: 'seeking', videoFrame: 8 });
    video.finishSeek();
    expect(shown.at(-1)).toEqual({ status: 'ready', projectFrame: 12, videoFrame: 8 });
    setFrame(editor, 4 + 3 * fps + 1);
    expect(shown.at(-1)?.status).toBe('outside');
    editor.actions.edit('Remove reference video', (doc) => setReferenceVideo(doc, null));
    expect(shown.at(-1)).toEqual({ status: 'none' });
    off();
  });

  it('keeps its preferences field by field', () => {
    expect(parseReferencePreferences(null)).toEqual({ shown: true, opacity: 0.4 });
    expect(parseReferencePreferences('{"shown":false,"opacity":7}')).toEqual({ shown: false, opacity: 0.4 });
    expect(parseReferencePreferences('nope')).toEqual({ shown: true, opacity: 0.4 });
  });
});
