// Sign-in: an IAM user's account ID, user name and password, or the root user's access key pair.
// When the password must be changed first, the page asks for a new one and signs in with it.

import { useState } from "react";
import Alert from "@cloudscape-design/components/alert";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import Form from "@cloudscape-design/components/form";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import RadioGroup from "@cloudscape-design/components/radio-group";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { signIn, SignInError, type Session } from "../session";

export function SignInPage({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [kind, setKind] = useState<"iam" | "root">("iam");
  const [accountId, setAccountId] = useState("");
  const [userName, setUserName] = useState("");
  const [password, setPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [accessKeyId, setAccessKeyId] = useState("");
  const [secretAccessKey, setSecretAccessKey] = useState("");
  const [resetRequired, setResetRequired] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit() {
    setBusy(true);
    setError(undefined);
    try {
      const form =
        kind === "root"
          ? { accountId, accessKeyId, secretAccessKey }
          : { accountId, userName, password, ...(resetRequired ? { newPassword } : {}) };
      onSignedIn(await signIn(form));
    } catch (e) {
      if (e instanceof SignInError && e.code === "PasswordResetRequired") setResetRequired(true);
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="meridian-sign-in">
      <Box margin={{ vertical: "xxxl" }} padding="l">
        <div style={{ maxWidth: 440, margin: "0 auto" }}>
          <form onSubmit={(e) => { e.preventDefault(); void submit(); }}>
            <Form actions={<Button variant="primary" formAction="submit" loading={busy}>Sign in</Button>}>
              <Container header={<Header variant="h1" description="Meridian: Secrets Manager, KMS and Account in your own Regions">Sign in</Header>}>
                <SpaceBetween size="l">
                  {error && <Alert type="error" header="Sign-in failed">{error}</Alert>}
                  <FormField label="Sign in as">
                    <RadioGroup
                      value={kind}
                      onChange={({ detail }) => setKind(detail.value as "iam" | "root")}
                      items={[
                        { value: "iam", label: "IAM user", description: "A user with a password" },
                        { value: "root", label: "Root user", description: "The account's root access key pair" },
                      ]}
                    />
                  </FormField>
                  <FormField label="Account ID" description="12 digits">
                    <Input value={accountId} onChange={({ detail }) => setAccountId(detail.value)} inputMode="numeric" autoComplete="username" />
                  </FormField>
                  {kind === "iam" ? (
                    <>
                      <FormField label="IAM user name">
                        <Input value={userName} onChange={({ detail }) => setUserName(detail.value)} autoComplete="username" />
                      </FormField>
                      <FormField label="Password">
                        <Input type="password" value={password} onChange={({ detail }) => setPassword(detail.value)} autoComplete="current-password" />
                      </FormField>
                      {resetRequired && (
                        <FormField label="New password" description="Your password must be changed before you sign in.">
                          <Input type="password" value={newPassword} onChange={({ detail }) => setNewPassword(detail.value)} autoComplete="new-password" />
                        </FormField>
                      )}
                    </>
                  ) : (
                    <>
                      <FormField label="Access key ID">
                        <Input value={accessKeyId} onChange={({ detail }) => setAccessKeyId(detail.value)} autoComplete="off" />
                      </FormField>
                      <FormField label="Secret access key">
                        <Input type="password" value={secretAccessKey} onChange={({ detail }) => setSecretAccessKey(detail.value)} autoComplete="off" />
                      </FormField>
                    </>
                  )}
                </SpaceBetween>
              </Container>
            </Form>
          </form>
        </div>
      </Box>
    </main>
  );
}
