// Messages at the top of the page, as the AWS console shows them: an API error's name and message
// in a dismissible error flash, a success in a green one.

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import type { FlashbarProps } from "@cloudscape-design/components/flashbar";

interface Flash {
  error(e: unknown, action: string): void;
  success(message: string): void;
  items: FlashbarProps.MessageDefinition[];
}

const FlashContext = createContext<Flash | undefined>(undefined);

let nextId = 0;

export function FlashProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<FlashbarProps.MessageDefinition[]>([]);
  const add = useCallback((item: Omit<FlashbarProps.MessageDefinition, "id" | "onDismiss" | "dismissible">) => {
    const id = `flash-${nextId++}`;
    const dismiss = () => setItems((all) => all.filter((i) => i.id !== id));
    setItems((all) => [{ ...item, id, dismissible: true, dismissLabel: "Dismiss message", onDismiss: dismiss }, ...all].slice(0, 5));
  }, []);
  const value = useMemo<Flash>(
    () => ({
      items,
      error(e, action) {
        const err = e as { name?: string; message?: string };
        add({ type: "error", header: `${action}: ${err.name ?? "Error"}`, content: err.message ?? String(e) });
      },
      success(message) {
        add({ type: "success", content: message });
      },
    }),
    [items, add],
  );
  return <FlashContext.Provider value={value}>{children}</FlashContext.Provider>;
}

export function useFlash(): Flash {
  const flash = useContext(FlashContext);
  if (!flash) throw new Error("useFlash outside FlashProvider");
  return flash;
}
