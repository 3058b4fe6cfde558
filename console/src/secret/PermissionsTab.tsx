// Resource permissions: the secret's resource policy in an editor; Save checks it with
// ValidateResourcePolicy and shows the findings, or stores it (PutResourcePolicy); Delete removes it.

import { useState } from "react";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Textarea from "@cloudscape-design/components/textarea";
import { DeleteResourcePolicyCommand, GetResourcePolicyCommand, PutResourcePolicyCommand, type DescribeSecretResponse } from "@aws-sdk/client-secrets-manager";
import type { Clients } from "../clients";
import { useFlash } from "../flash";
import { useLoad } from "../use-load";
import { validatePolicy } from "./policy-check";

const pretty = (text: string | undefined) => {
  if (!text) return "";
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

export function PermissionsTab({ clients, secret, replica }: { clients: Clients; secret: DescribeSecretResponse; replica: boolean }) {
  const flash = useFlash();
  const [draft, setDraft] = useState<string | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const policy = useLoad(async () => pretty((await clients.secrets.send(new GetResourcePolicyCommand({ SecretId: secret.ARN }))).ResourcePolicy), [clients, secret.ARN], "Loading the resource policy failed");
  const text = draft ?? policy.value ?? "";

  async function save() {
    setBusy(true);
    setProblem(undefined);
    try {
      const found = await validatePolicy(clients.secrets, text, secret.ARN);
      if (found) return setProblem(found);
      await clients.secrets.send(new PutResourcePolicyCommand({ SecretId: secret.ARN, ResourcePolicy: text }));
      flash.success("Resource policy saved.");
      setDraft(undefined);
      await policy.reload();
    } catch (e) {
      flash.error(e, "Saving the resource policy failed");
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    try {
      await clients.secrets.send(new DeleteResourcePolicyCommand({ SecretId: secret.ARN }));
      flash.success("Resource policy deleted.");
      setDraft(undefined);
      await policy.reload();
    } catch (e) {
      flash.error(e, "Deleting the resource policy failed");
    } finally {
      setBusy(false);
    }
  }

  return (
    <Container
      header={
        <Header
          variant="h2"
          actions={
            !replica && (
              <SpaceBetween direction="horizontal" size="xs">
                <Button disabled={!policy.value} loading={busy} onClick={() => void remove()}>Delete</Button>
                <Button variant="primary" loading={busy} onClick={() => void save()}>Save</Button>
              </SpaceBetween>
            )
          }
          description="Who may use this secret, in addition to their own IAM policies."
        >
          Resource permissions
        </Header>
      }
    >
      <FormField label="Resource policy" errorText={problem} stretch>
        <Textarea value={text} onChange={({ detail }) => setDraft(detail.value)} rows={14} spellcheck={false} readOnly={replica} placeholder='{"Version": "2012-10-17", "Statement": [...]}' />
      </FormField>
    </Container>
  );
}
