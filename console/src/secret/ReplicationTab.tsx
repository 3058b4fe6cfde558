// Replication. On a primary: each replica's Region, key and status (with its message), "Replicate
// secret to other Regions" and "Remove replica". On a replica: "Promote to standalone secret",
// after a confirmation that says what it does (StopReplicationToReplica in this Region).

import { useState } from "react";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import Header from "@cloudscape-design/components/header";
import Modal from "@cloudscape-design/components/modal";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator, { type StatusIndicatorProps } from "@cloudscape-design/components/status-indicator";
import Table from "@cloudscape-design/components/table";
import type { Region } from "@aws-sdk/client-account";
import {
  RemoveRegionsFromReplicationCommand,
  ReplicateSecretToRegionsCommand,
  StopReplicationToReplicaCommand,
  type DescribeSecretResponse,
  type ReplicationStatusType,
} from "@aws-sdk/client-secrets-manager";
import type { Clients } from "../clients";
import { useAction } from "../use-action";
import { ReplicaRegionsEditor, replicaInput, type ReplicaChoice } from "../components/ReplicaRegionsEditor";

const statusType: Record<string, StatusIndicatorProps.Type> = { InSync: "success", InProgress: "in-progress", Failed: "error" };

export function ReplicationTab({ clients, secret, replica, regions, onChanged }: { clients: Clients; secret: DescribeSecretResponse; replica: boolean; regions: Region[]; onChanged: () => void }) {
  const [selected, setSelected] = useState<ReplicationStatusType[]>([]);
  const [adding, setAdding] = useState<ReplicaChoice[] | undefined>();
  const [promoting, setPromoting] = useState(false);

  const { busy, run } = useAction(onChanged);

  if (replica) {
    return (
      <Container header={<Header variant="h2" actions={<Button onClick={() => setPromoting(true)}>Promote to standalone secret</Button>}>Replication</Header>}>
        <Box>This secret is a replica of the secret in {secret.PrimaryRegion}.</Box>
        <Modal
          visible={promoting}
          onDismiss={() => setPromoting(false)}
          header="Promote to standalone secret"
          closeAriaLabel="Close"
          footer={
            <Box float="right">
              <SpaceBetween direction="horizontal" size="xs">
                <Button variant="link" onClick={() => setPromoting(false)}>Cancel</Button>
                <Button
                  variant="primary"
                  loading={busy}
                  onClick={() =>
                    void run("Promoting the replica failed", () => clients.secrets.send(new StopReplicationToReplicaCommand({ SecretId: secret.ARN })), `${secret.Name} in ${clients.region} is now a standalone secret.`).then(() => setPromoting(false))
                  }
                >
                  Promote
                </Button>
              </SpaceBetween>
            </Box>
          }
        >
          <SpaceBetween size="s">
            <Box>Promoting makes this replica in {clients.region} a standalone, writable secret. It stops receiving changes from the primary secret in {secret.PrimaryRegion}, and the primary no longer replicates to this Region.</Box>
            <Box>Applications reading the secret here keep working; changes made from now on in either Region are not copied to the other. This cannot be undone.</Box>
          </SpaceBetween>
        </Modal>
      </Container>
    );
  }

  const statuses = secret.ReplicationStatus ?? [];
  const exclude = [clients.region, ...statuses.map((r) => r.Region!)];
  return (
    <>
      <Table
        variant="container"
        selectionType="multi"
        trackBy="Region"
        selectedItems={selected}
        onSelectionChange={({ detail }) => setSelected(detail.selectedItems)}
        ariaLabels={{ selectionGroupLabel: "Replicas", itemSelectionLabel: (_s, r) => `Select ${r.Region}`, allItemsSelectionLabel: () => "Select all replicas" }}
        items={statuses}
        empty="This secret is not replicated."
        header={
          <Header
            variant="h2"
            counter={`(${statuses.length})`}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button
                  disabled={selected.length === 0}
                  loading={busy}
                  onClick={() =>
                    void run(
                      "Removing the replica failed",
                      () => clients.secrets.send(new RemoveRegionsFromReplicationCommand({ SecretId: secret.ARN, RemoveReplicaRegions: selected.map((r) => r.Region!) })),
                      `Replica removed from ${selected.map((r) => r.Region).join(", ")}.`,
                    ).then(() => setSelected([]))
                  }
                >
                  Remove replica
                </Button>
                <Button onClick={() => setAdding([{ region: "", keyId: "aws/secretsmanager" }])}>Replicate secret to other Regions</Button>
              </SpaceBetween>
            }
          >
            Replicate secret
          </Header>
        }
        columnDefinitions={[
          { id: "region", header: "AWS Region", cell: (r) => r.Region, isRowHeader: true },
          { id: "key", header: "Encryption key", cell: (r) => r.KmsKeyId ?? "aws/secretsmanager" },
          { id: "status", header: "Replication status", cell: (r) => <StatusIndicator type={statusType[r.Status ?? ""] ?? "info"}>{r.Status}</StatusIndicator> },
          { id: "message", header: "Status message", cell: (r) => r.StatusMessage ?? "-" },
        ]}
      />
      <Modal
        visible={adding !== undefined}
        onDismiss={() => setAdding(undefined)}
        header="Replicate secret to other Regions"
        closeAriaLabel="Close"
        size="large"
        footer={
          <Box float="right">
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={() => setAdding(undefined)}>Cancel</Button>
              <Button
                variant="primary"
                loading={busy}
                onClick={() =>
                  void run("Replicating the secret failed", () => clients.secrets.send(new ReplicateSecretToRegionsCommand({ SecretId: secret.ARN, AddReplicaRegions: replicaInput(adding ?? []) })), "Replication started.").then(
                    (ok) => ok && setAdding(undefined),
                  )
                }
              >
                Replicate
              </Button>
            </SpaceBetween>
          </Box>
        }
      >
        {adding && <ReplicaRegionsEditor clients={clients} regions={regions} exclude={exclude} rows={adding} onChange={setAdding} />}
      </Modal>
    </>
  );
}
