import type { ReactElement, ReactNode } from 'react';
import { useServices } from '../context.js';
import { Icon } from './icons.js';

/**
 * A dialog over the editor: a click on the backdrop or the close button closes it (the editor
 * has one dialog at a time). `label` names it for assistive technology when the heading is longer.
 */
export function Modal(props: {
  title: string;
  label?: string;
  className: string;
  testId: string;
  children: ReactNode;
}): ReactElement {
  const { editor } = useServices();
  return (
    <div className="modal-backdrop" onPointerDown={() => editor.actions.closeDialog()}>
      <div
        className={`modal ${props.className}`}
        role="dialog"
        aria-label={props.label ?? props.title}
        data-testid={props.testId}
        onPointerDown={(event) => event.stopPropagation()}
      >
        <div className="modal-head">
          <h2>{props.title}</h2>
          <button
            type="button"
            className="tool-button"
            aria-label="Close"
            onClick={() => editor.actions.closeDialog()}
          >
            <Icon name="close" />
          </button>
        </div>
        {props.children}
      </div>
    </div>
  );
}
