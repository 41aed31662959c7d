import { useStore } from 'zustand';
import { useServices } from '../context.js';
import { type FitToolsState, fitToolsFor } from './fitTools.js';
import { type ImportFlow, type ImportState, importFlowFor } from './importFlow.js';

export function useImportFlow(): ImportFlow {
  const { editor, api } = useServices();
  return importFlowFor(editor, api);
}

export function useImportState<T>(selector: (state: ImportState) => T): T {
  return useStore(useImportFlow().store, selector);
}

export function useFitTools<T>(selector: (state: FitToolsState) => T): T {
  return useStore(fitToolsFor(useServices().editor), selector);
}
