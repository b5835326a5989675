/**
 * What `lab` prints when a command is interrupted (Ctrl-C / SIGTERM). `bin/lab.js` runs the CLI
 * as its child; the command registers its note here (over the IPC channel bin/lab.js opens), and
 * bin/lab.js prints it after the child died of the signal, then exits 130.
 */
export function interruptNote(note: string): void {
  if (typeof process.send === 'function' && process.connected) process.send({ interruptNote: note });
}
