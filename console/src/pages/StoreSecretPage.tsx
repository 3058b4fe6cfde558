// "Store a new secret": the value (key/value pairs or plaintext), its encryption key, name,
// description, tags, resource policy (checked with ValidateResourcePolicy first), the Regions to
// replicate to with a key per Region, and rotation. Store runs CreateSecret, then the policy and
// the rotation calls, each an ordinary API call the signed-in identity must be allowed.

import { useState } from "react";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Form from "@cloudscape-design/components/form";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Tabs from "@cloudscape-design/components/tabs";
import Textarea from "@cloudscape-design/components/textarea";
import Toggle from "@cloudscape-design/components/toggle";
import type { Region } from "@aws-sdk/client-account";
import { CreateSecretCommand, PutResourcePolicyCommand, RotateSecretCommand } from "@aws-sdk/client-secrets-manager";
import type { Clients } from "../clients";
import { useFlash } from "../flash";
import { navigate, secretHref } from "../route";
import { PairsEditor, pairsToObject, type Pair } from "../components/PairsEditor";
import { DEFAULT_KEY, KeyPicker } from "../components/KeyPicker";
import { ReplicaRegionsEditor, replicaInput, type ReplicaChoice } from "../components/ReplicaRegionsEditor";
import { validatePolicy } from "../secret/policy-check";

export function StoreSecretPage({ clients, regions }: { clients: Clients; regions: Region[] }) {
  const flash = useFlash();
  const [valueKind, setValueKind] = useState("kv");
  const [pairs, setPairs] = useState<Pair[]>([{ key: "", value: "" }]);
  const [plaintext, setPlaintext] = useState("");
  const [keyId, setKeyId] = useState(DEFAULT_KEY);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [tags, setTags] = useState<Pair[]>([]);
  const [policy, setPolicy] = useState("");
  const [policyError, setPolicyError] = useState<string | undefined>();
  const [replicas, setReplicas] = useState<ReplicaChoice[]>([]);
  const [rotation, setRotation] = useState(false);
  const [rotationDays, setRotationDays] = useState("30");
  const [rotationFunction, setRotationFunction] = useState("");
  const [busy, setBusy] = useState(false);

  async function store() {
    setBusy(true);
    setPolicyError(undefined);
    try {
      if (policy.trim()) {
        const problem = await validatePolicy(clients.secrets, policy);
        if (problem) {
          setPolicyError(problem);
          return;
        }
      }
      const created = await clients.secrets.send(
        new CreateSecretCommand({
          Name: name,
          ...(description ? { Description: description } : {}),
          SecretString: valueKind === "kv" ? JSON.stringify(pairsToObject(pairs)) : plaintext,
          ...(keyId !== DEFAULT_KEY ? { KmsKeyId: keyId } : {}),
          ...(tags.length ? { Tags: tags.filter((t) => t.key).map((t) => ({ Key: t.key, Value: t.value })) } : {}),
          ...(replicas.length ? { AddReplicaRegions: replicaInput(replicas) } : {}),
        }),
      );
      if (policy.trim()) await clients.secrets.send(new PutResourcePolicyCommand({ SecretId: created.ARN, ResourcePolicy: policy }));
      if (rotation) {
        await clients.secrets.send(
          new RotateSecretCommand({ SecretId: created.ARN, RotationLambdaARN: rotationFunction, RotationRules: { AutomaticallyAfterDays: Number(rotationDays) }, RotateImmediately: false }),
        );
      }
      flash.success(`Secret ${name} stored.`);
      navigate(secretHref(name));
    } catch (e) {
      flash.error(e, "Storing the secret failed");
    } finally {
      setBusy(false);
    }
  }

  return (
    <ContentLayout header={<Header variant="h1" description={`A new secret in ${clients.region}`}>Store a new secret</Header>}>
      <form onSubmit={(e) => { e.preventDefault(); void store(); }}>
        <Form
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button formAction="none" variant="link" onClick={() => navigate("#/secrets")}>Cancel</Button>
              <Button variant="primary" formAction="submit" loading={busy}>Store</Button>
            </SpaceBetween>
          }
        >
          <SpaceBetween size="l">
            <Container header={<Header variant="h2">Secret value</Header>}>
              <Tabs
                activeTabId={valueKind}
                onChange={({ detail }) => setValueKind(detail.activeTabId)}
                tabs={[
                  { id: "kv", label: "Key/value", content: <PairsEditor pairs={pairs} onChange={setPairs} addText="Add row" secretValues /> },
                  {
                    id: "plaintext",
                    label: "Plaintext",
                    content: (
                      <FormField label="Plaintext secret value">
                        <Textarea value={plaintext} onChange={({ detail }) => setPlaintext(detail.value)} spellcheck={false} />
                      </FormField>
                    ),
                  },
                ]}
              />
            </Container>
            <Container header={<Header variant="h2">Encryption</Header>}>
              <FormField label="Encryption key" description="The KMS key Secrets Manager encrypts the secret value with in this Region.">
                <KeyPicker kms={clients.kms} value={keyId} onChange={setKeyId} />
              </FormField>
            </Container>
            <Container header={<Header variant="h2">Secret name and description</Header>}>
              <SpaceBetween size="m">
                <FormField label="Secret name" constraintText="Letters, numbers and /_+=.@- ; at most 512 characters.">
                  <Input value={name} onChange={({ detail }) => setName(detail.value)} />
                </FormField>
                <FormField label="Description - optional">
                  <Textarea value={description} onChange={({ detail }) => setDescription(detail.value)} rows={2} />
                </FormField>
              </SpaceBetween>
            </Container>
            <Container header={<Header variant="h2">Tags - optional</Header>}>
              <div role="group" aria-label="Tags">
                <PairsEditor pairs={tags} onChange={setTags} addText="Add new tag" />
              </div>
            </Container>
            <Container header={<Header variant="h2">Resource permissions - optional</Header>}>
              <FormField label="Resource permissions" description="A resource policy (JSON); checked with ValidateResourcePolicy before the secret is stored." errorText={policyError}>
                <Textarea value={policy} onChange={({ detail }) => setPolicy(detail.value)} rows={6} spellcheck={false} />
              </FormField>
            </Container>
            <Container header={<Header variant="h2" description="Replicas are read-only copies in other Regions, each encrypted with a key of its Region.">Replicate secret - optional</Header>}>
              <div role="group" aria-label="Replica Regions">
                <ReplicaRegionsEditor clients={clients} regions={regions} exclude={[clients.region]} rows={replicas} onChange={setReplicas} />
              </div>
            </Container>
            <Container header={<Header variant="h2">Rotation - optional</Header>}>
              <SpaceBetween size="m">
                <Toggle checked={rotation} onChange={({ detail }) => setRotation(detail.checked)}>Automatic rotation</Toggle>
                {rotation && (
                  <>
                    <FormField label="Rotation schedule (days)">
                      <Input type="number" value={rotationDays} onChange={({ detail }) => setRotationDays(detail.value)} />
                    </FormField>
                    <FormField label="Rotation function" description="A built-in rotator's name or a Lambda function ARN.">
                      <Input value={rotationFunction} onChange={({ detail }) => setRotationFunction(detail.value)} />
                    </FormField>
                  </>
                )}
              </SpaceBetween>
            </Container>
          </SpaceBetween>
        </Form>
      </form>
    </ContentLayout>
  );
}
