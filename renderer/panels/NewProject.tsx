import type { ReactElement } from 'react';
import { IMPORT_ACCEPT } from '../characters/importFlow.js';
import { useImportFlow } from '../characters/useCharacters.js';

export const NEW_PROJECT_INPUT_ID = 'keypose-new-project-input';

/**
 * The hidden file chooser behind File ▸ New from picture (Ctrl+N): the picture is imported and
 * rigged by the host (an import job with a progress dialog), and the rigged character becomes a
 * new, unsaved project in Fit mode. A failed import reports the error and changes nothing.
 */
export function NewProjectInput(): ReactElement {
  const flow = useImportFlow();
  return (
    <input
      id={NEW_PROJECT_INPUT_ID}
      type="file"
      accept={IMPORT_ACCEPT}
      hidden
      data-testid="new-project-input"
      onChange={(event) => {
        const input = event.currentTarget;
        const file = input.files?.[0];
        input.value = '';
        if (file) void flow.start(file, 'new');
      }}
    />
  );
}
