#!/usr/bin/env node
// Thin adapter over the IAB reference library `@iabgpp/cmpapi` (npm, from the repo's node_modules)
// that speaks the canonical JSON of docs/gpp-canonical-json.md, so the Python GPP codec
// (privacy_signals/gpp) can be cross-checked byte for byte and field by field.
//
//   node iabgpp.mjs serve                   one JSON request a line on stdin, one answer a line:
//     {"op": "decode", "input": GPP string}           -> canonical JSON of the string
//     {"op": "decode-section", "section": name, "input": text} -> {"fields": {...}}
//     {"op": "encode", "input": canonical JSON}      -> canonical JSON of the string the library
//                                                       encodes, as the library decodes it again
//     {"op": "fields", "section": name}              -> {"names": [...], "defaults": {...}}
//   node iabgpp.mjs bench CASES SECS REPS   in-process timing loops, prints one JSON line of ops/s
//
// One process answers a whole test module's requests (the suite keeps it running).
//
// The library decodes lazily; every answer reads every field, so a defect anywhere surfaces as the
// line's error. Fields are read with getFieldValue, which also knows the "included" flags
// (GpcSegmentIncluded, SensitiveDataConsentSegmentIncluded) that getSection leaves out.
//
// Encoding sets each field through the section's generic setter (AbstractLazilyEncodableSection)
// in the section's own field order, so the bits are the library's encoders' for exactly the given
// values: TcfEuV2's public setFieldValue would also rewrite Created/LastUpdated to today and clear
// the legitimate interest of purposes 1 and 3-6 (the Python codec documents that it does neither).
import { readFileSync } from 'node:fs';
import * as gpp from '@iabgpp/cmpapi';
import { canonicalJson, opsPerSecond, serve } from '../../canonical-json.mjs';

const { GppModel, HeaderV1, RangeEntry, Sections } = gpp;
const SECTION_CLASSES = new Map(
  Object.values(gpp)
    .filter((value) => typeof value === 'function' && typeof value.NAME === 'string' && value.NAME !== HeaderV1.NAME)
    .map((cls) => [cls.NAME, cls]),
);
const DATE_FIELDS = new Set(['Created', 'LastUpdated']);
const RANGE_FIELDS = new Set(['PublisherRestrictions', 'PubRestrictions']);
const genericSetFieldValue = gpp.AbstractLazilyEncodableSection.prototype.setFieldValue;

function fieldNames(section) {
  const names = [];
  for (const segment of section.segments) {
    for (const name of segment.fields.fields.keys()) names.push(name);
  }
  return names;
}

function jsonValue(value) {
  // As JSON.stringify writes the library's values: Date -> ISO string, RangeEntry -> {key, type, ids}.
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value) && value.length > 0 && value[0] instanceof RangeEntry) {
    return value.map((entry) => ({ key: entry.key, type: entry.type, ids: entry.ids }));
  }
  return value;
}

function sectionFields(section) {
  const fields = {};
  for (const name of fieldNames(section)) fields[name] = jsonValue(section.getFieldValue(name));
  return fields;
}

function canonicalModel(model, gppString) {
  const sections = {};
  for (const name of Sections.SECTION_ORDER) {
    if (model.hasSection(name)) sections[name] = sectionFields(model.sections.get(name));
  }
  return { gppString, sectionIds: model.getSectionIds(), sections };
}

function sectionClass(name) {
  const Section = SECTION_CLASSES.get(name);
  if (!Section) throw new Error(`unknown section ${name}`);
  return Section;
}

function libraryValue(name, value) {
  if (DATE_FIELDS.has(name)) return new Date(value);
  if (RANGE_FIELDS.has(name)) return value.map((entry) => new RangeEntry(entry.key, entry.type, entry.ids));
  return value;
}

function modelFromCanonical(obj) {
  const model = new GppModel();
  for (const [name, fields] of Object.entries(obj.sections ?? {})) {
    const section = new (sectionClass(name))();
    model.sections.set(name, section);
    for (const field of fieldNames(section)) {
      if (field in fields) genericSetFieldValue.call(section, field, libraryValue(field, fields[field]));
    }
  }
  return model;
}

function answer(line) {
  const request = JSON.parse(line);
  if (request.op === 'decode') {
    return canonicalModel(new GppModel(request.input), request.input);
  }
  if (request.op === 'decode-section') {
    return { fields: sectionFields(new (sectionClass(request.section))(request.input)) };
  }
  if (request.op === 'encode') {
    const gppString = modelFromCanonical(request.input).encode();
    return canonicalModel(new GppModel(gppString), gppString);
  }
  if (request.op === 'fields') {
    const section = new (sectionClass(request.section))();
    return { names: fieldNames(section), defaults: sectionFields(section) };
  }
  throw new Error(`unknown op ${request.op}`);
}

function bench(casesPath, seconds, repetitions) {
  const cases = JSON.parse(readFileSync(casesPath, 'utf8'));
  const result = {};
  for (const benchCase of cases) {
    const encoded = modelFromCanonical(benchCase.model).encode();
    if (encoded !== benchCase.gppString) {
      throw new Error(`case ${benchCase.name}: the library encodes ${encoded}, Python gave ${benchCase.gppString}`);
    }
    const decodeRuns = [];
    const encodeRuns = [];
    for (let rep = 0; rep < repetitions; rep++) {
      encodeRuns.push(opsPerSecond(() => modelFromCanonical(benchCase.model).encode(), seconds));
      decodeRuns.push(opsPerSecond(() => new GppModel(benchCase.gppString).toObject(), seconds));
    }
    result[benchCase.name] = { encode: encodeRuns, decode: decodeRuns };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'serve') {
  await serve(answer);
} else if (mode === 'bench') {
  bench(args[0], Number(args[1] ?? 1), Number(args[2] ?? 5));
} else {
  process.stderr.write('usage: iabgpp.mjs serve|bench CASES.json SECONDS REPETITIONS\n');
  process.exitCode = 2;
}
