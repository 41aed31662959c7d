export interface ElectronFs {
  existsSync(path: string): boolean;
  readFileSync(path: string, encoding: 'utf8'): string;
}
export function electronBinaryStatus(
  electronDir: string,
  fs?: ElectronFs,
): { packagePresent: boolean; installed: boolean; executable: string | null };
export function decideStart(state: {
  installed: boolean;
  packagePresent: boolean;
  downloadTried: boolean;
  forceStudio: boolean;
}): 'electron' | 'download' | 'studio';
export function fallbackMessage(url: string): string;
export function openUrlCommand(platform: NodeJS.Platform, url: string): { command: string; args: string[] };
export function studioUrlFromLine(line: string): string | null;
