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
 */
export function withDialogs(services: ApiImplementation, dialogs: ShellDialogs): ApiImplementation {
  return {
    ...services,
    async openProject(path) {
      const chosen = path ?? (await dialogs.chooseProjectToOpen());
      return chosen === null ? null : services.openProject(chosen);
    },
    async saveProject(document, path) {
      let chosen = path ?? (await dialogs.chooseSaveLocation(projectFileName(document.name)));
      if (chosen === null) return null;
      // Linux file dialogs do not add the extension the filter names.
      if (!chosen.endsWith(PROJECT_EXTENSION)) chosen = `${chosen}${PROJECT_EXTENSION}`;
      return services.saveProject(document, chosen);
    },
    async exportProject(request) {
      if (request.outPath !== undefined || !dialogs.chooseExportLocation)
        return services.exportProject(request);
      const presets = await services.listExportPresets();
      const extension = presets.find((p) => p.id === request.presetId)?.extension ?? '';
      const stem = projectFileName(request.document.name).slice(0, -PROJECT_EXTENSION.length);
      let chosen = await dialogs.chooseExportLocation(extension ? `${stem}.${extension}` : stem, extension);
      if (chosen === null) return null;
      if (extension && !chosen.endsWith(`.${extension}`)) chosen = `${chosen}.${extension}`;
      return services.exportProject({ ...request, outPath: chosen });
    },
  };
}
