/**
 * What the webview tests need to look at a page as VS Code shows it: the theme variables VS Code sets
 * on the page's <html> for its light, dark and high-contrast themes (values of Light Modern, Dark
 * Modern and High Contrast), and axe-core run inside the page for accessibility violations.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export type ThemeName = 'light' | 'dark' | 'high-contrast';

export const THEME_NAMES: readonly ThemeName[] = ['light', 'dark', 'high-contrast'];

/** The font variables VS Code sets whatever the theme (the workbench's defaults on Linux). */
const FONT = { 'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif', 'font-size': '13px' };

const THEMES: Record<ThemeName, { bodyClass: string; variables: Record<string, string> }> = {
  light: {
    bodyClass: 'vscode-light',
    variables: {
      ...FONT,
      'editor-background': '#ffffff',
      foreground: '#3b3b3b',
      descriptionForeground: '#6f6f6f',
      errorForeground: '#c4314b',
      'textLink-foreground': '#005fb8',
      focusBorder: '#005fb8',
      'charts-blue': '#1a85ff',
      'charts-red': '#e51400',
      'button-secondaryBackground': '#e5e5e5',
      'button-secondaryForeground': '#3b3b3b',
      'dropdown-background': '#ffffff',
      'dropdown-foreground': '#3b3b3b',
      'dropdown-border': '#cecece',
      'panel-border': '#e5e5e5',
      'list-hoverBackground': '#f2f2f2',
      'button-background': '#005fb8',
      'button-foreground': '#ffffff',
      'editorWidget-background': '#f8f8f8',
      'editorWidget-border': '#c8c8c8',
      'list-inactiveSelectionBackground': '#e4e6f1',
      'testing-iconPassed': '#387f39',
      'charts-green': '#388a34',
      'settings-checkboxBackground': '#f8f8f8',
      'settings-checkboxBorder': '#cecece',
      'settings-checkboxForeground': '#3b3b3b',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    variables: {
      ...FONT,
      'editor-background': '#1f1f1f',
      foreground: '#cccccc',
      descriptionForeground: '#9d9d9d',
      errorForeground: '#f85149',
      'textLink-foreground': '#4daafc',
      focusBorder: '#0078d4',
      'charts-blue': '#3794ff',
      'charts-red': '#f14c4c',
      'button-secondaryBackground': '#313131',
      'button-secondaryForeground': '#cccccc',
      'dropdown-background': '#313131',
      'dropdown-foreground': '#cccccc',
      'dropdown-border': '#3c3c3c',
      'panel-border': '#2b2b2b',
      'list-hoverBackground': '#2a2d2e',
      'button-background': '#0078d4',
      'button-foreground': '#ffffff',
      'editorWidget-background': '#202020',
      'editorWidget-border': '#454545',
      'list-inactiveSelectionBackground': '#37373d',
      'testing-iconPassed': '#73c991',
      'charts-green': '#89d185',
      'settings-checkboxBackground': '#2b2b2b',
      'settings-checkboxBorder': '#3c3c3c',
      'settings-checkboxForeground': '#cccccc',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    variables: {
      ...FONT,
      'editor-background': '#000000',
      foreground: '#ffffff',
      descriptionForeground: '#ffffff',
      errorForeground: '#f48771',
      'textLink-foreground': '#21a6ff',
      focusBorder: '#f38518',
      contrastBorder: '#6fc3df',
      'charts-blue': '#3794ff',
      'charts-red': '#f14c4c',
      'button-secondaryBackground': '#000000',
      'button-secondaryForeground': '#ffffff',
      'button-border': '#6fc3df',
      'dropdown-background': '#000000',
      'dropdown-foreground': '#ffffff',
      'dropdown-border': '#6fc3df',
      'panel-border': '#6fc3df',
      'list-hoverBackground': '#000000',
      contrastActiveBorder: '#f38518',
      'button-background': '#000000',
      'button-foreground': '#ffffff',
      'editorWidget-background': '#0c141f',
      'editorWidget-border': '#6fc3df',
      'list-inactiveSelectionBackground': '#000000',
      'testing-iconPassed': '#73c991',
      'charts-green': '#89d185',
      'settings-checkboxBackground': '#000000',
      'settings-checkboxBorder': '#6fc3df',
      'settings-checkboxForeground': '#ffffff',
    },
  },
};

/**
 * Sets a theme's variables on <html> and its class on <body>, as VS Code does, through the CSSOM
 * (the page's CSP forbids inline style markup, not style properties set by script).
 */
export async function applyTheme(page: Page, theme: ThemeName): Promise<void> {
  const { bodyClass, variables } = THEMES[theme];
  await page.evaluate(
    ({ bodyClass, variables }) => {
      for (const [name, value] of Object.entries(variables))
        document.documentElement.style.setProperty(`--vscode-${name}`, value);
      document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
      document.body.classList.add(bodyClass);
    },
    { bodyClass, variables },
  );
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

const AXE_PATH = join(__dirname, '..', '..', '..', 'node_modules', 'axe-core', 'axe.min.js');

/**
 * Runs axe-core in the page (injected as a script through the test's own channel, not the page's
 * CSP) and returns the violations of the given impacts.
 */
export async function axeViolations(
  page: Page,
  impacts: readonly string[] = ['serious', 'critical'],
): Promise<AxeViolation[]> {
  await page.evaluate(readFileSync(AXE_PATH, 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations as {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: string[] }[];
    }[];
  });
  return violations
    .filter((violation) => violation.impact !== null && impacts.includes(violation.impact))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
}
