import { type ReactElement, useState } from 'react';
import { applyExpression } from '../../core/document/expressionEdits.js';
import type { Character } from '../../core/document/schema.js';
import { parseExpression } from '../../core/face/expressionText.js';
import { useServices } from '../context.js';
import { FrameRangeFields, useFrameRange } from './FrameRangeFields.js';

/**
 * The Face section's "Expression" row (docs/face.md, "Expressions from text"): a prompt ("a bit
 * sad", "angry and shouting", "wink left") and a frame range, keyed onto the character's face
 * channels by Apply (or Enter) as one undo step. A word not understood is shown under the field
 * and nothing changes.
 */
export function ExpressionRow({ character }: { character: Character }): ReactElement | null {
  const { editor } = useServices();
  const [text, setText] = useState('');
  const range = useFrameRange();
  const { from, end } = range;
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  const apply = () => {
    try {
      const expression = parseExpression(text);
      editor.actions.edit(`Expression "${text.trim()}"`, (doc) =>
        applyExpression(doc, character.id, expression, { from, to: end }),
      );
      setMessage({
        error: false,
        text: `${expression.terms.map((t) => `${t.term} ×${t.intensity.toFixed(2)}`).join(', ')} on frames ${from}–${end}`,
      });
    } catch (error) {
      setMessage({ error: true, text: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <fieldset className="face-group face-expression" data-testid="face-expression">
      <legend>Expression from text</legend>
      <input
        type="text"
        aria-label="Expression"
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
      <div className="field-group">
        <FrameRangeFields range={range} testId="expression" firstLabel="First frame" lastLabel="Last frame" />
        <button
          type="button"
          className="tool-button"
          disabled={text.trim() === ''}
          onClick={apply}
          data-testid="expression-apply"
        >
          Apply
        </button>
      </div>
      {message ? (
        <p
          className={message.error ? 'hint error' : 'hint'}
          data-testid={message.error ? 'expression-error' : 'expression-done'}
        >
          {message.text}
        </p>
      ) : null}
    </fieldset>
  );
}
