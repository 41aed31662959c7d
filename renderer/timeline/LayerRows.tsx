import type { ReactElement } from 'react';
import type { Character } from '../../core/document/schema.js';
import { removeLayer, setLayerMuted, setLayerWeight } from '../../core/motion/layers.js';
import type { MotionLayer } from '../../core/motion/types.js';
import { jointById } from '../../core/skeleton/query.js';
import { useServices } from '../context.js';
import { editKeys } from './timelineCommands.js';

/**
 * Timeline rows for what lies under and over the keys: each clip layer (its span, weight, mute,
 * remove; docs/motion.md "Layers") and each IK limb (its target and blend keys).
 */

function layerSpan(layer: MotionLayer): [number, number] | null {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const track of [...Object.values(layer.rotations), layer.rootTranslation]) {
    for (const key of track) {
      first = Math.min(first, key.frame);
      last = Math.max(last, key.frame);
    }
  }
  return Number.isFinite(first) ? [first, last] : null;
}

const pct = (frame: number, durationFrames: number) => `${((frame + 0.5) / durationFrames) * 100}%`;

export function LayerRows({
  character,
  durationFrames,
}: {
  character: Character;
  durationFrames: number;
}): ReactElement {
  const { editor } = useServices();
  const layers = character.motion.layers ?? [];
  const ik = Object.entries(character.motion.ik ?? {});
  return (
    <>
      {layers.map((layer, i) => {
        const span = layerSpan(layer);
        return (
          <div
            key={layer.id}
            className={`tl-row tl-layer${layer.muted ? ' muted' : ''}`}
            data-testid={`tl-layer-${i}`}
          >
            <div
              className="tl-label tl-layer-label"
              title={`Clip layer ${layer.name}: keys are added on top of it`}
            >
              <button
                type="button"
                className="tl-layer-mute"
                aria-pressed={layer.muted === true}
                aria-label={layer.muted ? `Unmute layer ${layer.name}` : `Mute layer ${layer.name}`}
                data-testid={`tl-layer-mute-${i}`}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() =>
                  editKeys(editor, `${layer.muted ? 'Unmute' : 'Mute'} layer ${layer.name}`, (m) =>
                    setLayerMuted(m, layer.id, !layer.muted),
                  )
                }
              >
                {layer.muted ? '○' : '●'}
              </button>
              <span className="tl-layer-name">{layer.name}</span>
              <input
                type="number"
                className="tl-layer-weight"
                aria-label={`Weight of layer ${layer.name}`}
                data-testid={`tl-layer-weight-${i}`}
                min={0}
                max={1}
                step={0.1}
                value={layer.weight}
                onChange={(e) => {
                  const weight = Number(e.currentTarget.value);
                  if (weight >= 0 && weight <= 1)
                    editKeys(editor, `Weight of layer ${layer.name}`, (m) =>
                      setLayerWeight(m, layer.id, weight),
                    );
                }}
              />
              <button
                type="button"
                className="tl-layer-remove"
                aria-label={`Remove layer ${layer.name}`}
                data-testid={`tl-layer-remove-${i}`}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() =>
                  editKeys(editor, `Remove layer ${layer.name}`, (m) => removeLayer(m, layer.id))
                }
              >
                ×
              </button>
            </div>
            <div className="tl-track" data-scrub="true">
              {span ? (
                <div
                  className="tl-layer-bar"
                  style={{
                    left: pct(span[0], durationFrames),
                    width: `calc(${pct(span[1], durationFrames)} - ${pct(span[0], durationFrames)})`,
                  }}
                />
              ) : null}
            </div>
          </div>
        );
      })}
      {ik.map(([effector, channel]) => {
        const name = jointById(character.skeleton, effector)?.name ?? effector;
        const frames = [...new Set([...channel.target, ...channel.blend].map((k) => k.frame))].sort(
          (a, b) => a - b,
        );
        return (
          <div key={effector} className="tl-row tl-ik" data-testid={`tl-ik-${name}`}>
            <div className="tl-label" title={`IK limb of ${name}: target and FK/IK blend keys`}>
              IK · {name}
            </div>
            <div className="tl-track" data-scrub="true">
              {frames.map((frame) => (
                <span
                  key={frame}
                  className="tl-key tl-ik-key"
                  style={{ left: pct(frame, durationFrames) }}
                  data-testid={`tl-ik-${name}-key-${frame}`}
                />
              ))}
            </div>
          </div>
        );
      })}
    </>
  );
}
