// The Regions to replicate a secret to, each with its own encryption key ("AWS Region",
// "Encryption key", "Add more Regions"), as the AWS console's replication form asks for them.

import AttributeEditor from "@cloudscape-design/components/attribute-editor";
import Select from "@cloudscape-design/components/select";
import type { Region } from "@aws-sdk/client-account";
import type { Clients } from "../clients";
import { usable } from "../regions";
import { DEFAULT_KEY, KeyPicker } from "./KeyPicker";

export interface ReplicaChoice {
  region: string;
  keyId: string;
}

/** AddReplicaRegions as the API takes it: the default key is left out. */
export const replicaInput = (rows: ReplicaChoice[]) =>
  rows.filter((r) => r.region !== "").map((r) => ({ Region: r.region, ...(r.keyId !== DEFAULT_KEY ? { KmsKeyId: r.keyId } : {}) }));

export function ReplicaRegionsEditor({ clients, regions, exclude, rows, onChange }: { clients: Clients; regions: Region[]; exclude: string[]; rows: ReplicaChoice[]; onChange: (r: ReplicaChoice[]) => void }) {
  const set = (index: number, change: Partial<ReplicaChoice>) => onChange(rows.map((r, i) => (i === index ? { ...r, ...change } : r)));
  const choices = regions.filter((r) => usable(r) && !exclude.includes(r.RegionName!));
  return (
    <AttributeEditor
      items={rows}
      addButtonText="Add more Regions"
      removeButtonText="Remove"
      empty="No Regions"
      onAddButtonClick={() => onChange([...rows, { region: "", keyId: DEFAULT_KEY }])}
      onRemoveButtonClick={({ detail }) => onChange(rows.filter((_r, i) => i !== detail.itemIndex))}
      definition={[
        {
          label: "AWS Region",
          control: (row, i) => (
            <Select
              selectedOption={row.region ? { value: row.region, label: row.region } : null}
              placeholder="Choose a Region"
              options={choices.filter((r) => r.RegionName === row.region || !rows.some((o) => o.region === r.RegionName)).map((r) => ({ value: r.RegionName!, label: r.RegionName! }))}
              onChange={({ detail }) => set(i, { region: detail.selectedOption.value ?? "", keyId: DEFAULT_KEY })}
            />
          ),
        },
        {
          label: "Encryption key",
          control: (row, i) =>
            row.region ? <KeyPicker kms={clients.kmsIn(row.region)} value={row.keyId} onChange={(keyId) => set(i, { keyId })} /> : <Select selectedOption={null} options={[]} disabled placeholder="Choose a Region first" />,
        },
      ]}
    />
  );
}
