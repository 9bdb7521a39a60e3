/**
 * Boundary IoU's WebAssembly kernels (wasm/boundaryKernels.ts, bytes in boundaryKernelsBinary.ts) and the
 * memory they work in: one instance and one memory per thread, made on first use, reused pair to pair
 * like the other module-level scratch buffers. Compiled wasm code is shared by the threads of a process
 * and, unlike the JS it replaced, is not recompiled by each worker as its type feedback settles.
 *
 * Lifetime: a call lays out its inputs in the memory from address 0 (Layout), takes the kernels and the
 * memory together (kernelsWith), runs the kernels and copies what it returns into fresh JS arrays before
 * returning. Nothing handed to callers views wasm memory, so a later call, which overwrites the memory or
 * replaces it, changes nothing already returned.
 *
 * The memory is never grown: a call that needs more gets a new memory and a new instance of the same
 * module. `memory.grow` detaches the old buffer, and the first ArrayBuffer detached in a thread makes V8
 * add a detached-buffer check to every typed-array access its optimised code makes from then on: the
 * soft path's per-pixel loop (softPlanes.ts) ran 20-25% slower after the kernels' memory had grown once.
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

/** The kernels of one instance and the buffer of the memory it works in. */
export interface KernelsAndMemory {
  readonly kernels: BoundaryKernels;
  readonly buffer: ArrayBuffer;
}

let compiled: WebAssembly.Module | undefined;
let current: KernelsAndMemory | undefined;

function instantiate(pages: number): KernelsAndMemory {
  compiled ??= new WebAssembly.Module(Buffer.from(BOUNDARY_KERNELS_WASM, 'base64'));
  const memory = new WebAssembly.Memory({ initial: pages });
  const { exports } = new WebAssembly.Instance(compiled, { env: { memory } });
  for (const name of KERNEL_NAMES) {
    if (typeof exports[name] !== 'function') throw new Error(`boundary kernels: the module exports no ${name}`);
  }
  return { kernels: exports as unknown as BoundaryKernels, buffer: memory.buffer };
}

/**
 * The kernels, with a memory of at least `bytes`: the one of the last call when it is large enough, else a
 * new one, twice as large at least so that images of growing sizes replace it only a few times. Take the
 * kernels and the buffer from the same call: a replaced instance works in its own, older memory.
 */
export function kernelsWith(bytes: number): KernelsAndMemory {
  if (current === undefined || current.buffer.byteLength < bytes) {
    const held = current?.buffer.byteLength ?? 0;
    current = undefined; // the old memory can go before the new one is made
    current = instantiate(Math.max(1, Math.ceil(Math.max(bytes, 2 * held) / PAGE)));
  }
  return current;
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
