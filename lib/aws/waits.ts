// Apart from clients.ts so that the CLI can set it without loading the AWS SDK.
let waitingLine: ((line: string) => void) | undefined;

/**
 * Where to say that an AWS request failed for a moment and the SDK will ask again (the CLI
 * passes a writer only when stderr is a terminal); undefined says nothing. Applies to the
 * clients made after it.
 */
export function reportAwsWaits(write: ((line: string) => void) | undefined): void {
  waitingLine = write;
}

export const awsWaitingLine = (): ((line: string) => void) | undefined => waitingLine;
