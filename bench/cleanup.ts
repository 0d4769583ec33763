// What must not outlive the benchmark (code-server process groups, the browser, temporary folders):
// registered here, released on a normal end and on Ctrl-C alike.
const tasks = new Set<() => Promise<void> | void>();

/** Registers a release; call the returned function once the resource is released normally. */
export function onCleanup(task: () => Promise<void> | void): () => void {
  tasks.add(task);
  return () => tasks.delete(task);
}

export async function cleanupAll(): Promise<void> {
  const pending = [...tasks].reverse();
  tasks.clear();
  for (const task of pending) {
    try {
      await task();
    } catch {
      // keep releasing the rest
    }
  }
}
