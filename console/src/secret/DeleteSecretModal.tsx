// "Delete secret": scheduled after a waiting period of 7 to 30 days, during which it can be
// restored; a primary with replicas is refused by the API, and the flashbar says why.

import { useState } from "react";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import FormField from "@cloudscape-design/components/form-field";
import Input from "@cloudscape-design/components/input";
import Modal from "@cloudscape-design/components/modal";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { DeleteSecretCommand, type DescribeSecretResponse } from "@aws-sdk/client-secrets-manager";
import type { Clients } from "../clients";
import { useFlash } from "../flash";

export function DeleteSecretModal({ clients, secret, onClose, onDeleted }: { clients: Clients; secret: DescribeSecretResponse; onClose: () => void; onDeleted: () => void }) {
  const flash = useFlash();
  const [days, setDays] = useState("30");
  const [busy, setBusy] = useState(false);

  async function schedule() {
    setBusy(true);
    try {
      await clients.secrets.send(new DeleteSecretCommand({ SecretId: secret.ARN, RecoveryWindowInDays: Number(days) }));
      flash.success(`${secret.Name} is scheduled for deletion in ${days} days.`);
      onDeleted();
      onClose();
    } catch (e) {
      flash.error(e, "Deleting the secret failed");
      onClose();
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      visible
      onDismiss={onClose}
      header="Delete secret"
      closeAriaLabel="Close"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>Cancel</Button>
            <Button variant="primary" loading={busy} onClick={() => void schedule()}>Schedule deletion</Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box>The secret {secret.Name} and all its versions are deleted after the waiting period. Until then it can be restored.</Box>
        <FormField label="Waiting period (days)" constraintText="7 to 30 days">
          <Input type="number" value={days} onChange={({ detail }) => setDays(detail.value)} />
        </FormField>
      </SpaceBetween>
    </Modal>
  );
}
