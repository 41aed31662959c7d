import { type ReactElement, useState } from 'react';
import { useEditor } from '../context.js';

/**
 * The "Frames first – last" fields of the Face section's rows (expression, face video): the range
 * defaults to the whole shot, and the last frame follows the shot's length until it is set.
 */

export interface FrameRange {
  /** First frame, never past the last. */
  readonly from: number;
  readonly end: number;
  /** The shot's last frame. */
  readonly last: number;
  readonly setFrom: (frame: number) => void;
  readonly setTo: (frame: number) => void;
}

export function useFrameRange(): FrameRange {
  const durationFrames = useEditor((s) => s.document?.durationFrames ?? 1);
  const [from, setFrom] = useState(0);
  const [to, setTo] = useState<number | null>(null);
  const last = durationFrames - 1;
  const end = Math.min(to ?? last, last);
  return { from: Math.min(from, end), end, last, setFrom, setTo };
}

const frameOf = (value: string) => Math.max(0, Math.round(Number(value) || 0));

export function FrameRangeFields(props: {
  range: FrameRange;
  /** Test ids `${testId}-from` and `${testId}-to`. */
  testId: string;
  firstLabel: string;
  lastLabel: string;
}): ReactElement {
  const { range } = props;
  return (
    <label className="face-field">
      Frames
      <input
        type="number"
        min={0}
        max={range.last}
        value={range.from}
        aria-label={props.firstLabel}
        data-testid={`${props.testId}-from`}
        onChange={(event) => range.setFrom(frameOf(event.currentTarget.value))}
      />
      –
      <input
        type="number"
        min={0}
        max={range.last}
        value={range.end}
        aria-label={props.lastLabel}
        data-testid={`${props.testId}-to`}
        onChange={(event) => range.setTo(frameOf(event.currentTarget.value))}
      />
    </label>
  );
}
