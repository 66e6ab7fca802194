/** Reports progress of long work (downloads, builds, waits); the CLI prints it to stderr. */
export type Progress = (message: string) => void;

/** A Progress that says nothing (library use, tests). */
export const noProgress: Progress = () => {};
