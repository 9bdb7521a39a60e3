/**
 * Lets the host of a run hold back the jobs not yet handed out, for a while: the extension does while
 * the user acts (sorts, opens an image), so that the cores go to the editor rather than to the engine.
 * Workers finish the jobs they already hold; nothing is dropped, the run only pauses.
 */
export interface JobGate {
  /** Whether new jobs may be handed out now. */
  readonly isOpen: boolean;
  /** Calls `listener` each time the gate opens again; the returned function stops that. */
  onOpen(listener: () => void): () => void;
}
