// Reads a template body: JSON, or YAML whose short forms (!Ref, !Sub, !GetAtt …) the `yaml`
// library's custom tags turn into the long forms ({"Ref": …}, {"Fn::Sub": …}), so the rest of the
// code sees one shape. Checks the sections' shapes; what the sections say is checked later.

import { parse as parseYaml, YAMLParseError, type Tags } from "yaml";
import { formatError } from "./template-errors.js";
import type { Template } from "./template-types.js";

const FUNCTIONS = ["Sub", "Join", "Select", "Split", "If", "Equals", "And", "Or", "Not", "FindInMap", "Base64", "GetAZs", "ImportValue", "Cidr", "GetAtt", "Length", "ToJsonString"];

function shortForms(): Tags {
  const tags: Tags = [];
  for (const f of FUNCTIONS) {
    const key = `Fn::${f}`;
    // !GetAtt Resource.Attribute is the one short form whose scalar is split
    tags.push({ tag: `!${f}`, resolve: (s: string) => ({ [key]: f === "GetAtt" ? splitGetAtt(s) : s }) });
    tags.push({ tag: `!${f}`, collection: "seq", resolve: (seq) => ({ [key]: seq.toJSON() }) });
    tags.push({ tag: `!${f}`, collection: "map", resolve: (map) => ({ [key]: map.toJSON() }) });
  }
  tags.push({ tag: "!Ref", resolve: (s: string) => ({ Ref: s }) });
  tags.push({ tag: "!Condition", resolve: (s: string) => ({ Condition: s }) });
  return tags;
}

function splitGetAtt(s: string): string[] {
  const dot = s.indexOf(".");
  return dot < 0 ? [s] : [s.slice(0, dot), s.slice(dot + 1)];
}

const TAGS = shortForms();
const SECTIONS = new Set(["AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Mappings", "Conditions", "Resources", "Outputs", "Transform", "Rules"]);

function readBody(body: string): unknown {
  if (body.trimStart().startsWith("{")) {
    try {
      return JSON.parse(body);
    } catch {
      throw formatError("JSON not well-formed.");
    }
  }
  try {
    return parseYaml(body, { customTags: TAGS, schema: "core", uniqueKeys: true, maxAliasCount: 100 });
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const at = e.linePos?.[0];
      throw formatError(`YAML not well-formed.${at ? ` (line ${at.line}, column ${at.col})` : ""}`);
    }
    throw formatError("YAML not well-formed.");
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function parseTemplate(body: string): Template {
  const raw = readBody(body);
  if (!isObject(raw)) throw formatError("not a valid template: the top level must be an object.");
  for (const key of Object.keys(raw)) {
    if (!SECTIONS.has(key)) throw formatError(`Invalid template property or properties [${key}]`);
  }
  if (raw.Transform !== undefined) throw formatError("Transforms are not supported by Meridian.");
  const section = (name: string): Record<string, never> => {
    const v = raw[name];
    if (v === undefined || v === null) return {};
    if (!isObject(v)) throw formatError(`${name} section must be an object.`);
    return v as Record<string, never>;
  };
  const resources = section("Resources");
  if (Object.keys(resources).length === 0) throw formatError("At least one Resources member must be defined.");
  for (const [id, r] of Object.entries(resources) as [string, unknown][]) {
    if (!/^[A-Za-z0-9]+$/.test(id)) throw formatError(`Resource name ${id} is non alphanumeric.`);
    if (!isObject(r) || typeof r.Type !== "string") throw formatError(`[/Resources/${id}] Every Resources object must contain a Type member.`);
    if (r.Properties !== undefined && !isObject(r.Properties)) throw formatError(`[/Resources/${id}/Properties] Properties must be an object.`);
  }
  const parameters = section("Parameters");
  for (const [name, p] of Object.entries(parameters) as [string, unknown][]) {
    if (!isObject(p) || typeof p.Type !== "string") throw formatError(`[/Parameters/${name}] Every Parameters object must contain a Type member.`);
  }
  const outputs = section("Outputs");
  for (const [name, o] of Object.entries(outputs) as [string, unknown][]) {
    if (!isObject(o) || o.Value === undefined) throw formatError(`[/Outputs/${name}] Every Outputs member must contain a Value object`);
  }
  return {
    ...(typeof raw.AWSTemplateFormatVersion === "string" ? { AWSTemplateFormatVersion: raw.AWSTemplateFormatVersion } : {}),
    ...(typeof raw.Description === "string" ? { Description: raw.Description } : {}),
    ...(isObject(raw.Metadata) ? { Metadata: raw.Metadata } : {}),
    Parameters: parameters,
    Mappings: section("Mappings"),
    Conditions: section("Conditions"),
    Resources: resources,
    Outputs: outputs,
  };
}
