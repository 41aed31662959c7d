import { type ChangeEvent, type ReactElement, useCallback, useEffect, useState } from 'react';
import type { ActiveModelPack, ModelPackInfo } from '../../core/contract/api.js';
import { useServices } from '../context.js';
import { useRenderSystem } from './useRenderSystem.js';

/**
 * The status bar's model pack choice: "Built-in engine" or a pack of the user's models folder.
 * Invalid packs are listed greyed out with their error as the tooltip; the list is read again
 * each time the menu gets focus (packs dropped into the folder show up without a restart).
 * Choosing one re-renders the frames (the host answers from its cache what it has already).
 */
export function ModelPackMenu(): ReactElement {
  const { api, commands } = useServices();
  const system = useRenderSystem();
  const [packs, setPacks] = useState<readonly ModelPackInfo[]>([]);
  const [active, setActive] = useState<ActiveModelPack | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(() => {
    api.listModelPacks().then(setPacks, () => setPacks([]));
  }, [api]);

  useEffect(() => {
    refresh();
    api.getEngineStatus().then(
      (status) => setActive(status.activePack ?? null),
      () => {},
    );
    // A pack failing while it renders, or another window's choice, arrives as an 'engine' event.
    return system.onJobEvent((event) => {
      if (event.type === 'engine') setActive(event.status.activePack ?? null);
    });
  }, [api, system, refresh]);

  const choose = (e: ChangeEvent<HTMLSelectElement>) => {
    const id = e.target.value === '' ? null : e.target.value;
    setBusy(true);
    api
      .setActiveModelPack(id)
      .then(
        (next) => {
          setActive(next);
          system.scheduler.invalidate();
        },
        (error: unknown) => {
          commands.reportError('Could not use the model pack', error);
          refresh();
        },
      )
      .finally(() => setBusy(false));
  };

  const listed = active && !packs.some((p) => p.id === active.id);
  return (
    <span className="model-pack-menu">
      <select
        aria-label="Model pack"
        data-testid="model-pack-select"
        value={active?.id ?? ''}
        disabled={busy}
        onFocus={refresh}
        onChange={choose}
      >
        <option value="">Built-in engine</option>
        {packs.map((p) => (
          <option
            key={p.id}
            value={p.id}
            disabled={!p.valid}
            title={p.valid ? `${p.name} ${p.version} (licence: ${p.licence})` : p.error}
          >
            {p.name} {p.version}
          </option>
        ))}
        {listed ? (
          <option value={active.id}>
            {active.name} {active.version}
          </option>
        ) : null}
      </select>
      {active?.error ? (
        <span className="engine-error" data-testid="model-pack-error" title={active.error}>
          pack failed
        </span>
      ) : null}
    </span>
  );
}
