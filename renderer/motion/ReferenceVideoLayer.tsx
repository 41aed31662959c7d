import { useThree } from '@react-three/fiber';
import { type ReactElement, useEffect, useMemo, useRef } from 'react';
import * as THREE from 'three';
import { useStore } from 'zustand';
import { decodeBase64 } from '../../core/util/base64.js';
import { useEditor, useServices } from '../context.js';
import { referencePreferences } from './referenceVideoPrefs.js';
import { type ReferenceShown, syncReferenceVideo } from './referenceVideoSync.js';

/**
 * The project's reference video in the viewport (docs/motion.md): a plane over the output frame
 * (the video fitted inside it, as the camera saw the scene the motion came from), drawn over the
 * art and the generated frames and under the skeleton, at the opacity of the preference, on the
 * video frame of the playhead (referenceVideoSync.ts). The <video> element is in the page (hidden)
 * so tests and devtools can see what it shows.
 */

/** Over the art (0–2) and the onion skin, under the skeleton (10). */
const REFERENCE_ORDER = 5;

export interface ReferenceProbe {
  shown(): ReferenceShown & { readonly visible: boolean; readonly opacity: number };
}

declare global {
  interface Window {
    __keyposeReference?: ReferenceProbe;
  }
}

export function ReferenceVideoLayer({
  size,
}: {
  size: { width: number; height: number };
}): ReactElement | null {
  const { editor } = useServices();
  const invalidate = useThree((s) => s.invalidate);
  const reference = useEditor((s) => s.document?.referenceVideo ?? null);
  const prefs = useStore(referencePreferences());
  const mesh = useRef<THREE.Mesh>(null);
  const shown = useRef<ReferenceShown>({ status: 'none' });
  const aspect = useRef<number | null>(null);
  const data = reference?.dataBase64;
  const mime = reference?.mime;

  const video = useMemo(() => {
    if (!data || !mime || typeof document === 'undefined') return null;
    const element = document.createElement('video');
    element.muted = true;
    element.playsInline = true;
    element.preload = 'auto';
    element.hidden = true;
    element.dataset.testid = 'reference-video';
    // A blob URL: a <video> without Range support seeks to the first frame only.
    element.src = URL.createObjectURL(new Blob([decodeBase64(data).slice()], { type: mime }));
    return element;
  }, [data, mime]);
  const texture = useMemo(() => {
    if (!video) return null;
    const t = new THREE.VideoTexture(video);
    t.colorSpace = THREE.SRGBColorSpace;
    return t;
  }, [video]);
  const material = useMemo(
    () =>
      new THREE.MeshBasicMaterial({
        transparent: true,
        depthTest: false,
        depthWrite: false,
        toneMapped: false,
      }),
    [],
  );

  useEffect(() => {
    material.map = texture;
    material.needsUpdate = true;
  }, [material, texture]);
  useEffect(() => {
    material.opacity = prefs.opacity;
    invalidate();
  }, [material, prefs.opacity, invalidate]);

  useEffect(() => {
    if (!video || !texture) return;
    document.body.appendChild(video);
    const fitToVideo = () => {
      aspect.current = video.videoWidth > 0 ? video.videoWidth / video.videoHeight : null;
      place();
    };
    /** The plane: the video's aspect fitted inside the output frame, centred. */
    const place = () => {
      const m = mesh.current;
      if (!m) return;
      const a = aspect.current;
      const frameAspect = size.width / size.height;
      const w = a === null ? size.width : a > frameAspect ? size.width : size.height * a;
      const h = a === null ? size.height : a > frameAspect ? size.width / a : size.height;
      m.scale.set(w, h, 1);
      const { shown: on } = referencePreferences().getState();
      m.visible = on && shown.current.status !== 'none' && shown.current.status !== 'outside';
      invalidate();
    };
    video.addEventListener('loadedmetadata', fitToVideo);
    const off = syncReferenceVideo(editor, video, (now) => {
      shown.current = now;
      // The texture takes the element's current picture at the next render.
      if (now.status === 'ready') texture.needsUpdate = true;
      place();
    });
    const offPrefs = referencePreferences().subscribe(place);
    window.__keyposeReference = {
      shown: () => ({
        ...shown.current,
        visible: mesh.current?.visible ?? false,
        opacity: material.opacity,
      }),
    };
    fitToVideo();
    return () => {
      off();
      offPrefs();
      video.removeEventListener('loadedmetadata', fitToVideo);
      video.remove();
      texture.dispose();
      URL.revokeObjectURL(video.src);
      video.removeAttribute('src');
      video.load();
      delete window.__keyposeReference;
    };
  }, [editor, video, texture, material, size.width, size.height, invalidate]);

  useEffect(() => () => material.dispose(), [material]);

  if (!video) return null;
  return (
    <mesh ref={mesh} renderOrder={REFERENCE_ORDER} material={material} visible={false} frustumCulled={false}>
      <planeGeometry args={[1, 1]} />
    </mesh>
  );
}
