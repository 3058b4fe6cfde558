// "Encryption key": the KMS keys of one Region a secret (or a replica) may be encrypted with —
// aws/secretsmanager, the default, and the customer managed keys by alias or id.

import { useEffect, useState } from "react";
import Select, { type SelectProps } from "@cloudscape-design/components/select";
import { ListAliasesCommand, type KMSClient } from "@aws-sdk/client-kms";

export const DEFAULT_KEY = "aws/secretsmanager";

export function KeyPicker({ kms, value, onChange, ariaLabel }: { kms: KMSClient; value: string; onChange: (keyId: string) => void; ariaLabel?: string }) {
  const [options, setOptions] = useState<SelectProps.Option[]>([{ value: DEFAULT_KEY, label: DEFAULT_KEY, description: "AWS managed key" }]);
  const [status, setStatus] = useState<"pending" | "loading" | "finished" | "error">("pending");

  useEffect(() => {
    let live = true;
    setStatus("loading");
    kms
      .send(new ListAliasesCommand({ Limit: 100 }))
      .then((out) => {
        if (!live) return;
        const customer = (out.Aliases ?? [])
          .filter((a) => a.TargetKeyId && !a.AliasName?.startsWith("alias/aws/"))
          .map((a) => ({ value: a.AliasName!, label: a.AliasName!.replace(/^alias\//, ""), description: a.TargetKeyId }));
        setOptions([{ value: DEFAULT_KEY, label: DEFAULT_KEY, description: "AWS managed key" }, ...customer]);
        setStatus("finished");
      })
      .catch(() => live && setStatus("error"));
    return () => {
      live = false;
    };
  }, [kms]);

  const selected = options.find((o) => o.value === value) ?? { value, label: value };
  return (
    <Select
      selectedOption={selected}
      options={options}
      statusType={status}
      errorText="The keys could not be listed"
      onChange={({ detail }) => onChange(detail.selectedOption.value ?? DEFAULT_KEY)}
      {...(ariaLabel ? { ariaLabel } : {})}
    />
  );
}
