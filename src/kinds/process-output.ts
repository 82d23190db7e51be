// A child's output stream cut into lines as it arrives (the last line may lack its newline),
// and a bounded tail of what it printed, for the result and for error messages.
import { StringDecoder } from 'node:string_decoder';

/** A line longer than this is emitted in pieces, so one endless line cannot hold memory. */
export const MAX_LINE_CHARS = 16 * 1024;

/** Calls `onLine` for each complete line of the chunks it is fed; `end()` emits a last partial line. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.pending += this.decoder.write(chunk);
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) !== -1) {
      this.emit(this.pending.slice(0, newline));
      this.pending = this.pending.slice(newline + 1);
    }
    while (this.pending.length > MAX_LINE_CHARS) {
      this.onLine(this.pending.slice(0, MAX_LINE_CHARS));
      this.pending = this.pending.slice(MAX_LINE_CHARS);
    }
  }

  end(): void {
    this.pending += this.decoder.end();
    if (this.pending.length > 0) this.emit(this.pending);
    this.pending = '';
  }

  private emit(line: string): void {
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}

/** The last `maxBytes` of a stream (cut at a character boundary), kept without holding the whole stream. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.chunks.length > 1 && this.size - this.chunks[0].length >= this.maxBytes) {
      this.size -= this.chunks.shift()!.length;
    }
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    let start = Math.max(0, all.length - this.maxBytes);
    // Skip UTF-8 continuation bytes so the tail starts on a whole character.
    while (start < all.length && (all[start] & 0xc0) === 0x80) start++;
    return all.subarray(start).toString('utf8');
  }

  /** The last `count` lines, for an error message. */
  lastLines(count: number): string[] {
    const lines = this.text().replace(/\n$/, '').split('\n');
    return lines.slice(-count).filter((line, i, all) => line.length > 0 || all.length > 1);
  }
}
