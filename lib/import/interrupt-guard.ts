import { AscKeysError, type ErrorCatalogue } from '../errors.js';

export const INTERRUPT_ERRORS = {
  INTERRUPTED: { exitCode: 130, nextStep: 'run the same command again when ready' },
} as const satisfies ErrorCatalogue<string>;

/** Thrown between steps once Ctrl-C was pressed while something had been written. */
export class Interrupted extends AscKeysError<keyof typeof INTERRUPT_ERRORS> {
  constructor() {
    super(INTERRUPT_ERRORS, 'INTERRUPTED', 'interrupted');
    this.name = 'Interrupted';
  }
}

/**
 * Ctrl-C (SIGINT, or SIGTERM) during an import. Before anything is written, it stops at once:
 * there is nothing to undo. Once the import writes (temporary record, secret), the current AWS
 * call is let finish, so that its outcome is known, and the pipeline then undoes what it wrote
 * before exiting; further signals wait for that.
 */
export class InterruptGuard {
  private writing = false;
  private interrupted = false;
  private readonly onSignal = (): void => {
    if (!this.writing) {
      process.stderr.write('\nasc-keys: interrupted; nothing was stored and no record was written\n');
      process.exit(130);
    }
    if (!this.interrupted)
      process.stderr.write(
        '\nasc-keys: interrupted; finishing the current step, then undoing what was stored\n',
      );
    this.interrupted = true;
  };

  constructor(private readonly signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']) {
    for (const s of this.signals) process.on(s, this.onSignal);
  }

  /** From here on a signal undoes rather than exits. */
  startWriting(): void {
    this.writing = true;
  }

  /** Throws when a signal came since the last step. */
  check(): void {
    if (this.interrupted) throw new Interrupted();
  }

  get wasInterrupted(): boolean {
    return this.interrupted;
  }

  dispose(): void {
    for (const s of this.signals) process.off(s, this.onSignal);
  }
}
