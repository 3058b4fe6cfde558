// ListSecrets' Filters, SortBy/SortOrder and NextToken over SecretRecord lists. Pure: the
// caller fetches the records; paginate() is generic so ListSecretVersionIds and
// BatchGetSecretValue page the same way.

import { invalidParameter, type ServiceError, validation } from "../contract/service-error.js";
import { secretsError } from "./secret-errors.js";
import type { SecretRecord } from "../contract/secret-types.js";
import type { Filter, FilterNameStringType, SortByType, SortOrderType } from "../generated/secretsmanager-api.js";

/** A filter validateFilters accepted: Key and Values, optional in the model, are there. */
type CheckedFilter = Required<Filter>;

// The model's enums in the order AWS's messages list them (the generated API has only their types).
const FILTER_KEYS = ["description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"] as const satisfies readonly FilterNameStringType[];
const SORT_BY_VALUES = ["created-date", "last-accessed-date", "last-changed-date", "name"] as const satisfies readonly SortByType[];
const SORT_ORDER_VALUES = ["asc", "desc"] as const satisfies readonly SortOrderType[];
const MAX_FILTERS = 10;
const MAX_FILTER_VALUES = 10;
const MAX_FILTER_VALUE_LENGTH = 512;
const FILTER_VALUE_PATTERN = "^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$";
const MAX_RESULTS_LIMIT = 100;
const MAX_NEXT_TOKEN_LENGTH = 4096;
export const MSG_INVALID_NEXT_TOKEN = "The NextToken value is invalid.";
// The order AWS prints the enum in its message (observed with the first five keys; the two
// newer keys are appended as a guess).
const FILTER_KEYS_IN_MESSAGE = "[all, name, tag-key, description, tag-value, owning-service, primary-region]";

const filterValueRegex = new RegExp(FILTER_VALUE_PATTERN);

/** Keeps the records every filter matches: keys AND together, values within one filter OR. */
export function filterSecrets(records: SecretRecord[], filters: Filter[] | undefined): SecretRecord[] {
  if (filters === undefined) return records;
  validateFilters(filters);
  return records.filter((record) => filters.every((f) => f.Values.some((value) => valueMatches(record, f.Key, value))));
}

/** The prefixes a `name` filter without negations allows, when Filters has one (checked or not). */
export function namePrefixes(filters: Filter[] | undefined): string[] | undefined {
  // Before validateFilters: an optional member may still be null.
  const name = filters?.find((f) => f.Key === "name" && Array.isArray(f.Values) && f.Values.length > 0 && f.Values.every((v) => !v.startsWith("!")));
  return name?.Values;
}

/** Throws the error AWS gives for the first problem found in a Filters list. */
function validateFilters(filters: Filter[]): asserts filters is CheckedFilter[] {
  const problems: string[] = [];
  if (filters.length > MAX_FILTERS) {
    problems.push(`Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to ${MAX_FILTERS}`);
  }
  filters.forEach((f, i) => {
    const at = `filters.${i + 1}.member`;
    if (f.Key === undefined || f.Key === null) throw invalidParameter("Invalid filter key");
    if (!(FILTER_KEYS as readonly string[]).includes(f.Key)) {
      problems.push(`Value '${f.Key}' at '${at}.key' failed to satisfy constraint: Member must satisfy enum value set: ${FILTER_KEYS_IN_MESSAGE}`);
    }
    if (f.Values === undefined || f.Values === null) throw invalidParameter(`Invalid filter values for key: ${f.Key}`);
    if (f.Values.length < 1 || f.Values.length > MAX_FILTER_VALUES) {
      const bound = f.Values.length < 1 ? "greater than or equal to 1" : `less than or equal to ${MAX_FILTER_VALUES}`;
      problems.push(`Value '[${f.Values.join(", ")}]' at '${at}.values' failed to satisfy constraint: Member must have length ${bound}`);
    }
    f.Values.forEach((v, j) => {
      const failed: string[] = [];
      if (v.length > MAX_FILTER_VALUE_LENGTH) failed.push(`Member must have length less than or equal to ${MAX_FILTER_VALUE_LENGTH}`);
      if (!filterValueRegex.test(v)) failed.push(`Member must satisfy regular expression pattern: ${FILTER_VALUE_PATTERN}`);
      if (failed.length === 1) problems.push(`Value '${v}' at '${at}.values.${j + 1}.member' failed to satisfy constraint: ${failed[0]}`);
      if (failed.length > 1) {
        problems.push(`Value '${v}' at '${at}.values.${j + 1}.member' failed to satisfy constraint: Member must satisfy constraint: [${failed.join(", ")}]`);
      }
    });
  });
  if (problems.length > 0) throw validationErrors(problems);
}

function valueMatches(record: SecretRecord, key: string, value: string): boolean {
  // A leading '!' negates; the pattern itself may contain further '!' characters.
  const negated = value.startsWith("!");
  const term = negated ? value.slice(1) : value;
  const hit = termMatches(record, key, term);
  return negated ? !hit : hit;
}

