import * as THREE from 'three';
import { type FramePixels, premultiplyInto } from './framePixels.js';

/**
 * GPU textures of rendered frames, one per frame key, least recently used first out (bounded in
 * bytes). The engine's frames are straight RGBA; they are premultiplied here, once per texture, so
 * that bilinear filtering does not darken the edges (a straight-alpha texel of a transparent pixel
 * carries black that would bleed into its neighbours) and the layer blends with ONE,
 * ONE_MINUS_SRC_ALPHA.
 */
export class FrameTextures {
  private readonly textures = new Map<string, THREE.DataTexture>();
  private bytes = 0;
  private readonly maxBytes: number;

  constructor(maxBytes = 256 * 1024 * 1024) {
    this.maxBytes = maxBytes;
  }

  get(pixels: FramePixels): THREE.DataTexture {
    const cached = this.textures.get(pixels.key);
    if (cached) {
      this.textures.delete(pixels.key);
      this.textures.set(pixels.key, cached);
      return cached;
    }
    const data = new Uint8Array(pixels.data.length);
    premultiplyInto(pixels.data, data);
    const texture = new THREE.DataTexture(data, pixels.width, pixels.height, THREE.RGBAFormat);
    // The bytes are sRGB-encoded and go to the sRGB canvas as they are (no colour conversion).
    texture.colorSpace = THREE.NoColorSpace;
    texture.magFilter = THREE.LinearFilter;
    texture.minFilter = THREE.LinearFilter;
    texture.generateMipmaps = false;
    texture.flipY = false;
    texture.needsUpdate = true;
    this.textures.set(pixels.key, texture);
    this.bytes += data.byteLength;
    for (const [key, old] of this.textures) {
      if (this.bytes <= this.maxBytes || key === pixels.key) break;
      this.textures.delete(key);
      this.bytes -= (old.image.data as Uint8Array).byteLength;
      old.dispose();
    }
    return texture;
  }

  dispose(): void {
    for (const texture of this.textures.values()) texture.dispose();
    this.textures.clear();
    this.bytes = 0;
  }
}
