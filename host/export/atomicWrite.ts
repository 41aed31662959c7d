import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a whole file under a temporary name in the destination folder, then renames it into
 * place (atomic on one filesystem): a failure leaves the previous file, never a partial one.
 */
export async function writeFileAtomic(outPath: string, data: string | Uint8Array): Promise<void> {
  const target = path.resolve(outPath);
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.partial-${randomBytes(4).toString('hex')}`,
  );
  try {
    await writeFile(temp, data);
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
