export const GPU_INSTALL_COMMAND: string;
export function cudaStatus(env: {
  platform: string;
  arch: string;
  ortDir: string;
  exists?: (path: string) => boolean;
}): { supported: boolean; driver: boolean; installed: boolean };
export function decideGpuInstall(
  status: { supported: boolean; driver: boolean; installed: boolean },
  env: { KEYPOSE_GPU?: string },
): 'download' | 'none';
export function gpuFallbackMessage(reason: string): string;
