import { type ReactElement, useEffect, useId, useRef } from 'react';

export interface NumberFieldProps {
  readonly label: string;
  readonly testId?: string;
  readonly unit?: string;
  /** Value change per pixel when dragging the label (Blender-style scrubbing). */
  readonly dragStep?: number;
  readonly decimals?: number;
  readonly min?: number;
  readonly max?: number;
  readonly disabled?: boolean;
  /** A value React owns (document fields that change only on edits). */
  readonly value?: number;
  /**
   * For per-frame values (the pose at the playhead): called once with a display function the
   * caller invokes from its store subscriptions, so playback never re-renders this component.
   * Must be stable (useCallback/useMemo). Returns an unsubscribe function.
   */
  readonly bind?: (display: (value: number) => void) => () => void;
  readonly onCommit: (value: number) => void;
  readonly onScrubStart?: () => void;
  readonly onScrub?: (value: number) => void;
  readonly onScrubEnd?: () => void;
}

const clampTo = (value: number, min?: number, max?: number) =>
  Math.min(max ?? Number.POSITIVE_INFINITY, Math.max(min ?? Number.NEGATIVE_INFINITY, value));

/**
 * A compact numeric field: type a value and press Enter (Escape reverts), or drag the label
 * left/right to scrub the value (one drag is one undo step, via the scrub callbacks).
 */
export function NumberField(props: NumberFieldProps): ReactElement {
  const inputRef = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const shown = useRef(0);
  const decimals = props.decimals ?? 1;
  const propsRef = useRef(props);
  propsRef.current = props;

  const format = (value: number) => {
    const rounded = Number(value.toFixed(decimals));
    return String(Object.is(rounded, -0) ? 0 : rounded);
  };

  const display = (value: number) => {
    shown.current = value;
    const input = inputRef.current;
    if (input && document.activeElement !== input) input.value = format(value);
  };
  const displayRef = useRef(display);
  displayRef.current = display;

  useEffect(() => {
    if (props.value !== undefined) displayRef.current(props.value);
  }, [props.value]);

  useEffect(() => {
    if (!props.bind) return;
    return props.bind((value) => displayRef.current(value));
  }, [props.bind]);

  const commitText = () => {
    const input = inputRef.current;
    if (!input) return;
    const text = input.value.trim();
    if (text === format(shown.current)) return;
    const parsed = Number(text);
    if (text === '' || !Number.isFinite(parsed)) {
      input.value = format(shown.current);
      return;
    }
    propsRef.current.onCommit(clampTo(parsed, props.min, props.max));
  };

  const onLabelPointerDown = (event: React.PointerEvent<HTMLLabelElement>) => {
    if (props.disabled || event.button !== 0) return;
    event.preventDefault();
    const label = event.currentTarget;
    label.setPointerCapture(event.pointerId);
    const startX = event.clientX;
    const startValue = shown.current;
    const step = props.dragStep ?? 1;
    let scrubbing = false;
    const onMove = (move: PointerEvent) => {
      const dx = move.clientX - startX;
      if (!scrubbing && Math.abs(dx) < 3) return;
      if (!scrubbing) {
        scrubbing = true;
        propsRef.current.onScrubStart?.();
      }
      const fine = move.shiftKey ? 0.1 : 1;
      const value = clampTo(startValue + dx * step * fine, props.min, props.max);
      display(value);
      if (propsRef.current.onScrub) propsRef.current.onScrub(value);
      else propsRef.current.onCommit(value);
    };
    const onUp = () => {
      label.removeEventListener('pointermove', onMove);
      label.removeEventListener('pointerup', onUp);
      label.removeEventListener('pointercancel', onUp);
      if (scrubbing) propsRef.current.onScrubEnd?.();
      else inputRef.current?.select();
    };
    label.addEventListener('pointermove', onMove);
    label.addEventListener('pointerup', onUp);
    label.addEventListener('pointercancel', onUp);
  };

  return (
    <div className={`number-field${props.disabled ? ' disabled' : ''}`}>
      <label
        htmlFor={inputId}
        className="number-label"
        onPointerDown={onLabelPointerDown}
        title="Drag to change, Shift for fine steps"
      >
        {props.label}
      </label>
      <input
        ref={inputRef}
        id={inputId}
        className="number-input"
        type="text"
        inputMode="decimal"
        spellCheck={false}
        disabled={props.disabled}
        aria-label={props.label}
        data-testid={props.testId}
        defaultValue=""
        onFocus={(event) => event.currentTarget.select()}
        onBlur={() => {
          commitText();
          if (inputRef.current) inputRef.current.value = format(shown.current);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            commitText();
            // Show what the edit produced; the blur that follows then has nothing left to commit.
            event.currentTarget.value = format(shown.current);
            event.currentTarget.blur();
          } else if (event.key === 'Escape') {
            event.currentTarget.value = format(shown.current);
            event.currentTarget.blur();
          }
        }}
      />
      {props.unit ? <span className="number-unit">{props.unit}</span> : null}
    </div>
  );
}
