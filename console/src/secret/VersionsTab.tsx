// Versions: each version id with its staging labels (AWSCURRENT, AWSPREVIOUS, AWSPENDING …).

import Header from "@cloudscape-design/components/header";
import Table from "@cloudscape-design/components/table";
import { ListSecretVersionIdsCommand, type DescribeSecretResponse } from "@aws-sdk/client-secrets-manager";
import type { Clients } from "../clients";
import { useLoad } from "../use-load";
import { dateTime } from "../format";

export function VersionsTab({ clients, secret }: { clients: Clients; secret: DescribeSecretResponse }) {
  const versions = useLoad(
    async () => (await clients.secrets.send(new ListSecretVersionIdsCommand({ SecretId: secret.ARN, IncludeDeprecated: true, MaxResults: 100 }))).Versions ?? [],
    [clients, secret.ARN, secret.VersionIdsToStages],
    "Listing versions failed",
  );
  return (
    <Table
      variant="container"
      header={<Header variant="h2" counter={`(${versions.value?.length ?? 0})`}>Versions</Header>}
      loading={versions.loading && !versions.value}
      loadingText="Loading versions"
      items={versions.value ?? []}
      empty="No versions"
      columnDefinitions={[
        { id: "id", header: "Version ID", cell: (v) => <code>{v.VersionId}</code>, isRowHeader: true },
        { id: "labels", header: "Staging labels", cell: (v) => (v.VersionStages ?? []).join(", ") || "-" },
        { id: "created", header: "Created on", cell: (v) => dateTime(v.CreatedDate) },
        { id: "accessed", header: "Last accessed", cell: (v) => dateTime(v.LastAccessedDate) },
      ]}
    />
  );
}
