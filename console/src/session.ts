// The console's session: what POST /console/api/sign-in answered — short-lived credentials of the
// signed-in identity, never a password or a long-term key — kept in this tab's sessionStorage only
// (gone when the tab closes, never in localStorage), and ended at the server on sign-out.

interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
}

export interface Session {
  credentials: SessionCredentials;
  identity: { type: "IAMUser" | "Root"; arn: string; accountId: string; userName?: string };
  partition: string;
  homeRegion: string;
}

export type SignInForm =
  | { accountId: string; userName: string; password: string; newPassword?: string }
  | { accountId: string; accessKeyId: string; secretAccessKey: string };

/** A refusal of the sign-in API, with its code (PasswordResetRequired asks for a new password). */
export class SignInError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const KEY = "meridian.console.session";

export function loadSession(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  const session = JSON.parse(raw) as Session;
  if (new Date(session.credentials.expiration).getTime() <= Date.now()) {
    sessionStorage.removeItem(KEY);
    return undefined;
  }
  return session;
}

async function post(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`/console/api/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), credentials: "omit" });
  const json = (await res.json()) as { code?: string; message?: string };
  if (!res.ok) throw new SignInError(json.code ?? "Error", json.message ?? `Sign-in failed (${res.status}).`);
  return json;
}

export async function signIn(form: SignInForm): Promise<Session> {
  const session = (await post("sign-in", form)) as Session;
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

export async function signOut(session: Session): Promise<void> {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(REGION_KEY);
  await post("sign-out", { sessionToken: session.credentials.sessionToken, partition: session.partition });
}

const REGION_KEY = "meridian.console.region";
export const savedRegion = () => sessionStorage.getItem(REGION_KEY) ?? undefined;
export const saveRegion = (region: string) => sessionStorage.setItem(REGION_KEY, region);
