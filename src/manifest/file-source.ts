/**
 * The validator's only way to the files topics.yaml points at (schema files, `passwordFrom: file:`):
 * a port, so validation is pure under test. readManifest binds it to the disk.
 */
export interface FileSource {
  /** The file's text, or undefined when it cannot be read. */
  readText(path: string): string | undefined;
  exists(path: string): boolean;
  /** File names in a directory (an Avro schema's named types are looked up in the .avsc files beside it); undefined when it cannot be read. */
  list?(dir: string): string[] | undefined;
}

/** Files held in memory, keyed by absolute path (tests, and tools that validate generated text). */
export function inMemoryFiles(files: Record<string, string>): FileSource {
  return {
    readText: (path) => (Object.hasOwn(files, path) ? files[path] : undefined),
    exists: (path) => Object.hasOwn(files, path),
    list: (dir) => Object.keys(files).flatMap((p) => (p.startsWith(`${dir}/`) && !p.slice(dir.length + 1).includes('/') ? [p.slice(dir.length + 1)] : [])),
  };
}
