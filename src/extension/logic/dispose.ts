/**
 * The one disposal pattern of the extension (after vscode-hexeditor's `src/dispose.ts`): every
 * long-lived object extends `Disposable` and hands what it owns to `register()`, so its `dispose()`
 * is written once, here. No VS Code import: `vscode.Disposable` has exactly this shape.
 */

export interface IDisposable {
  dispose(): void;
}

/** A disposable that runs `dispose` once, for things that are not disposables themselves (timers, listeners). */
export function toDisposable(dispose: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      dispose();
    },
  };
}

/**
 * Disposes every item, last registered first, and empties the list. One failing item does not keep
 * the others alive: the first error is rethrown after all ran.
 */
export function disposeAll(disposables: IDisposable[]): void {
  const errors: unknown[] = [];
  for (let item = disposables.pop(); item !== undefined; item = disposables.pop()) {
    try {
      item.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
}

/** A group of disposables that can be emptied and reused, e.g. what belongs to one webview panel. */
export class DisposableStore implements IDisposable {
  private readonly items: IDisposable[] = [];
  private disposed = false;

  /** Keeps `value` until `clear()` or `dispose()`; disposed at once when the store already is. */
  add<T extends IDisposable>(value: T): T {
    if (this.disposed) value.dispose();
    else this.items.push(value);
    return value;
  }

  /** Disposes what the store holds; the store stays usable. */
  clear(): void {
    disposeAll(this.items);
  }

  dispose(): void {
    this.disposed = true;
    this.clear();
  }
}

export abstract class Disposable implements IDisposable {
  private readonly owned = new DisposableStore();
  private disposed = false;

  /** Ties `value`'s lifetime to this object; returns it, so fields read `private readonly x = this.register(…)`. */
  protected register<T extends IDisposable>(value: T): T {
    return this.owned.add(value);
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.owned.dispose();
  }
}
