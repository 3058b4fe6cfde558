// The topology names partitions, their Regions, which Regions are opt-in, and each partition's
// home Region (where account and identity data is written first). DESIGN §3.

export interface RegionInfo {
  name: string;
  partition: string;
  optIn: boolean;
  /** base URL of the Region's endpoint in a distributed deployment */
  endpoint?: string;
  /** the AWS Lambda API this Region invokes rotation functions at; wins over --lambda-endpoint (issue 13) */
  lambdaEndpoint?: string;
  /** the Region's store: `sqlite` or a PostgreSQL connection string; wins over --store (issue 14) */
  store?: string;
}

export interface PartitionInfo {
  name: string;
  homeRegion: string;
  regions: RegionInfo[];
}

export interface Topology {
  partitions: PartitionInfo[];
}

const commercial = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
  "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
  "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-south-1",
];
const commercialOptIn = ["af-south-1", "ap-east-1", "eu-south-1", "me-south-1"];

function partition(name: string, homeRegion: string, regions: string[], optIn: string[] = []): PartitionInfo {
  return {
    name,
    homeRegion,
    regions: [
      ...regions.map((r) => ({ name: r, partition: name, optIn: false })),
      ...optIn.map((r) => ({ name: r, partition: name, optIn: true })),
    ],
  };
}

export const defaultTopology: Topology = {
  partitions: [
    partition("aws", "us-east-1", commercial, commercialOptIn),
    partition("aws-us-gov", "us-gov-west-1", ["us-gov-west-1", "us-gov-east-1"]),
    partition("aws-cn", "cn-north-1", ["cn-north-1", "cn-northwest-1"]),
  ],
};

export function allRegions(topology: Topology): RegionInfo[] {
  return topology.partitions.flatMap((p) => p.regions);
}

// Looked up on every request (opt-in checks): indexed once per topology.
const indexes = new WeakMap<Topology, Map<string, RegionInfo>>();

export function findRegion(topology: Topology, region: string): RegionInfo | undefined {
  let index = indexes.get(topology);
  if (!index) {
    index = new Map(allRegions(topology).map((r) => [r.name, r]));
    indexes.set(topology, index);
  }
  return index.get(region);
}

export function partitionOf(topology: Topology, partitionName: string): PartitionInfo {
  const found = topology.partitions.find((p) => p.name === partitionName);
  if (!found) throw new Error(`unknown partition ${partitionName}`);
  return found;
}
