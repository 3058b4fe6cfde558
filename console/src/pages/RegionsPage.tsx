// Regions of the partition and their opt-in status; an opt-in Region is enabled or disabled here
// (EnableRegion / DisableRegion), and the table follows its progress until it settles.

import { useState } from "react";
import Button from "@cloudscape-design/components/button";
import Header from "@cloudscape-design/components/header";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator, { type StatusIndicatorProps } from "@cloudscape-design/components/status-indicator";
import Table from "@cloudscape-design/components/table";
import ContentLayout from "@cloudscape-design/components/content-layout";
import { DisableRegionCommand, EnableRegionCommand, type Region } from "@aws-sdk/client-account";
import type { Clients } from "../clients";
import { useFlash } from "../flash";
import { useLoad } from "../use-load";
import { changing, listRegions, statusText } from "../regions";

const indicator: Record<string, StatusIndicatorProps.Type> = {
  ENABLED: "success",
  ENABLED_BY_DEFAULT: "success",
  ENABLING: "in-progress",
  DISABLING: "in-progress",
  DISABLED: "stopped",
};

export function RegionsPage({ clients, current, onChanged }: { clients: Clients; current: string; onChanged: () => void }) {
  const flash = useFlash();
  const [selected, setSelected] = useState<Region[]>([]);
  const regions = useLoad(() => listRegions(clients.account), [clients], "Listing Regions failed", { ms: 2000, while: (rs) => rs.some(changing) });
  const choice = selected[0];
  const optIn = choice && choice.RegionOptStatus !== "ENABLED_BY_DEFAULT";

  async function change(enable: boolean) {
    if (!choice?.RegionName) return;
    try {
      const input = { RegionName: choice.RegionName };
      await clients.account.send(enable ? new EnableRegionCommand(input) : new DisableRegionCommand(input));
      flash.success(`${enable ? "Enabling" : "Disabling"} ${choice.RegionName}.`);
      setSelected([]);
      await regions.reload();
      onChanged();
    } catch (e) {
      flash.error(e, `${enable ? "Enabling" : "Disabling"} ${choice.RegionName} failed`);
    }
  }

  return (
    <ContentLayout header={<Header variant="h1" description="The Regions of your partition. Opt-in Regions must be enabled before use.">Regions</Header>}>
      <Table
        variant="container"
        selectionType="single"
        selectedItems={selected}
        onSelectionChange={({ detail }) => setSelected(detail.selectedItems)}
        trackBy="RegionName"
        loading={regions.loading && !regions.value}
        loadingText="Loading Regions"
        items={regions.value ?? []}
        ariaLabels={{ selectionGroupLabel: "Regions", itemSelectionLabel: (_s, r) => `Select ${r.RegionName}`, allItemsSelectionLabel: () => "Select all" }}
        header={
          <Header
            counter={`(${regions.value?.length ?? 0})`}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button disabled={!optIn || choice?.RegionOptStatus !== "DISABLED"} onClick={() => void change(true)}>Enable</Button>
                <Button disabled={!optIn || choice?.RegionOptStatus !== "ENABLED"} onClick={() => void change(false)}>Disable</Button>
              </SpaceBetween>
            }
          >
            Regions
          </Header>
        }
        columnDefinitions={[
          { id: "name", header: "Region", cell: (r) => (r.RegionName === current ? `${r.RegionName} (current)` : r.RegionName) },
          { id: "status", header: "Status", cell: (r) => <StatusIndicator type={indicator[r.RegionOptStatus ?? ""] ?? "info"}>{statusText[r.RegionOptStatus ?? ""] ?? r.RegionOptStatus}</StatusIndicator> },
          { id: "optin", header: "Opt-in", cell: (r) => (r.RegionOptStatus === "ENABLED_BY_DEFAULT" ? "No" : "Yes") },
        ]}
      />
    </ContentLayout>
  );
}
