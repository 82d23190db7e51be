// Streamed tokens become log lines, not one line per token: text is written a line at a time
// as newlines arrive, and a long run of text without one is written every `maxChars`.
import type { KindContext } from './types.js';

export class TokenLog {
  private pending = '';

  constructor(
    private readonly ctx: KindContext,
    private readonly maxChars = 400,
  ) {}

  write(text: string): void {
    this.pending += text;
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) >= 0) {
      this.emit(this.pending.slice(0, newline));
      this.pending = this.pending.slice(newline + 1);
    }
    while (this.pending.length >= this.maxChars) {
      this.emit(this.pending.slice(0, this.maxChars));
      this.pending = this.pending.slice(this.maxChars);
    }
  }

  end(): void {
    if (this.pending) this.emit(this.pending);
    this.pending = '';
  }

  private emit(line: string): void {
    this.ctx.log('info', line);
    this.ctx.heartbeat();
  }
}
