/** Where a command writes its report: process.stdout, or a capturing fake in tests. */
export interface CommandOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}
