/**
 * The web components we use from @vscode-elements/elements (the maintained successor of the
 * deprecated webview-ui-toolkit). Imported per component so the bundle only carries these two;
 * esbuild inlines them (and lit) into dist/inspector.js and dist/dataset.js, so nothing is fetched at run time.
 * There is no slider component, so opacity uses a native range input styled in inspector.css.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';

/** The parts of <vscode-checkbox> we rely on (kept structural so we do not depend on its class). */
export interface CheckboxElement extends HTMLElement {
  checked: boolean;
  disabled: boolean;
  label: string;
}

export interface ButtonElement extends HTMLElement {
  secondary: boolean;
  disabled: boolean;
}

export function createCheckbox(label: string, checked: boolean): CheckboxElement {
  const checkbox = document.createElement('vscode-checkbox') as CheckboxElement;
  checkbox.label = label;
  checkbox.checked = checked;
  return checkbox;
}

export function createButton(text: string, options: { secondary?: boolean; title?: string } = {}): ButtonElement {
  const button = document.createElement('vscode-button') as ButtonElement;
  button.textContent = text;
  button.secondary = options.secondary ?? false;
  if (options.title !== undefined) {
    button.title = options.title;
  }
  return button;
}
