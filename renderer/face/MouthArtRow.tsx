import { type ReactElement, useRef, useState } from 'react';
import { setMouthArt } from '../../core/document/faceEdits.js';
import type { Asset, Character } from '../../core/document/schema.js';
import { mouthArtByName, mouthArtFor, unrecognisedMouthNames } from '../../core/face/mouthArt.js';
import { MOUTH_SHAPE_DOCS, MOUTH_SHAPES, type MouthShape } from '../../core/face/mouthShapes.js';
import { encodeBase64 } from '../../core/util/base64.js';
import { sha256Hex } from '../../core/util/hash.js';
import { useServices } from '../context.js';

/**
 * The Face section's mouth row (docs/face.md, "Swapped mouth drawings"): Warp (the picture's own
 * mouth bent into each shape) or Swap (the user's drawings, placed by the rig), and "Mouth
 * drawings…", several pictures at once named for their shapes (mouth_A.png, A.png, mouth-e.png), or
 * a layered PSD whose layers are named so (cut onto the mouth by the host: mouthDrawingsFromPsd).
 * Names that stand for no shape are listed and left out; the rest is one undo step.
 */

const MIME: Record<string, Asset['mime']> = {
  'image/png': 'image/png',
  'image/jpeg': 'image/jpeg',
  'image/webp': 'image/webp',
};

function sniffMime(bytes: Uint8Array): Asset['mime'] | null {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const text = String.fromCharCode(...bytes.subarray(0, 12));
  if (text.startsWith('RIFF') && text.slice(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

async function drawingOf(file: File): Promise<{ assetId: string; asset: Asset }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const mime = sniffMime(bytes) ?? MIME[file.type];
  if (!mime) throw new Error(`${file.name} is not a PNG, JPEG or WebP picture`);
  let size: { width: number; height: number };
  try {
    const bitmap = await createImageBitmap(new Blob([bytes], { type: mime }));
    size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
  } catch {
    throw new Error(`${file.name} could not be read as a picture`);
  }
  return {
    assetId: `sha256-${sha256Hex(bytes)}`,
    asset: { mime, ...size, dataBase64: encodeBase64(bytes), sourceName: file.name },
  };
}

/** `artSize`: the character's picture's size (a PSD of that size is the character's own canvas). */
export function MouthArtRow({
  character,
  artSize,
}: {
  character: Character;
  artSize: { width: number; height: number };
}): ReactElement | null {
  const { editor, api } = useServices();
  const input = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const rig = character.face;
  if (!rig) return null;
  const drawn = MOUTH_SHAPES.filter((s) => rig.mouthArt?.[s]);

  const setStyle = (style: 'warp' | 'swap') =>
    editor.actions.edit(style === 'swap' ? 'Swap mouth drawings' : 'Warp the mouth', (doc) =>
      setMouthArt(doc, character.id, { style }),
    );

  const pick = async (chosen: readonly File[]) => {
    // A layered PSD's drawings are its layers named for shapes (the host cuts them onto the mouth);
    // other files are named for their shapes.
    const psds = chosen.filter((f) => /\.psd$/i.test(f.name));
    const files = chosen.filter((f) => !psds.includes(f));
    const sorted = mouthArtByName(files, (f) => f.name);
    const problems = [unrecognisedMouthNames(sorted.unrecognised)];
    if (sorted.duplicates.length > 0)
      problems.push(`Left out (a second drawing of the same shape): ${sorted.duplicates.join(', ')}.`);
    try {
      const drawings: Partial<Record<MouthShape, { assetId: string; asset: Asset }>> = {};
      for (const psd of psds) {
        const layers = await api.mouthDrawingsFromPsd({
          fileName: psd.name,
          dataBase64: encodeBase64(new Uint8Array(await psd.arrayBuffer())),
          face: rig,
          art: artSize,
        });
        Object.assign(drawings, layers);
      }
      for (const [shape, file] of Object.entries(sorted.byShape) as [MouthShape, File][]) {
        drawings[shape] = await drawingOf(file);
      }
      const shapes = Object.keys(drawings);
      if (shapes.length > 0) {
        editor.actions.edit(`Mouth drawings ${shapes.join(' ')}`, (doc) =>
          setMouthArt(doc, character.id, { style: 'swap', drawings }),
        );
      }
      const text = [shapes.length > 0 ? `Mouth drawings: ${shapes.join(' ')}.` : '', ...problems]
        .filter((t) => t !== '')
        .join(' ');
      setMessage({ error: shapes.length === 0 || problems.some((p) => p !== ''), text });
    } catch (error) {
      setMessage({ error: true, text: error instanceof Error ? error.message : String(error) });
    }
  };

  const standIns = MOUTH_SHAPES.filter((s) => !rig.mouthArt?.[s]).flatMap((s) => {
    const art = mouthArtFor({ ...rig, mouthStyle: 'swap' }, s);
    return art ? [`${s} by ${art.shape}`] : [];
  });

  return (
    <div className="field-group face-mouth-art" data-testid="face-mouth-art">
      <span>Mouth:</span>
      <label className="face-field" title="The picture’s own mouth, bent into each shape">
        <input
          type="radio"
          name={`mouth-style-${character.id}`}
          checked={rig.mouthStyle !== 'swap'}
          data-testid="mouth-style-warp"
          onChange={() => setStyle('warp')}
        />
        Warp
      </label>
      <label
        className="face-field"
        title={drawn.length > 0 ? 'Your mouth drawings, placed by the face rig' : 'Add mouth drawings first'}
      >
        <input
          type="radio"
          name={`mouth-style-${character.id}`}
          checked={rig.mouthStyle === 'swap'}
          disabled={drawn.length === 0}
          data-testid="mouth-style-swap"
          onChange={() => setStyle('swap')}
        />
        Swap
      </label>
      <button
        type="button"
        className="tool-button"
        title="Pictures named for their shapes: mouth_A.png, A.png, mouth-e.png … (A–H, X), or a layered PSD whose layers are named so"
        data-testid="mouth-art-pick"
        onClick={() => input.current?.click()}
      >
        Mouth drawings…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept="image/png,image/jpeg,image/webp,.psd,image/vnd.adobe.photoshop"
        hidden
        data-testid="mouth-art-input"
        onChange={(event) => {
          const files = [...(event.currentTarget.files ?? [])];
          event.currentTarget.value = '';
          if (files.length > 0) void pick(files);
        }}
      />
      <span className="hint" data-testid="mouth-art-shapes">
        {drawn.length > 0
          ? drawn.map((s) => (
              <span key={s} className="face-shape current" title={MOUTH_SHAPE_DOCS[s]}>
                {s}
              </span>
            ))
          : 'no drawings'}
        {drawn.length > 0 && standIns.length > 0 ? ` (stand-ins: ${standIns.join(', ')})` : null}
      </span>
      {message ? (
        <p
          className={message.error ? 'hint error' : 'hint'}
          data-testid={message.error ? 'mouth-art-error' : 'mouth-art-done'}
        >
          {message.text}
        </p>
      ) : null}
    </div>
  );
}
