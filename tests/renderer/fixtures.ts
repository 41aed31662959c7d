import { createProject } from '../../core/document/factory.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { createEditor, type Editor } from '../../renderer/state/editorStore.js';
import { createPlayheadStore } from '../../renderer/state/playheadStore.js';

/** A 2×2 PNG is enough: the store never decodes the art, only carries it. */
const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFElEQVR4nGP4z8DwnwEKGBgYGAAAMFQB/wTtFoMAAAAASUVORK5CYII=';

export function makeDocument(name = 'Test'): ProjectDocument {
  return createProject({
    name,
    art: {
      assetId: 'sha256-test',
      asset: { mime: 'image/png', width: 600, height: 800, dataBase64: TINY_PNG_BASE64 },
    },
    id: 'proj_test',
    characterId: 'char_test',
  });
}

export function makeEditor(doc: ProjectDocument = makeDocument()): Editor {
  const editor = createEditor(createPlayheadStore());
  editor.actions.load(doc, null);
  return editor;
}

export const character = (editor: Editor) => {
  const c = editor.store.getState().document?.characters[0];
  if (!c) throw new Error('no character');
  return c;
};

export const setFrame = (editor: Editor, frame: number) => editor.playhead.setState({ frame });
