/**
 * The only web pages the desktop app hands to the user's browser (shell.openExternal): the
 * project's own documentation, listed exactly. Any other URL a page asks to open (a link in
 * imported text, a compromised renderer) is refused: openExternal on an arbitrary URL can start
 * any registered protocol handler. The editor links to no web page today; add a page here when
 * the UI gets a link to it.
 */
export const DOCUMENTATION_LINKS: readonly string[] = [];

/** True when `url` is an https URL on the list (compared without its #fragment). */
export function isAllowedExternalUrl(url: string, allowed: readonly string[] = DOCUMENTATION_LINKS): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return false;
  parsed.hash = '';
  return allowed.some((entry) => {
    try {
      const listed = new URL(entry);
      listed.hash = '';
      return listed.href === parsed.href;
    } catch {
      return false;
    }
  });
}
