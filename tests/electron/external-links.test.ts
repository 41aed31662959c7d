import { describe, expect, it } from 'vitest';
import { DOCUMENTATION_LINKS, isAllowedExternalUrl } from '../../electron/externalLinks.js';

describe('openExternal allow-list', () => {
  const docs = ['https://keypose.example/docs/export.html'];
  it('opens only listed https documentation pages', () => {
    expect(isAllowedExternalUrl('https://keypose.example/docs/export.html', docs)).toBe(true);
    expect(isAllowedExternalUrl('https://keypose.example/docs/export.html#gif', docs)).toBe(true);
  });
  it('refuses everything else', () => {
    for (const url of [
      'https://evil.example/',
      'https://keypose.example/docs/export.html.evil.example/',
      'https://keypose.example/docs/other.html',
      'http://keypose.example/docs/export.html',
      'https://user:pw@keypose.example/docs/export.html',
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(isAllowedExternalUrl(url, docs), url).toBe(false);
    }
  });
  it('the shipped list holds https pages only', () => {
    for (const link of DOCUMENTATION_LINKS) expect(link).toMatch(/^https:\/\//);
    expect(isAllowedExternalUrl('https://github.com/')).toBe(false);
  });
});
