import sharp from 'sharp';
import type { Pt } from '../../core/image/homography.js';
import {
  evenLight,
  findPage,
  flattenPage,
  type GreyImage,
  paperness,
  scaleCorners,
} from '../../core/image/page.js';
import type { RgbaImage } from '../../core/render/types.js';

/**
 * Photos of drawings on paper (core/image/page.ts does the geometry and the light): sharp makes
 * the small copies the detection and the light estimate run on (its resize is fast and
 * area-averaging), the warp and the light correction run once over the full-resolution picture.
 */

/** Long side of the copy the page is found on. */
const DETECT_SIDE = 640;
/** Long side of the copy the paper's light is estimated on. */
const LIGHT_SIDE = 256;

export interface PagePhoto {
  /** The flattened, evenly lit page (full resolution). */
  readonly rgba: RgbaImage;
  /** The page's corners in the photo (pixels): TL, TR, BR, BL. */
  readonly corners: readonly [Pt, Pt, Pt, Pt];
}

async function smallCopy(image: RgbaImage, side: number): Promise<RgbaImage> {
  const scale = Math.min(1, side / Math.max(image.width, image.height));
  const { data, info } = await sharp(
    Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength),
    {
      raw: { width: image.width, height: image.height, channels: 4 },
    },
  )
    .resize(Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale)), {
      kernel: 'linear',
    })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

/**
 * The page of a photographed drawing, flattened and evenly lit; null when the picture is no photo
 * of a page (a scan or a digital drawing: the paper already fills it), which is then used as is.
 */
export async function flattenPhotographedPage(photo: RgbaImage): Promise<PagePhoto | null> {
  const small = await smallCopy(photo, DETECT_SIDE);
  const grey = new Uint8Array(small.width * small.height);
  for (let p = 0; p < grey.length; p++)
    grey[p] = paperness(small.data[p * 4]!, small.data[p * 4 + 1]!, small.data[p * 4 + 2]!);
  const page = findPage({ width: small.width, height: small.height, data: grey } satisfies GreyImage);
  if (!page) return null;
  const corners = scaleCorners(page.corners, photo.width / small.width, photo.height / small.height);
  const flat = flattenPage(photo, corners);
  const lightCopy = await smallCopy(flat.image, LIGHT_SIDE);
  return { rgba: evenLight(flat.image, lightCopy), corners };
}
