/**
 * Boundary IoU's WebAssembly kernels (wasm/boundaryKernels.ts, bytes in boundaryKernelsBinary.ts) and the
 * memory they work in: one instance and one memory per thread, made on first use, reused pair to pair
 * like the other module-level scratch buffers. Compiled wasm code is shared by the threads of a process
 * and, unlike the JS it replaced, is not recompiled by each worker as its type feedback settles.
 *
 * Lifetime: a call lays out its inputs in the memory from address 0 (Layout), runs the kernels and copies
 * what it returns into fresh JS arrays before returning. Nothing handed to callers views wasm memory, so
 * a later call, which overwrites the memory and may grow it (detaching every view of the old buffer),
 * changes nothing already returned. Views of `memoryOf(...)` are valid until the next memoryOf call.
 */
import { BOUNDARY_KERNELS_WASM } from './boundaryKernelsBinary';

/** The kernels' exports; addresses are byte offsets into the memory, ids and counts are i32. */
export interface BoundaryKernels {
  /** Runs of 8-, 16- or 32-bit ids (wasm/boundaryKernels.ts, runsOf); return the number of runs. */
  readonly runs8: RunsKernel;
  readonly runs16: RunsKernel;
  readonly runs32: RunsKernel;
  /** 32-bit words per bit row (a multiple of four). */
  readonly strideWords: (width: number) => number;
  readonly interior: (
    rowStart: number,
    start: number,
    id: number,
    repeats: number,
    width: number,
    height: number,
    distance: number,
    out: number,
    scratch: number,
  ) => void;
  readonly counts: (
    labelRowStart: number,
    labelStart: number,
    labelId: number,
    labelInterior: number,
    predictedRowStart: number,
    predictedStart: number,
    predictedId: number,
    predictedInterior: number,
    width: number,
    height: number,
    numClasses: number,
    ignoreIndex: number,
    intersection: number,
    union: number,
  ) => void;
}

type RunsKernel = (
  ids: number,
  width: number,
  height: number,
  rowStart: number,
  start: number,
  id: number,
  repeats: number,
) => number;

const KERNEL_NAMES = ['runs8', 'runs16', 'runs32', 'strideWords', 'interior', 'counts'] as const;

const PAGE = 65536;

let loaded: { kernels: BoundaryKernels; memory: WebAssembly.Memory } | undefined;

function load(): { kernels: BoundaryKernels; memory: WebAssembly.Memory } {
  if (loaded) return loaded;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const module = new WebAssembly.Module(Buffer.from(BOUNDARY_KERNELS_WASM, 'base64'));
  const { exports } = new WebAssembly.Instance(module, { env: { memory } });
  for (const name of KERNEL_NAMES) {
    if (typeof exports[name] !== 'function') throw new Error(`boundary kernels: the module exports no ${name}`);
  }
  loaded = { kernels: exports as unknown as BoundaryKernels, memory };
  return loaded;
}

export function boundaryKernels(): BoundaryKernels {
  return load().kernels;
}

/** The memory's buffer, grown to at least `bytes` first: views taken before this call may be detached. */
export function memoryOf(bytes: number): ArrayBuffer {
  const { memory } = load();
  const missing = bytes - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
  return memory.buffer;
}

/** Addresses for one call's data, from 0, each 16-byte aligned (v128 loads; typed-array views). */
export class Layout {
  end = 0;

  take(bytes: number): number {
    const at = this.end;
    this.end = at + Math.ceil(bytes / 16) * 16;
    return at;
  }
}
