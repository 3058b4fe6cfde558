// The console's pages by URL hash (#/secrets, #/secrets/<name>, #/keys, #/regions): the server
// serves one page for every path, and a hash keeps links and the back button working offline.

import { useEffect, useState } from "react";

export type Route =
  | { page: "secrets" }
  | { page: "new-secret" }
  | { page: "secret"; name: string }
  | { page: "keys" }
  | { page: "regions" };

function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "");
  if (path === "/secrets/new") return { page: "new-secret" };
  const secret = /^\/secrets\/(.+)$/.exec(path);
  if (secret) return { page: "secret", name: decodeURIComponent(secret[1]!) };
  if (path === "/keys") return { page: "keys" };
  if (path === "/regions") return { page: "regions" };
  return { page: "secrets" };
}

export const secretHref = (name: string) => `#/secrets/${encodeURIComponent(name)}`;

export function navigate(href: string): void {
  window.location.hash = href.replace(/^#/, "");
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
