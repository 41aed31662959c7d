/**
 * Plain-data math types (tuples, so documents and IPC messages stay JSON).
 *
 * Character space: units are pixels of the character's art; x right, y up, z towards the camera;
 * origin at the centre of the picture. The camera view is an orthographic camera looking down -z
 * that frames the picture exactly, so imagePx = (x + width / 2, height / 2 - y).
 */
export type Vec2 = readonly [number, number];
export type Vec3 = readonly [number, number, number];
/** Unit quaternion, [x, y, z, w] (three.js order). */
export type Quat = readonly [number, number, number, number];
/** Column-major 4x4 matrix (three.js / glTF order), 16 numbers. */
export type Mat4 = readonly number[];
/** 2D affine map, column-major 2x3: [a, b, c, d, tx, ty] maps (x, y) to (a x + c y + tx, b x + d y + ty). */
export type Affine2 = readonly [number, number, number, number, number, number];
