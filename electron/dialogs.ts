import type { ApiImplementation } from '../host/api/services.js';
import { PROJECT_EXTENSION, projectFileName } from '../host/project/store.js';

/** The dialogs the desktop shell shows; main.ts implements them with Electron's dialog module. */
export interface ShellDialogs {
  /** The chosen project file, or null when cancelled. */
  chooseProjectToOpen(): Promise<string | null>;
  /** Where to save, or null when cancelled; `suggestedName` is a file name. */
  chooseSaveLocation(suggestedName: string): Promise<string | null>;
  /** Where to export, or null when cancelled; `extension` has no dot ('' = a folder). */
  chooseExportLocation?(suggestedName: string, extension: string): Promise<string | null>;
}

/**
 * The desktop shell's services: the shared host services, with openProject, saveProject and
 * exportProject asking the user for a path when the renderer gives none (the contract says null = cancelled).
 *
 * The page can only name files the user chose: every path chosen here is handed to `allow`
 * (the shell's PathAccess, host/paths.ts), and the host services refuse any other. A path the page
 * sends itself (Save of an opened project) passes only if it was chosen before.
 */
export function withDialogs(
  services: ApiImplementation,
  dialogs: ShellDialogs,
  allow: (chosenPath: string) => void = () => undefined,
): ApiImplementation {
  return {
    ...services,
    async openProject(path) {
      if (path !== undefined) return services.openProject(path);
      const chosen = await dialogs.chooseProjectToOpen();
      if (chosen === null) return null;
      allow(chosen);
      return services.openProject(chosen);
    },
    async saveProject(document, path) {
      if (path !== undefined) return services.saveProject(document, path);
      let chosen = await dialogs.chooseSaveLocation(projectFileName(document.name));
      if (chosen === null) return null;
      // Linux file dialogs do not add the extension the filter names.
      if (!chosen.endsWith(PROJECT_EXTENSION)) chosen = `${chosen}${PROJECT_EXTENSION}`;
      allow(chosen);
      return services.saveProject(document, chosen);
    },
    async exportProject(request) {
      if (request.outPath !== undefined || !dialogs.chooseExportLocation)
        return services.exportProject(request);
      const presets = await services.listExportPresets();
      const extension = presets.find((p) => p.id === request.presetId)?.extension ?? '';
      const stem = projectFileName(request.fileName ?? request.document.name).slice(
        0,
        -PROJECT_EXTENSION.length,
      );
      let chosen = await dialogs.chooseExportLocation(extension ? `${stem}.${extension}` : stem, extension);
      if (chosen === null) return null;
      if (extension && !chosen.endsWith(`.${extension}`)) chosen = `${chosen}.${extension}`;
      allow(chosen);
      // The save dialog asked before choosing an existing name (showOverwriteConfirmation); the
      // host still never replaces a project or a folder (host/export/destination.ts).
      return services.exportProject({ ...request, outPath: chosen, overwrite: true });
    },
  };
}
