/** A straight (not premultiplied) RGBA8 picture, row-major, y down. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A picture's size in pixels. */
export interface PictureSize {
  readonly width: number;
  readonly height: number;
}
