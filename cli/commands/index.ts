import type { CliCommand } from '../command.js';
import { faceCommand } from './face.js';
import { infoCommand } from './info.js';
import { lipsyncCommand } from './lipsync.js';
import { motionCommand } from './motion.js';
import { renderCommand } from './render.js';
import { rigCommand } from './rig.js';

/** Every `keypose` subcommand; `help` is built in (cli/main.ts). Add new commands here. */
export const COMMANDS: readonly CliCommand[] = [
  infoCommand,
  rigCommand,
  renderCommand,
  motionCommand,
  lipsyncCommand,
  faceCommand,
];
