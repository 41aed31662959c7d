import { createContext, useContext } from 'react';
import type { KeyposeApi } from '../core/contract/api.js';
import type { Commands } from './commands.js';
import type { Playback } from './playback.js';
import type { Editor, EditorState } from './state/editorStore.js';
import { useEditorState } from './state/editorStore.js';

/** What every panel needs: the stores, the commands, the shell's API. Created once in main.tsx. */
export interface AppServices {
  readonly editor: Editor;
  readonly commands: Commands;
  readonly playback: Playback;
  readonly api: KeyposeApi;
}

export const ServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() outside <ServicesContext.Provider>');
  return services;
}

/** Subscribes a component to a slice of the editor state (re-renders only when it changes). */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useEditorState(useServices().editor, selector);
}
