// Rows of key and value, as the AWS console edits a secret's key/value pairs and its tags: "Key"
// and "Value" inputs, a Remove button per row, and an add button with the console's wording.

import AttributeEditor from "@cloudscape-design/components/attribute-editor";
import Input from "@cloudscape-design/components/input";

export interface Pair {
  key: string;
  value: string;
}

export const pairsToObject = (pairs: Pair[]) => Object.fromEntries(pairs.filter((p) => p.key !== "").map((p) => [p.key, p.value]));

/** A secret string's pairs when it is a flat JSON object of strings; undefined otherwise. */
export function objectToPairs(text: string): Pair[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
    return Object.entries(parsed).map(([key, value]) => ({ key, value: typeof value === "string" ? value : JSON.stringify(value) }));
  } catch {
    return undefined;
  }
}

export function PairsEditor({ pairs, onChange, addText, secretValues = false }: { pairs: Pair[]; onChange: (p: Pair[]) => void; addText: string; secretValues?: boolean }) {
  const set = (index: number, change: Partial<Pair>) => onChange(pairs.map((p, i) => (i === index ? { ...p, ...change } : p)));
  return (
    <AttributeEditor
      items={pairs}
      addButtonText={addText}
      removeButtonText="Remove"
      empty="No entries"
      onAddButtonClick={() => onChange([...pairs, { key: "", value: "" }])}
      onRemoveButtonClick={({ detail }) => onChange(pairs.filter((_p, i) => i !== detail.itemIndex))}
      definition={[
        { label: "Key", control: (p, i) => <Input value={p.key} onChange={({ detail }) => set(i, { key: detail.value })} /> },
        {
          label: "Value",
          control: (p, i) => <Input value={p.value} type={secretValues ? "password" : "text"} onChange={({ detail }) => set(i, { value: detail.value })} autoComplete={false} />,
        },
      ]}
    />
  );
}
