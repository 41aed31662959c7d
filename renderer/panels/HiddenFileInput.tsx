import type { ReactElement } from 'react';

/**
 * A hidden one-file chooser that commands open by its id (a click on the element). The input is
 * cleared before `onFile` runs so choosing the same file again fires another change.
 */
export function HiddenFileInput(props: {
  id: string;
  accept: string;
  testId: string;
  onFile: (file: File) => void;
}): ReactElement {
  return (
    <input
      id={props.id}
      type="file"
      accept={props.accept}
      hidden
      data-testid={props.testId}
      onChange={(event) => {
        const input = event.currentTarget;
        const file = input.files?.[0];
        input.value = '';
        if (file) props.onFile(file);
      }}
    />
  );
}
