/**
 * One buffer handed out for read after read, replaced only by a larger one when a file needs it.
 * Reading a file into freshly allocated memory pays a page fault per 4 KiB page on top of the copy:
 * 8 ms for a 16 MB soft .npy, against 2.5 ms into memory the process already touched, a tenth of a
 * soft evaluation. What a read returned is overwritten by the next read, and a soft prediction's
 * scores are a view of those bytes (readNpy does not copy them), so a ReusableBuffer belongs to a loop
 * that is done with one pair before it reads the next: a worker thread, or the in-process loop.
 */
export class ReusableBuffer {
  private buffer: Buffer | undefined;

  /** `size` bytes, contents undefined; valid until the next call. */
  take(size: number): Buffer {
    if (!this.buffer || this.buffer.length < size) {
      this.buffer = undefined; // the old one can go before the new one is allocated
      this.buffer = Buffer.allocUnsafe(size);
    }
    return this.buffer.subarray(0, size);
  }
}

/**
 * What reading one file of a pair reuses: its bytes, and the inflated image data that an 8-bit PNG's
 * class ids are decoded into in place (pngIndexDecode). Both are overwritten by the next file of
 * the same role.
 */
export class FileBuffers {
  readonly bytes = new ReusableBuffer();
  readonly pixels = new ReusableBuffer();
}

/** The buffers of a loop that evaluates one pair at a time: a label's and a prediction's, both alive together. */
export class PairBuffers {
  readonly label = new FileBuffers();
  readonly prediction = new FileBuffers();
}
