// The Meridian console (issue 16): a React app on Cloudscape, served by `meridian serve` at
// /console/. It is only an API client: sign-in gives it session credentials, and every page calls
// Secrets Manager, KMS and the Account API with the AWS SDK, signed in the browser.

import "@cloudscape-design/global-styles/index.css";
import { createRoot } from "react-dom/client";
import { useEffect, useMemo, useState } from "react";
import AppLayout from "@cloudscape-design/components/app-layout";
import Flashbar from "@cloudscape-design/components/flashbar";
import SideNavigation from "@cloudscape-design/components/side-navigation";
import TopNavigation from "@cloudscape-design/components/top-navigation";
import type { Region } from "@aws-sdk/client-account";
import { FlashProvider, useFlash } from "./flash";
import { loadSession, savedRegion, saveRegion, signOut, type Session } from "./session";
import { makeClients } from "./clients";
import { navigate, useRoute } from "./route";
import { listRegions, statusText, usable } from "./regions";
import { SignInPage } from "./pages/SignInPage";
import { SecretsPage } from "./pages/SecretsPage";
import { StoreSecretPage } from "./pages/StoreSecretPage";
import { SecretPage } from "./secret/SecretPage";
import { KeysPage } from "./pages/KeysPage";
import { RegionsPage } from "./pages/RegionsPage";

function Console({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  const flash = useFlash();
  const route = useRoute();
  const [region, setRegion] = useState(savedRegion() ?? session.homeRegion);
  const [regions, setRegions] = useState<Region[]>([]);
  const clients = useMemo(() => makeClients(session, region), [session, region]);
  const who = session.identity.userName ?? "Root user";

  const refreshRegions = () => listRegions(clients.account).then(setRegions, (e: unknown) => flash.error(e, "Listing Regions failed"));
  useEffect(() => void refreshRegions(), [clients]);

  const chooseRegion = (r: string) => {
    saveRegion(r);
    setRegion(r);
  };

  const page = (() => {
    switch (route.page) {
      case "new-secret":
        return <StoreSecretPage clients={clients} regions={regions} />;
      case "secret":
        return <SecretPage key={`${region}/${route.name}`} clients={clients} name={route.name} regions={regions} />;
      case "keys":
        return <KeysPage clients={clients} />;
      case "regions":
        return <RegionsPage clients={clients} current={region} onChanged={() => void refreshRegions()} />;
      default:
        return <SecretsPage clients={clients} />;
    }
  })();

  return (
    <>
      <div id="top-nav" style={{ position: "sticky", top: 0, zIndex: 1002 }}>
        <TopNavigation
          identity={{ href: "#/secrets", title: "Meridian", onFollow: (e) => { e.preventDefault(); navigate("#/secrets"); } }}
          utilities={[
            {
              type: "menu-dropdown",
              text: region,
              description: "AWS Region",
              ariaLabel: `AWS Region: ${region}`,
              onItemClick: ({ detail }) => (detail.id === "manage" ? navigate("#/regions") : chooseRegion(detail.id)),
              items: [
                ...regions.map((r) => ({
                  id: r.RegionName!,
                  text: r.RegionName!,
                  secondaryText: statusText[r.RegionOptStatus ?? ""] ?? r.RegionOptStatus,
                  disabled: !usable(r),
                  disabledReason: `${r.RegionName} is ${(statusText[r.RegionOptStatus ?? ""] ?? "").toLowerCase()}: enable it on the Regions page`,
                })),
                { id: "manage", text: "Manage Regions" },
              ],
            },
            {
              type: "menu-dropdown",
              text: who,
              description: `${session.identity.arn}`,
              iconName: "user-profile",
              onItemClick: ({ detail }) => {
                if (detail.id !== "signout") return;
                signOut(session).then(onSignedOut, (e: unknown) => {
                  flash.error(e, "Sign-out failed");
                  onSignedOut();
                });
              },
              items: [{ id: "signout", text: "Sign out" }],
            },
          ]}
        />
      </div>
      <AppLayout
        headerSelector="#top-nav"
        toolsHide
        navigation={
          <SideNavigation
            header={{ href: "#/secrets", text: "Meridian" }}
            activeHref={route.page === "keys" ? "#/keys" : route.page === "regions" ? "#/regions" : "#/secrets"}
            items={[
              { type: "link", text: "Secrets", href: "#/secrets" },
              { type: "link", text: "Keys", href: "#/keys" },
              { type: "link", text: "Regions", href: "#/regions" },
            ]}
          />
        }
        notifications={<Flashbar items={flash.items} stackItems={false} />}
        content={page}
        ariaLabels={{ navigation: "Side navigation", navigationClose: "Close side navigation", navigationToggle: "Open side navigation", notifications: "Notifications" }}
      />
    </>
  );
}

function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  if (!session) return <SignInPage onSignedIn={setSession} />;
  return <Console session={session} onSignedOut={() => { setSession(undefined); navigate("#/secrets"); }} />;
}

createRoot(document.getElementById("app")!).render(
  <FlashProvider>
    <App />
  </FlashProvider>,
);
