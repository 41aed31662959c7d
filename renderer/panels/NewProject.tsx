import type { ReactElement } from 'react';
import { createProject, hashAssetId } from '../../core/document/factory.js';
import type { Asset } from '../../core/document/schema.js';
import { encodeBase64 } from '../../core/util/base64.js';
import { useServices } from '../context.js';

export const NEW_PROJECT_INPUT_ID = 'keypose-new-project-input';

const MIME_TYPES: readonly Asset['mime'][] = ['image/png', 'image/jpeg', 'image/webp'];

/**
 * Starts a new, unsaved project from a picture the user picks: the art is embedded in the
 * document and core places the default humanoid over it, ready for Fit mode.
 */
export async function projectFromPicture(file: File) {
  const mime = MIME_TYPES.find((m) => m === file.type);
  if (!mime)
    throw new Error(`${file.name}: not a PNG, JPEG or WebP picture (${file.type || 'unknown type'})`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes], { type: mime }));
  } catch {
    throw new Error(`${file.name}: the picture cannot be decoded (damaged or truncated file)`);
  }
  const asset: Asset = {
    mime,
    width: bitmap.width,
    height: bitmap.height,
    dataBase64: encodeBase64(bytes),
    sourceName: file.name,
  };
  bitmap.close();
  const name = file.name.replace(/\.[^.]+$/, '') || 'Untitled';
  return createProject({ name, art: { assetId: hashAssetId(bytes), asset } });
}

/** The hidden file chooser behind File ▸ New from picture (Ctrl+N). */
export function NewProjectInput(): ReactElement {
  const { editor, commands } = useServices();
  return (
    <input
      id={NEW_PROJECT_INPUT_ID}
      type="file"
      accept={MIME_TYPES.join(',')}
      hidden
      data-testid="new-project-input"
      onChange={(event) => {
        const input = event.currentTarget;
        const file = input.files?.[0];
        input.value = '';
        if (!file) return;
        projectFromPicture(file).then(
          (doc) => {
            editor.actions.load(doc, null, { unsaved: true });
            editor.actions.setMode('fit');
          },
          (error: unknown) => commands.reportError('Could not start a project from this picture', error),
        );
      }}
    />
  );
}
