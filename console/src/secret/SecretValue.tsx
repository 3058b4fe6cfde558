// The secret value: hidden until "Retrieve secret value" (GetSecretValue, which the audit trail
// records), then shown as key/value pairs or plaintext; on a primary, "Edit" stores a new version.

import { useState } from "react";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import SegmentedControl from "@cloudscape-design/components/segmented-control";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Table from "@cloudscape-design/components/table";
import Textarea from "@cloudscape-design/components/textarea";
import { GetSecretValueCommand, PutSecretValueCommand, type DescribeSecretResponse } from "@aws-sdk/client-secrets-manager";
import type { Clients } from "../clients";
import { useFlash } from "../flash";
import { objectToPairs, PairsEditor, pairsToObject, type Pair } from "../components/PairsEditor";

export function SecretValue({ clients, secret, replica }: { clients: Clients; secret: DescribeSecretResponse; replica: boolean }) {
  const flash = useFlash();
  const [value, setValue] = useState<string | undefined>();
  const [view, setView] = useState("kv");
  const [editing, setEditing] = useState<{ pairs?: Pair[]; text: string } | undefined>();
  const [busy, setBusy] = useState(false);
  const pairs = value === undefined ? undefined : objectToPairs(value);

  async function retrieve() {
    setBusy(true);
    try {
      const out = await clients.secrets.send(new GetSecretValueCommand({ SecretId: secret.ARN }));
      setValue(out.SecretString ?? "(binary secret)");
      setView(out.SecretString !== undefined && objectToPairs(out.SecretString) ? "kv" : "plaintext");
    } catch (e) {
      flash.error(e, "Retrieving the secret value failed");
    } finally {
      setBusy(false);
    }
  }

  async function save() {
    if (!editing) return;
    setBusy(true);
    try {
      const text = editing.pairs ? JSON.stringify(pairsToObject(editing.pairs)) : editing.text;
      await clients.secrets.send(new PutSecretValueCommand({ SecretId: secret.ARN, SecretString: text }));
      setValue(text);
      setEditing(undefined);
      flash.success("A new version of the secret value was stored.");
    } catch (e) {
      flash.error(e, "Saving the secret value failed");
    } finally {
      setBusy(false);
    }
  }

  const actions =
    value === undefined ? (
      <Button onClick={() => void retrieve()} loading={busy}>Retrieve secret value</Button>
    ) : editing ? (
      <SpaceBetween direction="horizontal" size="xs">
        <Button variant="link" onClick={() => setEditing(undefined)}>Cancel</Button>
        <Button variant="primary" onClick={() => void save()} loading={busy}>Save</Button>
      </SpaceBetween>
    ) : (
      <SpaceBetween direction="horizontal" size="xs">
        <Button onClick={() => { setValue(undefined); setEditing(undefined); }}>Hide secret value</Button>
        {!replica && <Button onClick={() => setEditing({ pairs: view === "kv" ? pairs : undefined, text: value })}>Edit</Button>}
      </SpaceBetween>
    );

  return (
    <Container header={<Header variant="h2" actions={actions} description="Retrieve and view the secret value.">Secret value</Header>}>
      {value === undefined ? (
        <Box color="text-body-secondary">The secret value is hidden.</Box>
      ) : editing ? (
        editing.pairs ? (
          <PairsEditor pairs={editing.pairs} onChange={(p) => setEditing({ ...editing, pairs: p })} addText="Add row" />
        ) : (
          <FormField label="Plaintext secret value">
            <Textarea value={editing.text} onChange={({ detail }) => setEditing({ text: detail.value })} spellcheck={false} />
          </FormField>
        )
      ) : (
        <SpaceBetween size="s">
          <SegmentedControl
            selectedId={view}
            label="Secret value view"
            onChange={({ detail }) => setView(detail.selectedId)}
            options={[{ id: "kv", text: "Key/value", disabled: !pairs }, { id: "plaintext", text: "Plaintext" }]}
          />
          {view === "kv" && pairs ? (
            <Table
              variant="embedded"
              ariaLabels={{ tableLabel: "Secret key/value" }}
              items={pairs}
              columnDefinitions={[
                { id: "key", header: "Secret key", cell: (p) => p.key, isRowHeader: true },
                { id: "value", header: "Secret value", cell: (p) => p.value },
              ]}
            />
          ) : (
            <pre aria-label="Plaintext secret value" style={{ whiteSpace: "pre-wrap", wordBreak: "break-all", margin: 0 }}>{value}</pre>
          )}
        </SpaceBetween>
      )}
    </Container>
  );
}
