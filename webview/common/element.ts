/** Creates an element with an optional class and text: DOM APIs only, so user data never becomes markup. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A plain button (keyboard-reachable, themed in CSS) with its text and, if given, a tooltip. */
export function button(className: string, text: string, title?: string): HTMLButtonElement {
  const node = element('button', className, text);
  node.type = 'button';
  if (title !== undefined) node.title = title;
  return node;
}
