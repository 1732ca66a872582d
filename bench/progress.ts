/**
 * A one-line progress bar on stderr, redrawn in place on a terminal. Without a terminal
 * (CI logs) it prints a line at every tenth of the way instead, so logs stay short.
 */
export class ProgressBar {
  private lastDraw = 0;
  private lastTenth = -1;
  private readonly started = Date.now();
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly width = 28,
  ) {}

  update(done: number, detail = ''): void {
    const now = Date.now();
    const tenth = Math.floor((done / Math.max(1, this.total)) * 10);
    if (this.tty) {
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      process.stderr.write(`\r${this.line(done, detail)}\x1b[K`);
    } else if (tenth !== this.lastTenth) {
      this.lastTenth = tenth;
      process.stderr.write(`${this.line(done, detail)}\n`);
    }
  }

  finish(done: number, detail = ''): void {
    if (this.tty) process.stderr.write(`\r${this.line(done, detail)}\x1b[K\n`);
    else process.stderr.write(`${this.line(done, detail)} (done)\n`);
  }

  private line(done: number, detail: string): string {
    const share = Math.min(1, done / Math.max(1, this.total));
    const filled = Math.round(share * this.width);
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    return `  ${this.label.padEnd(11)} [${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}] ${String(done).padStart(String(this.total).length)}/${this.total}  ${seconds} s${detail ? `  ${detail}` : ''}`;
  }
}
