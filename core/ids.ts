/**
 * Branded ids: plain strings at run time (so documents stay plain JSON), distinct types at compile
 * time so a JointId can never be passed where a CharacterId is expected.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type JointId = Brand<string, 'JointId'>;
export type CharacterId = Brand<string, 'CharacterId'>;
export type AssetId = Brand<string, 'AssetId'>;
export type ProjectId = Brand<string, 'ProjectId'>;
export type JobId = Brand<string, 'JobId'>;

export const jointId = (s: string): JointId => s as JointId;
export const characterId = (s: string): CharacterId => s as CharacterId;
export const assetId = (s: string): AssetId => s as AssetId;
export const projectId = (s: string): ProjectId => s as ProjectId;
export const jobId = (s: string): JobId => s as JobId;

/** A short random id; not cryptographic, only unique enough inside one document. */
export function newId(prefix: string): string {
  const random = Math.floor(Math.random() * 0xffffffff)
    .toString(36)
    .padStart(7, '0');
  return `${prefix}_${Date.now().toString(36)}${random}`;
}
