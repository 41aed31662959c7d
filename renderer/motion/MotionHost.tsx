import { type ReactElement, useEffect } from 'react';
import type { KeyposeApi } from '../../core/contract/api.js';
import { isVideoFile } from '../../core/document/referenceVideo.js';
import { useEditor, useServices } from '../context.js';
import { HiddenFileInput } from '../panels/HiddenFileInput.js';
import { createMotionDebugHook } from './debug.js';
import { beginMotionImport, isMotionFileName, MOTION_ACCEPT, MOTION_INPUT_ID } from './importFlow.js';
import { MotionImportDialog } from './MotionImportDialog.js';
import { MotionLibraryPanel } from './MotionLibraryPanel.js';
import { VideoMotionDialog } from './VideoMotionDialog.js';
import { beginVideoImport, VIDEO_ACCEPT, VIDEO_INPUT_ID } from './videoImport.js';

/** The motion feature's pieces in the page: the file chooser of Import motion…, the panels. */
export function MotionHost(): ReactElement {
  const { editor, api } = useServices();
  const dialog = useEditor((s) => s.dialog);
  useEffect(() => {
    window.__keyposeMotion = createMotionDebugHook(editor);
  }, [editor]);
  return (
    <>
      <HiddenFileInput
        id={MOTION_INPUT_ID}
        accept={MOTION_ACCEPT}
        testId="motion-input"
        onFile={(file) => void beginMotionImport(editor, file)}
      />
      <HiddenFileInput
        id={VIDEO_INPUT_ID}
        accept={VIDEO_ACCEPT}
        testId="motion-video-input"
        onFile={(file) => void beginVideoImport(editor, api, file)}
      />
      {dialog === 'motion-import' ? <MotionImportDialog /> : null}
      {dialog === 'motion-video' ? <VideoMotionDialog /> : null}
      {dialog === 'motion-library' ? <MotionLibraryPanel /> : null}
    </>
  );
}

/**
 * A drop on the window (the viewport, the timeline, anywhere) that carries a motion file (.bvh,
 * .json) imports it; a video starts Motion from video on it, as the Video… button does. Returns
 * false when the drop is something else (a picture, a folder), for the character import to take.
 */
export function dropMotion(
  editor: Parameters<typeof beginMotionImport>[0],
  transfer: DataTransfer,
  api?: KeyposeApi,
): boolean {
  const files = [...transfer.files];
  const file = files.find((f) => isMotionFileName(f.name));
  if (file) {
    void beginMotionImport(editor, file);
    return true;
  }
  const video = api ? files.find((f) => isVideoFile(f.name, f.type)) : undefined;
  if (!video || !api) return false;
  if (!editor.store.getState().document) return false;
  void beginVideoImport(editor, api, video);
  return true;
}
