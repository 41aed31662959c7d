import { type ReactElement, useState } from 'react';
import { applyExpression } from '../../core/document/expressionEdits.js';
import type { Character } from '../../core/document/schema.js';
import { parseExpression } from '../../core/face/expressionText.js';
import { useEditor, useServices } from '../context.js';

/**
 * The Face section's "Expression" row (docs/face.md, "Expressions from text"): a prompt ("a bit
 * sad", "angry and shouting", "wink left") and a frame range, keyed onto the character's face
 * channels by Apply (or Enter) as one undo step. A word not understood is shown under the field
 * and nothing changes.
 */
export function ExpressionRow({ character }: { character: Character }): ReactElement | null {
  const { editor } = useServices();
  const durationFrames = useEditor((s) => s.document?.durationFrames ?? 1);
  const [text, setText] = useState('');
  const [from, setFrom] = useState(0);
  const [to, setTo] = useState<number | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const last = durationFrames - 1;
  const end = Math.min(to ?? last, last);

  const apply = () => {
    try {
      const expression = parseExpression(text);
      editor.actions.edit(`Expression "${text.trim()}"`, (doc) =>
        applyExpression(doc, character.id, expression, { from: Math.min(from, end), to: end }),
      );
      setMessage({
        error: false,
        text: `${expression.terms.map((t) => `${t.term} ×${t.intensity.toFixed(2)}`).join(', ')} on frames ${Math.min(from, end)}–${end}`,
      });
    } catch (error) {
      setMessage({ error: true, text: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <div className="field-group face-expression" data-testid="face-expression">
      <label className="face-field">
        Expression
        <input
          type="text"
          value={text}
          placeholder='e.g. "a bit sad", "surprised with an open mouth"'
          data-testid="expression-text"
          onChange={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              apply();
            }
          }}
        />
      </label>
      <label className="face-field">
        Frames
        <input
          type="number"
          min={0}
          max={last}
          value={Math.min(from, end)}
          aria-label="First frame"
          data-testid="expression-from"
          onChange={(event) => setFrom(Math.max(0, Math.round(Number(event.currentTarget.value) || 0)))}
        />
        –
        <input
          type="number"
          min={0}
          max={last}
          value={end}
          aria-label="Last frame"
          data-testid="expression-to"
          onChange={(event) => setTo(Math.max(0, Math.round(Number(event.currentTarget.value) || 0)))}
        />
      </label>
      <button
        type="button"
        className="tool-button"
        disabled={text.trim() === ''}
        onClick={apply}
        data-testid="expression-apply"
      >
        Apply
      </button>
      {message ? (
        <p
          className={message.error ? 'hint error' : 'hint'}
          data-testid={message.error ? 'expression-error' : 'expression-done'}
        >
          {message.text}
        </p>
      ) : null}
    </div>
  );
}
