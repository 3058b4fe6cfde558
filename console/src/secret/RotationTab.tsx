// Rotation: whether it is on, its schedule and function, the last and next rotation; "Edit
// rotation" (RotateSecret with RotateImmediately false, or CancelRotateSecret) and "Rotate secret
// immediately". A replica rotates with its primary and offers neither.

import { useState } from "react";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import KeyValuePairs from "@cloudscape-design/components/key-value-pairs";
import Modal from "@cloudscape-design/components/modal";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Toggle from "@cloudscape-design/components/toggle";
import { CancelRotateSecretCommand, RotateSecretCommand, type DescribeSecretResponse } from "@aws-sdk/client-secrets-manager";
import type { Clients } from "../clients";
import { useAction } from "../use-action";
import { dateTime } from "../format";

export function RotationTab({ clients, secret, replica, onChanged }: { clients: Clients; secret: DescribeSecretResponse; replica: boolean; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [enabled, setEnabled] = useState(secret.RotationEnabled ?? false);
  const [days, setDays] = useState(String(secret.RotationRules?.AutomaticallyAfterDays ?? 30));
  const [fn, setFn] = useState(secret.RotationLambdaARN ?? "");

  const { busy, run } = useAction(() => {
    setEditing(false);
    onChanged();
  });

  const save = () =>
    run(
      "Saving the rotation failed",
      () =>
        clients.secrets.send(
          enabled
            ? new RotateSecretCommand({ SecretId: secret.ARN, RotationLambdaARN: fn, RotationRules: { AutomaticallyAfterDays: Number(days) }, RotateImmediately: false })
            : new CancelRotateSecretCommand({ SecretId: secret.ARN }),
        ),
      enabled ? "Rotation configured." : "Rotation turned off.",
    );

  return (
    <Container
      header={
        <Header
          variant="h2"
          actions={
            !replica && (
              <SpaceBetween direction="horizontal" size="xs">
                <Button onClick={() => setEditing(true)}>Edit rotation</Button>
                <Button
                  disabled={!secret.RotationEnabled}
                  loading={busy}
                  onClick={() => void run("Rotating the secret failed", () => clients.secrets.send(new RotateSecretCommand({ SecretId: secret.ARN })), "Rotation started.")}
                >
                  Rotate secret immediately
                </Button>
              </SpaceBetween>
            )
          }
        >
          Rotation configuration
        </Header>
      }
    >
      <KeyValuePairs
        columns={3}
        items={[
          { label: "Rotation status", value: secret.RotationEnabled ? "Enabled" : "Disabled" },
          { label: "Rotation schedule", value: secret.RotationRules?.ScheduleExpression ?? (secret.RotationRules?.AutomaticallyAfterDays ? `Every ${secret.RotationRules.AutomaticallyAfterDays} days` : "-") },
          { label: "Rotation function", value: secret.RotationLambdaARN ?? "-" },
          { label: "Last rotated date", value: dateTime(secret.LastRotatedDate) },
          { label: "Next rotation date", value: dateTime(secret.NextRotationDate) },
        ]}
      />
      <Modal
        visible={editing}
        onDismiss={() => setEditing(false)}
        header="Edit rotation configuration"
        closeAriaLabel="Close"
        footer={
          <Box float="right">
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={() => setEditing(false)}>Cancel</Button>
              <Button variant="primary" loading={busy} onClick={() => void save()}>Save</Button>
            </SpaceBetween>
          </Box>
        }
      >
        <SpaceBetween size="m">
          <Toggle checked={enabled} onChange={({ detail }) => setEnabled(detail.checked)}>Automatic rotation</Toggle>
          {enabled && (
            <>
              <FormField label="Rotation schedule (days)">
                <Input type="number" value={days} onChange={({ detail }) => setDays(detail.value)} />
              </FormField>
              <FormField label="Rotation function" description="A built-in rotator's name or a Lambda function ARN.">
                <Input value={fn} onChange={({ detail }) => setFn(detail.value)} />
              </FormField>
            </>
          )}
        </SpaceBetween>
      </Modal>
    </Container>
  );
}
