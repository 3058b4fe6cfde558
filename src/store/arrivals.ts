// When work that may depend on another process's acknowledged change arrives in this process: a
// request read from the network (the edge marks it), a background job's run, an outbox pass. A
// client that saw an acknowledgement from another process can only reach this one through a later
// arrival, so a store's look at its change counters (generations) taken after the latest arrival is
// as good as a new one for every check made before the next (issue 14, item 4). Until a process has
// marked any arrival (a command, a test opening stores directly) a look serves one turn of the event
// loop only.

let arrivals = 0;

/** Work arrives: the next check of a store's change counters looks again. */
export function markArrival(): void {
  arrivals++;
}

/** How many arrivals this process has marked; 0: it marks none, so looks last one turn. */
export function arrivalCount(): number {
  return arrivals;
}
