// One secret's page: Overview (with "Retrieve secret value"), Rotation, Versions, Replication and
// Resource permissions tabs, and deletion or its cancellation. While a replica is InProgress the
// page asks DescribeSecret again every two seconds, so its status moves without a reload.

import { useState } from "react";
import Alert from "@cloudscape-design/components/alert";
import Button from "@cloudscape-design/components/button";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Header from "@cloudscape-design/components/header";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Spinner from "@cloudscape-design/components/spinner";
import Tabs from "@cloudscape-design/components/tabs";
import type { Region } from "@aws-sdk/client-account";
import { DescribeSecretCommand, RestoreSecretCommand, type DescribeSecretResponse } from "@aws-sdk/client-secrets-manager";
import type { Clients } from "../clients";
import { useFlash } from "../flash";
import { useLoad } from "../use-load";
import { dateTime } from "../format";
import { OverviewTab } from "./OverviewTab";
import { VersionsTab } from "./VersionsTab";
import { ReplicationTab } from "./ReplicationTab";
import { RotationTab } from "./RotationTab";
import { PermissionsTab } from "./PermissionsTab";
import { DeleteSecretModal } from "./DeleteSecretModal";

const isReplica = (s: DescribeSecretResponse, region: string) => s.PrimaryRegion !== undefined && s.PrimaryRegion !== region;

export function SecretPage({ clients, name, regions }: { clients: Clients; name: string; regions: Region[] }) {
  const flash = useFlash();
  const [tab, setTab] = useState("overview");
  const [deleting, setDeleting] = useState(false);
  const secret = useLoad(() => clients.secrets.send(new DescribeSecretCommand({ SecretId: name })), [clients, name], `Loading ${name} failed`, {
    ms: 2000,
    while: (s) => (s.ReplicationStatus ?? []).some((r) => r.Status === "InProgress"),
  });
  const s = secret.value;

  async function restore() {
    try {
      await clients.secrets.send(new RestoreSecretCommand({ SecretId: name }));
      flash.success(`Deletion of ${name} cancelled.`);
      await secret.reload();
    } catch (e) {
      flash.error(e, "Cancelling the deletion failed");
    }
  }

  const header = (
    <Header
      variant="h1"
      description={s?.Description}
      actions={
        s && (
          <SpaceBetween direction="horizontal" size="xs">
            <Button iconName="refresh" ariaLabel="Refresh" onClick={() => void secret.reload()} />
            {s.DeletedDate ? <Button onClick={() => void restore()}>Cancel deletion</Button> : <Button onClick={() => setDeleting(true)}>Delete</Button>}
          </SpaceBetween>
        )
      }
    >
      {name}
    </Header>
  );

  if (!s) return <ContentLayout header={header}>{secret.loading ? <Spinner size="large" /> : <Alert type="error">The secret could not be loaded.</Alert>}</ContentLayout>;
  const replica = isReplica(s, clients.region);
  return (
    <ContentLayout header={header}>
      <SpaceBetween size="l">
        {s.DeletedDate && <Alert type="warning" header="Deletion scheduled">This secret is scheduled for deletion ({dateTime(s.DeletedDate)}). Cancel the deletion to use it again.</Alert>}
        {replica && <Alert type="info" header="Replica secret">This is a read-only replica of the secret in {s.PrimaryRegion}. Changes are made to the primary secret.</Alert>}
        <Tabs
          activeTabId={tab}
          onChange={({ detail }) => setTab(detail.activeTabId)}
          tabs={[
            { id: "overview", label: "Overview", content: <OverviewTab clients={clients} secret={s} replica={replica} /> },
            { id: "rotation", label: "Rotation", content: <RotationTab clients={clients} secret={s} replica={replica} onChanged={() => void secret.reload()} /> },
            { id: "versions", label: "Versions", content: <VersionsTab clients={clients} secret={s} /> },
            { id: "replication", label: "Replication", content: <ReplicationTab clients={clients} secret={s} replica={replica} regions={regions} onChanged={() => void secret.reload()} /> },
            { id: "permissions", label: "Resource permissions", content: <PermissionsTab clients={clients} secret={s} replica={replica} /> },
          ]}
        />
      </SpaceBetween>
      {deleting && <DeleteSecretModal clients={clients} secret={s} onClose={() => setDeleting(false)} onDeleted={() => void secret.reload()} />}
    </ContentLayout>
  );
}
