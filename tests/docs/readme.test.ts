import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHORTCUTS } from '../../renderer/shortcuts.js';
import { shortcutsMarkdown, withTable } from '../../scripts/shortcutsTable.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists every editor shortcut exactly as the editor binds it (run scripts/shortcutsTable.ts --write)', () => {
    expect(withTable(readme)).toBe(readme);
    for (const shortcut of SHORTCUTS) expect(shortcutsMarkdown()).toContain(shortcut.label);
  });

  it('gives the two set-up commands and the test command', () => {
    for (const command of ['npm install', 'npm start', 'npm test', 'npm run studio', 'npx keypose']) {
      expect(readme).toContain(command);
    }
  });

  it('shows the editor screenshot the browser test writes', () => {
    expect(readme).toContain('](docs/editor.png)');
  });
});