function termMatches(record: SecretRecord, key: string, term: string): boolean {
  switch (key) {
    case "name":
      return record.name.startsWith(term);
    case "tag-key":
      return record.tags.some((t) => t.Key.startsWith(term));
    case "tag-value":
      return record.tags.some((t) => t.Value.startsWith(term));
    case "primary-region":
      return record.primaryRegion !== undefined && record.primaryRegion.startsWith(term);
    case "owning-service":
      return record.owningService !== undefined && record.owningService.startsWith(term);
    case "description":
      return wordsMatch(term, record.description === undefined ? [] : [record.description]);
    case "all":
      return wordsMatch(term, [record.name, record.description ?? "", ...record.tags.flatMap((t) => [t.Key, t.Value])]);
    default:
      return false;
  }
}

/**
 * Word search as the user guide describes it: both sides are broken into words (at case
 * changes, letter/digit changes and punctuation), compared case-insensitively, and every word
 * of the term must begin some word of the attributes.
 */
function wordsMatch(term: string, attributes: string[]): boolean {
  const wanted = splitWords(term);
  if (wanted.length === 0) return false;
  const have = attributes.flatMap(splitWords);
  return wanted.every((w) => have.some((h) => h.startsWith(w)));
}

/** "credsDatabase#892" -> ["creds", "database", "892"]; "HTTPServer" -> ["http", "server"]. */
export function splitWords(s: string): string[] {
  return (s.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? []).map((w) => w.toLowerCase());
}

/**
 * Orders records by SortBy (default created-date) and SortOrder (default asc, the order the
 * recorded AWS responses list secrets in). Ties fall back to name, then ARN, so pages are stable.
 */
export function sortSecrets(records: SecretRecord[], sortBy?: string, sortOrder?: string): SecretRecord[] {
  const by = sortBy ?? "created-date";
  const order = sortOrder ?? "asc";
  const problems: string[] = [];
  if (!(SORT_BY_VALUES as readonly string[]).includes(by)) {
    problems.push(`Value '${by}' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [${SORT_BY_VALUES.join(", ")}]`);
  }
  if (!(SORT_ORDER_VALUES as readonly string[]).includes(order)) {
    problems.push(`Value '${order}' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [${SORT_ORDER_VALUES.join(", ")}]`);
  }
  if (problems.length > 0) throw validationErrors(problems);

  const primary = (a: SecretRecord, b: SecretRecord): number => {
    switch (by) {
      case "name":
        return compareStrings(a.name, b.name);
      case "last-changed-date":
        return a.lastChangedDate - b.lastChangedDate;
      case "last-accessed-date":
        // never-read secrets count as the oldest
        return (a.lastAccessedDate ?? 0) - (b.lastAccessedDate ?? 0);
      default:
        return a.createdDate - b.createdDate;
    }
  };
  const sign = order === "desc" ? -1 : 1;
  return [...records].sort((a, b) => sign * primary(a, b) || compareStrings(a.name, b.name) || compareStrings(a.arn, b.arn));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One page of items. NextToken is opaque to callers: it encodes the offset of the next item
 * and is refused with AWS's InvalidNextTokenException when it cannot be read back.
 */
/** MaxResults, or the default, checked as AWS checks it. */
export function pageSize(maxResults: number | undefined, defaultMax: number): number {
  const limit = maxResults ?? defaultMax;
  if (!Number.isInteger(limit) || limit < 1) {
    throw validationErrors([`Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1`]);
  }
  if (limit > MAX_RESULTS_LIMIT) {
    throw validationErrors([`Value '${limit}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_RESULTS_LIMIT}`]);
  }
  return limit;
}

export function paginate<T>(
  items: T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  defaultMax: number,
): { page: T[]; nextToken?: string } {
  const limit = pageSize(maxResults, defaultMax);
  const start = nextToken === undefined ? 0 : decodeNextToken(nextToken);
  const end = start + limit;
  const page = items.slice(start, end);
  return end < items.length ? { page, nextToken: encodeNextToken(end) } : { page };
}

const TOKEN_PREFIX = "meridian-page:";

export function encodeNextToken(offset: number): string {
  return Buffer.from(`${TOKEN_PREFIX}${offset}`, "utf8").toString("base64url");
}

/** The offset a token carries; any token not produced by encodeNextToken is refused. */
export function decodeNextToken(token: string): number {
  if (token.length < 1 || token.length > MAX_NEXT_TOKEN_LENGTH) {
    const bound = token.length < 1 ? "greater than or equal to 1" : `less than or equal to ${MAX_NEXT_TOKEN_LENGTH}`;
    throw validationErrors([`Value '${token}' at 'nextToken' failed to satisfy constraint: Member must have length ${bound}`]);
  }
  const text = Buffer.from(token, "base64url").toString("utf8");
  const match = /^meridian-page:(0|[1-9][0-9]{0,8})$/.exec(text);
  if (!match || encodeNextToken(Number(match[1])) !== token) throw invalidNextToken();
  return Number(match[1]);
}

const invalidNextToken = () => secretsError("InvalidNextTokenException", MSG_INVALID_NEXT_TOKEN);

function validationErrors(problems: string[]): ServiceError {
  const n = problems.length;
  return validation(`${n} validation error${n === 1 ? "" : "s"} detected: ${problems.join("; ")}`);
}
