// Runs a step per node of a dependency graph, each once all it depends on finished, independent
// ones concurrently. After the first failure no new step starts; those running finish. Resolves to
// the ids that finished and the first failure, if any.

export async function runGraph(
  graph: ReadonlyMap<string, ReadonlySet<string>>,
  step: (id: string) => Promise<void>,
): Promise<{ done: string[]; failure?: { id: string; error: unknown } }> {
  const done: string[] = [];
  const started = new Set<string>();
  let failure: { id: string; error: unknown } | undefined;
  return new Promise((resolve) => {
    let running = 0;
    const pump = () => {
      if (!failure) {
        for (const [id, deps] of graph) {
          if (started.has(id) || ![...deps].every((d) => done.includes(d))) continue;
          started.add(id);
          running++;
          step(id).then(
            () => done.push(id),
            (error: unknown) => (failure ??= { id, error }),
          ).finally(() => {
            running--;
            pump();
          });
        }
      }
      if (running === 0) resolve({ done, ...(failure ? { failure } : {}) });
    };
    pump();
  });
}

/** The graph with every edge turned around: to delete, dependents go first. */
export function reversed(graph: ReadonlyMap<string, ReadonlySet<string>>, ids: Iterable<string>): Map<string, Set<string>> {
  const keep = new Set(ids);
  const out = new Map<string, Set<string>>([...keep].map((id) => [id, new Set<string>()]));
  for (const [id, deps] of graph) for (const d of deps) if (keep.has(id) && keep.has(d)) out.get(d)!.add(id);
  return out;
}
