/** The face rig's parameters, mouth shapes, document fields and their evaluation (docs/face.md). */

export * from './detectDrawnFace.js';
export * from './edits.js';
export * from './estimate.js';
export * from './evaluate.js';
export * from './mouthShapes.js';
export * from './params.js';
export * from './schema.js';
export * from './speechMotion.js';
export * from './speechSegments.js';
export * from './trackFormats.js';
