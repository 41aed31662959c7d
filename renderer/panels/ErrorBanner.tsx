import type { ReactElement } from 'react';
import { useEditor, useServices } from '../context.js';
import { Icon } from './icons.js';

/** Failed operations, each until dismissed: what failed, the file at fault, and why. */
export function ErrorBanner(): ReactElement | null {
  const { editor } = useServices();
  const errors = useEditor((s) => s.errors);
  if (errors.length === 0) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      {errors.map((error) => (
        <div className="error-item" key={error.id} data-testid="error-item">
          <span className="error-badge">!</span>
          <div className="error-text">
            <strong>{error.title}</strong>
            {error.file ? <span className="error-file"> — {error.file}</span> : null}
            <div className="error-message">{error.message}</div>
          </div>
          <button
            type="button"
            className="tool-button"
            aria-label="Dismiss"
            title="Dismiss"
            data-testid="error-dismiss"
            onClick={() => editor.actions.dismissError(error.id)}
          >
            <Icon name="close" />
          </button>
        </div>
      ))}
    </div>
  );
}
