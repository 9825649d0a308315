/**
 * A bounded async queue between the photo readers and the encoder: readers wait when it is full
 * (backpressure keeps at most `capacity` decoded tensors in memory), the consumer waits when empty.
 */
export class Channel<T> {
  private readonly items: T[] = [];
  private readonly waitingPut: Array<() => void> = [];
  private waitingTake: ((value: T | undefined) => void) | undefined;
  private closed = false;

  constructor(private readonly capacity: number) {}

  async put(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.closed) {
      await new Promise<void>((resolve) => this.waitingPut.push(resolve));
    }
    const taker = this.waitingTake;
    if (taker) {
      this.waitingTake = undefined;
      taker(item);
    } else {
      this.items.push(item);
    }
  }

  /** The next item, or undefined once the channel is closed and drained. */
  async take(): Promise<T | undefined> {
    if (this.items.length > 0) {
      const item = this.items.shift() as T;
      this.waitingPut.shift()?.();
      return item;
    }
    if (this.closed) return undefined;
    return new Promise((resolve) => {
      this.waitingTake = resolve;
    });
  }

  /** Items available right now without waiting. */
  get size(): number {
    return this.items.length;
  }

  close(): void {
    this.closed = true;
    this.waitingTake?.(undefined);
    this.waitingTake = undefined;
    for (const wake of this.waitingPut.splice(0)) wake();
  }
}
