import type { ReactElement } from 'react';
import { IMPORT_ACCEPT } from '../characters/importFlow.js';
import { useImportFlow } from '../characters/useCharacters.js';
import { HiddenFileInput } from './HiddenFileInput.js';

export const NEW_PROJECT_INPUT_ID = 'keypose-new-project-input';

/**
 * The hidden file chooser behind File ▸ New from picture (Ctrl+N): the picture is imported and
 * rigged by the host (an import job with a progress dialog), and the rigged character becomes a
 * new, unsaved project in Fit mode. A failed import reports the error and changes nothing.
 */
export function NewProjectInput(): ReactElement {
  const flow = useImportFlow();
  return (
    <HiddenFileInput
      id={NEW_PROJECT_INPUT_ID}
      accept={IMPORT_ACCEPT}
      testId="new-project-input"
      onFile={(file) => void flow.start(file, 'new')}
    />
  );
}
