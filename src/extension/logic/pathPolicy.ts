import * as path from 'node:path';

/** True when `child` is `parent` or lies below it (after resolving `..`). */
export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(path.resolve(parent), path.resolve(child));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Workspace trust: in an untrusted workspace a path setting may come from the workspace's own
 * settings file, so it is only honoured when it points inside an open workspace folder.
 * Relative settings are resolved against the first workspace folder.
 */
export function resolvePathSetting(
  value: string | undefined,
  workspaceFolders: readonly string[],
  trusted: boolean,
): { path?: string; rejected?: string } {
  const trimmed = value?.trim();
  if (trimmed === undefined || trimmed === '') return {};
  const base = workspaceFolders[0];
  const absolute = path.isAbsolute(trimmed) ? trimmed : base !== undefined ? path.join(base, trimmed) : undefined;
  if (absolute === undefined) return { rejected: `${trimmed}: relative path without an open workspace folder` };
  if (!trusted && !workspaceFolders.some((folder) => isInside(absolute, folder))) {
    return { rejected: `${trimmed}: outside the workspace, ignored while the workspace is untrusted` };
  }
  return { path: path.normalize(absolute) };
}
