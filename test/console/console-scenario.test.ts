// The console in a real browser against a real server (issue 16): a user whose policy allows only
// secrets tagged team=blue signs in, stores a secret with two replicas and watches them reach
// InSync, reads the value in a replica Region, promotes that replica, sees a denied action's
// error in the flashbar, and signs out, after which the session's credentials are refused.
// Elements are found by role and accessible name; axe-core checks every page.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { CreateLoginProfileCommand, CreateUserCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { CreateSecretCommand, DescribeSecretCommand, ListSecretsCommand } from "@aws-sdk/client-secrets-manager";
import type { Browser, Page } from "playwright-core";
import { startMeridian, ADMIN, ACCOUNT_ID, type TestServer } from "../support/meridian.js";
import { refuses } from "../support/service-errors.js";
import { destroyClients, iamAs, policy, secretsAs } from "../e2e/iam-support.js";
import { assertAccessible, browserMissing, launch, screenshot } from "./browser.js";

const skip = browserMissing();
const PASSWORD = "Blue-Team-Password-1";
const SECRET = "blue/db-credentials";
let m: TestServer;
let browser: Browser;
let page: Page;

const blueOnly = policy(
  { Effect: "Allow", Action: "secretsmanager:CreateSecret", Resource: "*", Condition: { StringEquals: { "aws:RequestTag/team": "blue" } } },
  { Effect: "Allow", Action: "secretsmanager:*", Resource: "*", Condition: { StringEquals: { "secretsmanager:ResourceTag/team": "blue" } } },
  { Effect: "Allow", Action: ["secretsmanager:ListSecrets", "secretsmanager:ValidateResourcePolicy"], Resource: "*" },
  { Effect: "Allow", Action: ["kms:List*", "kms:Describe*", "account:ListRegions", "account:GetRegionOptStatus"], Resource: "*" },
);

before(async () => {
  if (skip) return;
  m = await startMeridian({ regions: ["us-east-1", "eu-west-1", "eu-central-1"] });
  const iam = iamAs(m, ADMIN);
  await iam.send(new CreateUserCommand({ UserName: "blue-dev", Tags: [{ Key: "team", Value: "blue" }] }));
  await iam.send(new CreateLoginProfileCommand({ UserName: "blue-dev", Password: PASSWORD }));
  await iam.send(new PutUserPolicyCommand({ UserName: "blue-dev", PolicyName: "blue-secrets", PolicyDocument: blueOnly }));
  await m.secrets().send(new CreateSecretCommand({ Name: "red/other-team", SecretString: "not yours", Tags: [{ Key: "team", Value: "red" }] }));
  browser = await launch();
  // bypassCSP: the console's policy allows only its own scripts; axe-core is injected by the test.
  // Reduced motion: Cloudscape then shows a flash message in its final colours at once, so axe
  // measures those rather than a frame of its entry animation (once seen: contrast 4.43 mid-fade).
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true, reducedMotion: "reduce" });
  page.setDefaultTimeout(15_000);
});

after(async () => {
  if (skip) return;
  await browser.close();
  destroyClients();
  await m.stop();
});

/** The flashbar's newest message. */
const flash = () => page.getByRole("region", { name: "Notifications" });

async function chooseOption(field: ReturnType<Page["getByRole"]>, option: string) {
  await field.click();
  await page.getByRole("option", { name: option, exact: false }).first().click();
}

test("sign in as an IAM user with a tag-based policy", { skip }, async () => {
  await page.goto(`${m.url}/console/`);
  await assertAccessible(page, "the sign-in page");
  await screenshot(page, "sign-in");
  await page.getByLabel("Account ID").fill(ACCOUNT_ID);
  await page.getByLabel("IAM user name").fill("blue-dev");
  await page.getByLabel("Password", { exact: true }).fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Your authentication information is incorrect").waitFor();
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Secrets", level: 1 }).waitFor();
  // Only the blue secret would be listed… there is none yet; the red one is listed (ListSecrets is allowed) but not readable.
  await page.getByRole("link", { name: "red/other-team" }).waitFor();
  await assertAccessible(page, "the secrets list");
  await screenshot(page, "secrets");
  // The browser keeps session credentials in this tab only, never in localStorage, never the password.
  const stored = await page.evaluate(() => ({ local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage) }));
  assert.equal(stored.local, "{}");
  assert.match(stored.session, /ASIA/);
  assert.doesNotMatch(stored.session, new RegExp(PASSWORD));
});

