// The secrets of the Region: search by name, description or tag (ListSecrets' "all" filter),
// pages of twenty, the last retrieved date, and whether each is a primary or a replica (with its
// primary Region). "Store a new secret" leads to the form.

import { useState } from "react";
import Button from "@cloudscape-design/components/button";
import Header from "@cloudscape-design/components/header";
import Link from "@cloudscape-design/components/link";
import Pagination from "@cloudscape-design/components/pagination";
import Table from "@cloudscape-design/components/table";
import TextFilter from "@cloudscape-design/components/text-filter";
import ContentLayout from "@cloudscape-design/components/content-layout";
import { ListSecretsCommand, type SecretListEntry } from "@aws-sdk/client-secrets-manager";
import type { Clients } from "../clients";
import { useLoad } from "../use-load";
import { navigate, secretHref } from "../route";
import { day } from "../format";

const PAGE = 20;

export function SecretsPage({ clients }: { clients: Clients }) {
  const [filter, setFilter] = useState("");
  const [applied, setApplied] = useState("");
  /** the NextToken of each page after the first */
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);

  const list = useLoad(
    async () => {
      const out = await clients.secrets.send(
        new ListSecretsCommand({
          MaxResults: PAGE,
          NextToken: tokens[pageIndex],
          IncludePlannedDeletion: true,
          SortOrder: "asc",
          ...(applied ? { Filters: [{ Key: "all", Values: [applied] }] } : {}),
        }),
      );
      if (out.NextToken && tokens.length === pageIndex + 1) setTokens((t) => [...t, out.NextToken]);
      return out.SecretList ?? [];
    },
    [clients, applied, pageIndex],
    "Listing secrets failed",
  );

  const search = (text: string) => {
    setApplied(text);
    setTokens([undefined]);
    setPageIndex(0);
  };

  return (
    <ContentLayout header={<Header variant="h1" description={`Secrets in ${clients.region}`}>Secrets</Header>}>
      <Table<SecretListEntry>
        variant="container"
        trackBy="ARN"
        loading={list.loading}
        loadingText="Loading secrets"
        items={list.value ?? []}
        empty="No secrets"
        header={
          <Header counter={list.value ? `(${list.value.length}${tokens.length > pageIndex + 1 ? "+" : ""})` : undefined} actions={<Button variant="primary" onClick={() => navigate("#/secrets/new")}>Store a new secret</Button>}>
            Secrets
          </Header>
        }
        filter={
          <TextFilter
            filteringText={filter}
            filteringPlaceholder="Filter secrets by name, description or tag"
            filteringAriaLabel="Filter secrets"
            onChange={({ detail }) => setFilter(detail.filteringText)}
            onDelayedChange={({ detail }) => search(detail.filteringText)}
          />
        }
        pagination={
          <Pagination
            currentPageIndex={pageIndex + 1}
            pagesCount={tokens.length}
            openEnd={tokens.length > pageIndex + 1}
            onChange={({ detail }) => setPageIndex(detail.currentPageIndex - 1)}
            ariaLabels={{ nextPageLabel: "Next page", previousPageLabel: "Previous page", pageLabel: (n) => `Page ${n}` }}
          />
        }
        columnDefinitions={[
          { id: "name", header: "Secret name", cell: (s) => <Link href={secretHref(s.Name!)}>{s.Name}</Link>, isRowHeader: true },
          { id: "description", header: "Description", cell: (s) => s.Description ?? "-" },
          { id: "retrieved", header: "Last retrieved (UTC)", cell: (s) => day(s.LastAccessedDate) },
          { id: "type", header: "Type", cell: (s) => (s.PrimaryRegion && s.PrimaryRegion !== clients.region ? "Replica" : "Primary") },
          { id: "primary", header: "Primary Region", cell: (s) => s.PrimaryRegion ?? clients.region },
          { id: "deleted", header: "Deletion", cell: (s) => (s.DeletedDate ? `Scheduled` : "-") },
        ]}
      />
    </ContentLayout>
  );
}
