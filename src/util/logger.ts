// One-line JSON logs. Callers pass identifiers and outcomes only: never request bodies or values.

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function makeLogger(write: (line: string) => void = (l) => process.stderr.write(l + "\n")): Logger {
  const emit = (level: string, msg: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
  return { info: (m, f) => emit("info", m, f), error: (m, f) => emit("error", m, f) };
}