test("store a secret with two replicas and watch them reach InSync", { skip }, async () => {
  await page.getByRole("button", { name: "Store a new secret" }).click();
  await page.getByRole("heading", { name: "Store a new secret", level: 1 }).waitFor();
  const value = page.getByRole("tabpanel");
  await value.getByRole("textbox", { name: "Key", exact: true }).fill("username");
  await value.getByLabel("Value", { exact: true }).fill("app-user");
  await value.getByRole("button", { name: "Add row" }).click();
  await value.getByRole("textbox", { name: "Key", exact: true }).nth(1).fill("password");
  await value.getByLabel("Value", { exact: true }).nth(1).fill("s3cr3t-value-42");
  await page.getByLabel("Secret name").fill(SECRET);
  const tags = page.getByRole("group", { name: "Tags" });
  await tags.getByRole("button", { name: "Add new tag" }).click();
  await tags.getByRole("textbox", { name: "Key", exact: true }).fill("team");
  await tags.getByLabel("Value", { exact: true }).fill("blue");
  const replicas = page.getByRole("group", { name: "Replica Regions" });
  await replicas.getByRole("button", { name: "Add more Regions" }).click();
  await chooseOption(replicas.getByRole("button", { name: "AWS Region" }).nth(0), "eu-west-1");
  await replicas.getByRole("button", { name: "Add more Regions" }).click();
  await chooseOption(replicas.getByRole("button", { name: "AWS Region" }).nth(1), "eu-central-1");
  await assertAccessible(page, "Store a new secret");
  await screenshot(page, "store-a-new-secret");
  await page.getByRole("button", { name: "Store", exact: true }).click();

  await page.getByRole("heading", { name: SECRET, level: 1 }).waitFor();
  await assertAccessible(page, "the secret's Overview");
  await screenshot(page, "secret-overview");
  await page.getByRole("tab", { name: "Replication" }).click();
  const table = page.getByRole("table").filter({ hasText: "eu-central-1" });
  // The page polls DescribeSecret while a replica is InProgress: no reload here.
  await table.getByText("InSync").nth(1).waitFor({ timeout: 30_000 });
  assert.equal(await table.getByText("InSync").count(), 2);
  await assertAccessible(page, "the Replication tab");
  await screenshot(page, "replication");
  const described = await m.secrets().send(new DescribeSecretCommand({ SecretId: SECRET }));
  assert.deepEqual(described.ReplicationStatus!.map((r) => [r.Region, r.Status]).sort(), [["eu-central-1", "InSync"], ["eu-west-1", "InSync"]]);

  for (const tab of ["Versions", "Rotation", "Resource permissions"]) {
    await page.getByRole("tab", { name: tab }).click();
    await assertAccessible(page, `the ${tab} tab`);
  }
  await page.getByRole("tab", { name: "Versions" }).click();
  await page.getByText("AWSCURRENT").waitFor();
});

test("retrieve the value in a replica Region, then promote the replica", { skip }, async () => {
  await page.getByRole("button", { name: /^AWS Region/ }).click();
  await page.getByRole("menuitem", { name: /^eu-west-1/ }).click();
  await page.goto(`${m.url}/console/#/secrets/${encodeURIComponent(SECRET)}`);
  await page.getByText("This is a read-only replica of the secret in us-east-1").waitFor();
  await page.getByRole("button", { name: "Retrieve secret value" }).click();
  await page.getByRole("table", { name: "Secret key/value" }).getByText("s3cr3t-value-42").waitFor();
  await assertAccessible(page, "a replica's retrieved value");
  await screenshot(page, "secret-value-in-replica");

  await page.getByRole("tab", { name: "Replication" }).click();
  await page.getByRole("button", { name: "Promote to standalone secret" }).click();
  const dialog = page.getByRole("dialog", { name: "Promote to standalone secret" });
  await dialog.getByText("stops receiving changes from the primary secret in us-east-1").waitFor();
  await assertAccessible(page, "the promotion confirmation");
  await dialog.getByRole("button", { name: "Promote" }).click();
  await flash().getByText("is now a standalone secret").waitFor();
  const promoted = await secretsAs(m, ADMIN, "eu-west-1").send(new DescribeSecretCommand({ SecretId: SECRET }));
  assert.equal(promoted.PrimaryRegion, undefined);
});

test("a denied action shows the API's error in the flashbar; keys and Regions pages", { skip }, async () => {
  await page.goto(`${m.url}/console/#/keys`);
  await page.getByRole("heading", { name: "Keys", level: 1 }).waitFor();
  await assertAccessible(page, "the Keys page");
  await screenshot(page, "keys");
  await page.getByRole("button", { name: "Create key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create key" });
  await dialog.getByLabel("Alias").fill("blue-key");
  await dialog.getByRole("button", { name: "Create key" }).click();
  await flash().getByText("Creating the key failed: AccessDeniedException").waitFor();
  await flash().getByText(/is not authorized to perform: kms:CreateKey/).waitFor();
  await assertAccessible(page, "a denied action's flash");
  await screenshot(page, "denied");

  await page.goto(`${m.url}/console/#/regions`);
  await page.getByRole("heading", { name: "Regions", level: 1 }).waitFor();
  await page.getByRole("cell", { name: /^eu-west-1/ }).waitFor();
  await assertAccessible(page, "the Regions page");
  await screenshot(page, "regions");
});

test("sign out ends the session: back to sign-in, and its credentials are refused", { skip }, async () => {
  const session = await page.evaluate(() => sessionStorage.getItem("meridian.console.session"));
  const { accessKeyId, secretAccessKey, sessionToken } = (JSON.parse(session!) as { credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string } }).credentials;
  await secretsAs(m, { accessKeyId, secretAccessKey, sessionToken }).send(new ListSecretsCommand({}));
  await page.getByRole("button", { name: "blue-dev" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  await refuses(secretsAs(m, { accessKeyId, secretAccessKey, sessionToken }).send(new ListSecretsCommand({})), { name: "UnrecognizedClientException" });
});
