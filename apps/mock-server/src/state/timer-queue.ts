/**
 * The mock clock's pending timers as a binary min-heap ordered by (time, insertion order): adding
 * and taking the next timer cost O(log n), so tens of thousands of pending task completions do not
 * slow every createTask down (a sorted array costs O(n) per insertion).
 */

/** One scheduled callback. */
export interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

const before = (a: Timer, b: Timer): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

export class TimerQueue {
  private heap: Timer[] = [];

  get size(): number {
    return this.heap.length;
  }

  /** The earliest timer, without removing it. */
  peek(): Timer | undefined {
    return this.heap[0];
  }

  push(timer: Timer): void {
    const heap = this.heap;
    let index = heap.push(timer) - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = heap[parent] as Timer;
      if (!before(timer, above)) {
        break;
      }
      heap[index] = above;
      index = parent;
    }
    heap[index] = timer;
  }

  /** Removes and returns the earliest timer. */
  pop(): Timer | undefined {
    const heap = this.heap;
    const first = heap[0];
    const last = heap.pop();
    if (first === undefined || last === undefined || heap.length === 0) {
      return first;
    }
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) {
        break;
      }
      const right = left + 1;
      const child = right < heap.length && before(heap[right] as Timer, heap[left] as Timer) ? right : left;
      const below = heap[child] as Timer;
      if (!before(below, last)) {
        break;
      }
      heap[index] = below;
      index = child;
    }
    heap[index] = last;
    return first;
  }

  /** Timers not cancelled. */
  live(): number {
    return this.heap.reduce((count, timer) => count + (timer.cancelled ? 0 : 1), 0);
  }

  clear(): void {
    this.heap = [];
  }
}
