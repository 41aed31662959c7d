import type { ReactElement, ReactNode } from 'react';
import { useServices } from '../context.js';
import type { CommandId } from '../shortcuts.js';
import { hintFor } from '../shortcuts.js';
import { Icon, type IconName } from './icons.js';

export interface ToolButtonProps {
  readonly icon?: IconName;
  readonly label: string;
  /** The command whose shortcut the tooltip shows. */
  readonly command?: CommandId;
  readonly onClick: () => void;
  readonly active?: boolean;
  readonly disabled?: boolean;
  readonly showLabel?: boolean;
  readonly testId?: string;
  readonly filledIcon?: boolean;
  readonly children?: ReactNode;
}

/**
 * A toolbar button. It never takes keyboard focus from the page (mousedown is swallowed), so
 * Space keeps meaning play/pause instead of "press the last clicked button again".
 */
export function ToolButton(props: ToolButtonProps): ReactElement {
  const hint = props.command ? hintFor(props.command) : '';
  return (
    <button
      type="button"
      className={`tool-button${props.active ? ' active' : ''}${props.showLabel ? ' with-label' : ''}`}
      title={hint ? `${props.label} (${hint})` : props.label}
      aria-label={props.label}
      aria-pressed={props.active === undefined ? undefined : props.active}
      disabled={props.disabled}
      data-testid={props.testId}
      onMouseDown={(event) => event.preventDefault()}
      onClick={props.onClick}
    >
      {props.icon ? <Icon name={props.icon} filled={props.filledIcon ?? false} /> : null}
      {props.showLabel ? <span>{props.label}</span> : null}
      {props.children}
    </button>
  );
}

/** A ToolButton that runs its command: the same command names the action and the tooltip's shortcut. */
export function CommandButton(
  props: Omit<ToolButtonProps, 'command' | 'onClick'> & { readonly command: CommandId },
): ReactElement {
  const { commands } = useServices();
  return <ToolButton {...props} onClick={() => commands.run(props.command)} />;
}
