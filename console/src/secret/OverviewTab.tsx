// Overview: the secret's details (ARN, encryption key, description, primary Region, tags) and its
// value, hidden until "Retrieve secret value" is chosen.

import Container from "@cloudscape-design/components/container";
import Header from "@cloudscape-design/components/header";
import KeyValuePairs from "@cloudscape-design/components/key-value-pairs";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Table from "@cloudscape-design/components/table";
import type { DescribeSecretResponse } from "@aws-sdk/client-secrets-manager";
import type { Clients } from "../clients";
import { dateTime } from "../format";
import { SecretValue } from "./SecretValue";

export function OverviewTab({ clients, secret, replica }: { clients: Clients; secret: DescribeSecretResponse; replica: boolean }) {
  return (
    <SpaceBetween size="l">
      <Container header={<Header variant="h2">Secret details</Header>}>
        <KeyValuePairs
          columns={2}
          items={[
            { label: "Secret name", value: secret.Name },
            { label: "Secret ARN", value: <span style={{ wordBreak: "break-all" }}>{secret.ARN}</span> },
            { label: "Encryption key", value: secret.KmsKeyId ?? "aws/secretsmanager" },
            { label: "Secret description", value: secret.Description ?? "-" },
            { label: "Primary Region", value: secret.PrimaryRegion ?? clients.region },
            { label: "Type", value: replica ? "Replica" : "Primary" },
            { label: "Created on", value: dateTime(secret.CreatedDate) },
            { label: "Last retrieved", value: dateTime(secret.LastAccessedDate) },
          ]}
        />
      </Container>
      <SecretValue clients={clients} secret={secret} replica={replica} />
      <Table
        variant="container"
        header={<Header variant="h2" counter={`(${secret.Tags?.length ?? 0})`}>Tags</Header>}
        items={secret.Tags ?? []}
        empty="No tags"
        columnDefinitions={[
          { id: "key", header: "Key", cell: (t) => t.Key, isRowHeader: true },
          { id: "value", header: "Value", cell: (t) => t.Value },
        ]}
      />
    </SpaceBetween>
  );
}
