import {
  type ProjectDocument,
  REFERENCE_VIDEO_MIMES,
  type ReferenceVideo,
  type ReferenceVideoMime,
} from './schema.js';

/**
 * The project's reference video (the clip a motion was taken from): pure edits, and the timing rule
 * the viewport's reference layer and the tests share, so a project frame always shows the same
 * video frame.
 */

const MIME_BY_EXTENSION: Readonly<Record<string, ReferenceVideoMime>> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  ogv: 'video/ogg',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
};

/** The stored type of a video file, from its reported type or else its extension; null when not taken. */
export function referenceVideoMimeFor(fileName: string, reportedType = ''): ReferenceVideoMime | null {
  const type = reportedType.toLowerCase();
  if ((REFERENCE_VIDEO_MIMES as readonly string[]).includes(type)) return type as ReferenceVideoMime;
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  return MIME_BY_EXTENSION[extension] ?? null;
}

/** Whether a file looks like a video (a drop, the chooser): by its type or its extension. */
export function isVideoFile(fileName: string, reportedType = ''): boolean {
  return reportedType.toLowerCase().startsWith('video/') || referenceVideoMimeFor(fileName) !== null;
}

/** Attaches (or replaces) the reference video; null removes it. */
export function setReferenceVideo(doc: ProjectDocument, video: ReferenceVideo | null): ProjectDocument {
  if (video === null) {
    if (!doc.referenceVideo) return doc;
    const { referenceVideo: _removed, ...rest } = doc;
    return rest;
  }
  if (!Number.isInteger(video.startFrame) || video.startFrame < 0) {
    throw new RangeError(
      `the reference video's start frame must be a whole number ≥ 0, got ${video.startFrame}`,
    );
  }
  return { ...doc, referenceVideo: video };
}

/**
 * The video frame shown at project frame `frame`: frame − startFrame (the video was sampled at the
 * project's rate when its motion was taken), or null before the video starts.
 */
export function referenceVideoFrameAt(
  video: Pick<ReferenceVideo, 'startFrame'>,
  frame: number,
): number | null {
  const index = Math.floor(frame) - video.startFrame;
  return index >= 0 ? index : null;
}

/**
 * Where to seek the video element for video frame `index` at `fps`: the middle of the frame, so
 * a decoder that rounds timestamps either way still lands on this frame and not its neighbour.
 */
export function referenceVideoSeekSec(index: number, fps: number): number {
  return (index + 0.5) / fps;
}

/**
 * The document without its reference video: what the frame engine is sent (frames never show the
 * reference, and its bytes need not travel with every render request).
 */
export function withoutReferenceVideo(doc: ProjectDocument): ProjectDocument {
  return doc.referenceVideo ? setReferenceVideo(doc, null) : doc;
}
