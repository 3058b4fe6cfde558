// KMS keys of the Region: aliases, id, status, spec, manager; "Create key" (a symmetric
// encryption key with an alias and description), Enable / Disable, and "Schedule key deletion"
// (7 to 30 days) for customer managed keys. What a user needs to pick keys for replicas.

import { useState } from "react";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import ContentLayout from "@cloudscape-design/components/content-layout";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import Modal from "@cloudscape-design/components/modal";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator, { type StatusIndicatorProps } from "@cloudscape-design/components/status-indicator";
import Table from "@cloudscape-design/components/table";
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
  type KeyMetadata,
} from "@aws-sdk/client-kms";
import type { Clients } from "../clients";
import { useAction } from "../use-action";
import { useLoad } from "../use-load";

interface KeyRow {
  meta: KeyMetadata;
  aliases: string[];
}

const stateType: Record<string, StatusIndicatorProps.Type> = { Enabled: "success", Disabled: "stopped", PendingDeletion: "warning", Creating: "in-progress" };

async function loadKeys(clients: Clients): Promise<KeyRow[]> {
  const [keys, aliases] = await Promise.all([clients.kms.send(new ListKeysCommand({ Limit: 1000 })), clients.kms.send(new ListAliasesCommand({ Limit: 100 }))]);
  const metas = await Promise.all((keys.Keys ?? []).map(async (k) => (await clients.kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!));
  return metas.map((meta) => ({ meta, aliases: (aliases.Aliases ?? []).filter((a) => a.TargetKeyId === meta.KeyId).map((a) => a.AliasName!.replace(/^alias\//, "")) }));
}

export function KeysPage({ clients }: { clients: Clients }) {
  const keys = useLoad(() => loadKeys(clients), [clients], "Listing keys failed");
  const [selected, setSelected] = useState<KeyRow[]>([]);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [alias, setAlias] = useState("");
  const [description, setDescription] = useState("");
  const [days, setDays] = useState("30");
  const choice = selected[0]?.meta;
  const customer = choice?.KeyManager === "CUSTOMER";

  const { busy, run } = useAction(() => {
    setSelected([]);
    return keys.reload();
  });

  const create = () =>
    run(
      "Creating the key failed",
      async () => {
        const key = await clients.kms.send(new CreateKeyCommand({ KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", ...(description ? { Description: description } : {}) }));
        if (alias) await clients.kms.send(new CreateAliasCommand({ AliasName: `alias/${alias.replace(/^alias\//, "")}`, TargetKeyId: key.KeyMetadata!.KeyId }));
      },
      `Key ${alias || ""} created.`,
    ).then((ok) => ok && (setCreating(false), setAlias(""), setDescription("")));

  return (
    <ContentLayout header={<Header variant="h1" description={`KMS keys in ${clients.region}`}>Keys</Header>}>
      <Table<KeyRow>
        variant="container"
        selectionType="single"
        trackBy={(r) => r.meta.KeyId!}
        selectedItems={selected}
        onSelectionChange={({ detail }) => setSelected(detail.selectedItems)}
        ariaLabels={{ selectionGroupLabel: "Keys", itemSelectionLabel: (_s, r) => `Select ${r.aliases[0] ?? r.meta.KeyId}`, allItemsSelectionLabel: () => "Select all keys" }}
        loading={keys.loading && !keys.value}
        loadingText="Loading keys"
        items={keys.value ?? []}
        empty="No keys"
        header={
          <Header
            counter={`(${keys.value?.length ?? 0})`}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button disabled={!customer || choice?.KeyState !== "Disabled"} loading={busy} onClick={() => void run("Enabling the key failed", () => clients.kms.send(new EnableKeyCommand({ KeyId: choice!.KeyId })), "Key enabled.")}>Enable</Button>
                <Button disabled={!customer || choice?.KeyState !== "Enabled"} loading={busy} onClick={() => void run("Disabling the key failed", () => clients.kms.send(new DisableKeyCommand({ KeyId: choice!.KeyId })), "Key disabled.")}>Disable</Button>
                <Button disabled={!customer || choice?.KeyState === "PendingDeletion"} onClick={() => setDeleting(true)}>Schedule key deletion</Button>
                <Button variant="primary" onClick={() => setCreating(true)}>Create key</Button>
              </SpaceBetween>
            }
          >
            Keys
          </Header>
        }
        columnDefinitions={[
          { id: "aliases", header: "Aliases", cell: (r) => r.aliases.join(", ") || "-", isRowHeader: true },
          { id: "id", header: "Key ID", cell: (r) => <code>{r.meta.KeyId}</code> },
          { id: "status", header: "Status", cell: (r) => <StatusIndicator type={stateType[r.meta.KeyState ?? ""] ?? "info"}>{r.meta.KeyState}</StatusIndicator> },
          { id: "spec", header: "Key spec", cell: (r) => r.meta.KeySpec },
          { id: "manager", header: "Managed by", cell: (r) => (r.meta.KeyManager === "AWS" ? "AWS" : "Customer") },
          { id: "multi", header: "Regionality", cell: (r) => (r.meta.MultiRegion ? "Multi-Region" : "Single-Region") },
          { id: "description", header: "Description", cell: (r) => r.meta.Description || "-" },
        ]}
      />
      <Modal
        visible={creating}
        onDismiss={() => setCreating(false)}
        header="Create key"
        closeAriaLabel="Close"
        footer={
          <Box float="right">
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={() => setCreating(false)}>Cancel</Button>
              <Button variant="primary" loading={busy} onClick={() => void create()}>Create key</Button>
            </SpaceBetween>
          </Box>
        }
      >
        <SpaceBetween size="m">
          <Box>A symmetric encryption key (SYMMETRIC_DEFAULT) in {clients.region}.</Box>
          <FormField label="Alias">
            <Input value={alias} onChange={({ detail }) => setAlias(detail.value)} />
          </FormField>
          <FormField label="Description - optional">
            <Input value={description} onChange={({ detail }) => setDescription(detail.value)} />
          </FormField>
        </SpaceBetween>
      </Modal>
      <Modal
        visible={deleting}
        onDismiss={() => setDeleting(false)}
        header="Schedule key deletion"
        closeAriaLabel="Close"
        footer={
          <Box float="right">
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={() => setDeleting(false)}>Cancel</Button>
              <Button
                variant="primary"
                loading={busy}
                onClick={() =>
                  void run("Scheduling the deletion failed", () => clients.kms.send(new ScheduleKeyDeletionCommand({ KeyId: choice!.KeyId, PendingWindowInDays: Number(days) })), "Key deletion scheduled.").then(() => setDeleting(false))
                }
              >
                Schedule deletion
              </Button>
            </SpaceBetween>
          </Box>
        }
      >
        <SpaceBetween size="m">
          <Box>After the waiting period the key and everything encrypted under it can no longer be used. Secrets encrypted with it become unreadable.</Box>
          <FormField label="Waiting period (days)" constraintText="7 to 30 days">
            <Input type="number" value={days} onChange={({ detail }) => setDays(detail.value)} />
          </FormField>
        </SpaceBetween>
      </Modal>
    </ContentLayout>
  );
}
