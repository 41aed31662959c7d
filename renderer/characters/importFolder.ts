import type { ImportFlow } from './importFlow.js';

/**
 * Animated Drawings folders in the editor: the browser cannot give the host a folder's path, so the
 * folder's files travel to importCharacter as data. A folder comes from a drop (its directory entry,
 * read with createReader) or from the "Import folder" chooser (<input webkitdirectory>, which lists
 * every file with its path relative to the chosen folder).
 */

/** The files the Animated Drawings importer reads; a folder's other files are not sent. */
export const ANIMATED_DRAWINGS_FILE_NAMES: readonly string[] = ['char_cfg.yaml', 'texture.png', 'mask.png'];

const needed = (name: string) => ANIMATED_DRAWINGS_FILE_NAMES.includes(name);

/** The hidden folder chooser of Import folder (ImportUI.tsx). */
export const IMPORT_FOLDER_INPUT_ID = 'keypose-import-folder-input';

/**
 * The folder and its needed files from a folder input's list: only files directly in the chosen
 * folder count (webkitRelativePath is "folder/name"; deeper paths are in subfolders).
 */
export function folderFromInputFiles(files: readonly File[]): { folderName: string; files: File[] } | null {
  let folderName: string | null = null;
  const picked: File[] = [];
  for (const file of files) {
    const parts = file.webkitRelativePath.split('/');
    folderName ??= parts[0] ?? null;
    if (parts.length === 2 && needed(parts[1] ?? '')) picked.push(file);
  }
  return folderName === null ? null : { folderName, files: picked };
}

function readAllEntries(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    // readEntries hands out a batch per call (Chromium: 100) until it returns an empty one.
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

/** The needed files of a dropped folder (top level only). */
export async function filesOfDirectory(directory: FileSystemDirectoryEntry): Promise<File[]> {
  const entries = (await readAllEntries(directory)).filter(
    (entry): entry is FileSystemFileEntry => entry.isFile && needed(entry.name),
  );
  return Promise.all(
    entries.map((entry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject))),
  );
}

/**
 * Imports what was dropped on the window: a folder as an Animated Drawings character, else the first
 * file as a picture. The directory entry must be taken during the drop event itself (the
 * DataTransfer is emptied afterwards), so this runs synchronously up to the first await.
 */
export function importDropped(flow: ImportFlow, transfer: DataTransfer): void {
  const entry = transfer.items[0]?.webkitGetAsEntry?.() ?? null;
  if (entry?.isDirectory) {
    const directory = entry as FileSystemDirectoryEntry;
    void flow.startFolder(directory.name, filesOfDirectory(directory), 'ask');
    return;
  }
  const file = transfer.files[0];
  if (file) void flow.start(file, 'ask');
}
