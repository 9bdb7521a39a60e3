/**
 * VS Code's three theme kinds as a webview sees them: a body class and the `--vscode-*` variables the
 * workbench injects. The values are those of the default themes (Light+, Dark+, High Contrast Dark)
 * for the variables our stylesheets read; a page under test gets them with `applyTheme`, and axe-core
 * (`runAxe`) then checks contrast and names against what the user would see.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export type ThemeKind = 'light' | 'dark' | 'high-contrast';
export const THEME_KINDS: readonly ThemeKind[] = ['light', 'dark', 'high-contrast'];

const COMMON = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
};

export const THEME_VARIABLES: Readonly<Record<ThemeKind, Readonly<Record<string, string>>>> = {
  light: {
    ...COMMON,
    '--vscode-editor-background': '#ffffff',
    '--vscode-foreground': '#616161',
    '--vscode-descriptionForeground': '#717171',
    '--vscode-errorForeground': '#a1260d',
    '--vscode-focusBorder': '#0090f1',
    '--vscode-contrastActiveBorder': 'transparent',
    '--vscode-dropdown-background': '#ffffff',
    '--vscode-dropdown-foreground': '#616161',
    '--vscode-dropdown-border': '#cecece',
    '--vscode-list-hoverBackground': '#e8e8e8',
    '--vscode-list-inactiveSelectionBackground': '#e4e6f1',
    '--vscode-editorWidget-background': '#f3f3f3',
    '--vscode-editorWidget-border': '#c8c8c8',
    '--vscode-panel-border': '#80808059',
    '--vscode-button-background': '#007acc',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#5f6a79',
    '--vscode-button-secondaryForeground': '#ffffff',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-red': '#e51400',
    '--vscode-charts-green': '#388a34',
    '--vscode-charts-yellow': '#bf8803',
    '--vscode-charts-orange': '#d18616',
  },
  dark: {
    ...COMMON,
    '--vscode-editor-background': '#1e1e1e',
    '--vscode-foreground': '#cccccc',
    '--vscode-descriptionForeground': '#ccccccb3',
    '--vscode-errorForeground': '#f48771',
    '--vscode-focusBorder': '#007fd4',
    '--vscode-contrastActiveBorder': 'transparent',
    '--vscode-dropdown-background': '#3c3c3c',
    '--vscode-dropdown-foreground': '#f0f0f0',
    '--vscode-dropdown-border': '#3c3c3c',
    '--vscode-list-hoverBackground': '#2a2d2e',
    '--vscode-list-inactiveSelectionBackground': '#37373d',
    '--vscode-editorWidget-background': '#252526',
    '--vscode-editorWidget-border': '#454545',
    '--vscode-panel-border': '#80808059',
    '--vscode-button-background': '#0e639c',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#3a3d41',
    '--vscode-button-secondaryForeground': '#ffffff',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-yellow': '#cca700',
    '--vscode-charts-orange': '#d18616',
  },
  'high-contrast': {
    ...COMMON,
    '--vscode-editor-background': '#000000',
    '--vscode-foreground': '#ffffff',
    '--vscode-descriptionForeground': '#ffffff',
    '--vscode-errorForeground': '#f48771',
    '--vscode-focusBorder': '#f38518',
    '--vscode-contrastActiveBorder': '#f38518',
    '--vscode-dropdown-background': '#000000',
    '--vscode-dropdown-foreground': '#ffffff',
    '--vscode-dropdown-border': '#6fc3df',
    '--vscode-list-hoverBackground': '#000000',
    '--vscode-list-inactiveSelectionBackground': '#000000',
    '--vscode-editorWidget-background': '#0c141f',
    '--vscode-editorWidget-border': '#6fc3df',
    '--vscode-panel-border': '#6fc3df',
    '--vscode-button-background': '#000000',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#000000',
    '--vscode-button-secondaryForeground': '#ffffff',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-yellow': '#ffd700',
    '--vscode-charts-orange': '#ff8c00',
  },
};

const BODY_CLASS: Readonly<Record<ThemeKind, string>> = {
  light: 'vscode-light',
  dark: 'vscode-dark',
  'high-contrast': 'vscode-high-contrast',
};

/** Sets the theme's body class and variables on the page, as VS Code does on a theme change. */
export async function applyTheme(page: Page, kind: ThemeKind): Promise<void> {
  await page.evaluate(
    ({ variables, bodyClass }) => {
      document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
      document.body.classList.add(bodyClass);
      const style = document.documentElement.style;
      for (const [name, value] of Object.entries(variables)) style.setProperty(name, value);
    },
    { variables: THEME_VARIABLES[kind], bodyClass: BODY_CLASS[kind] },
  );
}

const AXE_SOURCE = join(__dirname, '..', '..', '..', 'node_modules', 'axe-core', 'axe.min.js');

/**
 * Runs axe-core on the page and returns its serious and critical violations as readable lines. axe
 * is evaluated through the DevTools protocol, which the page's CSP does not govern, so the page keeps
 * its real policy.
 */
export async function runAxe(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(readFileSync(AXE_SOURCE, 'utf8'));
  return page.evaluate(async () => {
    interface AxeResult {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
    }
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<AxeResult> } }).axe;
    const result = await axe.run(document);
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map(
        (violation) =>
          `${violation.impact ?? ''} ${violation.id}: ${violation.help} (${violation.nodes
            .slice(0, 3)
            .map((node) => JSON.stringify(node.target))
            .join(', ')})`,
      );
  });
}
