// Dates and statuses as the AWS console writes them.

export const day = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : "-");
export const dateTime = (d: Date | undefined) => (d ? `${d.toISOString().slice(0, 19).replace("T", " ")} UTC` : "-");
