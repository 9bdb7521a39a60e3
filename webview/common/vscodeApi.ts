/**
 * The only door to the extension host. Wraps the `acquireVsCodeApi()` global so the rest of the
 * webview sends typed messages and persists typed state.
 */
import type { PersistedInspectorState, WebviewToHostMessage } from '../../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Provided by VS Code (and by the test's stand-in); may be called only once per page. */
declare function acquireVsCodeApi(): VsCodeApi;

export interface HostChannel {
  post(message: WebviewToHostMessage): void;
  /** Whatever was saved last time, unchecked: callers validate it. */
  loadState(): unknown;
  saveState(state: PersistedInspectorState): void;
}

export function connectToHost(): HostChannel {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    loadState: () => api.getState(),
    saveState: (state) => api.setState(state),
  };
}
