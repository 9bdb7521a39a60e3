/**
 * The part of the WebAssembly JS API the engine uses (boundaryWasm.ts). Node has it as a global, but the
 * host projects compile without the DOM library, which is where TypeScript declares it.
 */
declare namespace WebAssembly {
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  type ExportValue = ((...args: number[]) => number | undefined) | Memory | object;
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, Memory>>);
    readonly exports: Record<string, ExportValue>;
  }
}
