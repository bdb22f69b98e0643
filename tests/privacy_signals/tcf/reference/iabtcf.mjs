#!/usr/bin/env node
// Thin adapter over the official IAB library `@iabtechlabtcf/core` (npm, from the repo's node_modules)
// that speaks the canonical JSON contract of docs/tcf-canonical-json.md, so the project's
// Python codec can be cross-checked against the reference byte for byte and field by field.
//
//   node iabtcf.mjs decode            TC strings on stdin, one a line -> one canonical JSON line each
//   node iabtcf.mjs encode            canonical JSON objects on stdin -> canonical JSON of the result
//   node iabtcf.mjs bench CASES SECS REPS  in-process timing loops, prints one JSON line of ops/s
//   node iabtcf.mjs time-decode STRING     milliseconds of one decode
//
// decode/encode read stdin as a stream and answer every line as soon as it is read, so one process
// serves thousands of requests; the exit status is 1 when any line failed.
//
// Encoding writes the bits exactly as given: it calls the library's SegmentEncoder per segment and
// skips TCString.encode's SemanticPreEncoder, which needs a GVL and rewrites the model.
import { readFileSync } from 'node:fs';
import { PurposeRestriction, SegmentEncoder, TCModel, TCString } from '@iabtechlabtcf/core';
import { canonicalJson, opsPerSecond, serve } from '../../canonical-json.mjs';

const SEGMENT_NAMES = ['core', 'vendorsDisclosed', 'vendorsAllowed', 'publisherTC'];
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function ids(vector) {
  return Array.from(vector.values()).sort((a, b) => a - b);
}

function segmentNames(tcString) {
  return tcString.split('.').map((segment) => {
    const sextet = BASE64URL.indexOf(segment.charAt(0));
    return SEGMENT_NAMES[sextet >> 3] ?? `unknown${sextet >> 3}`;
  });
}

function deciseconds(date) {
  return Math.round(date.getTime() / 100);
}

function canonicalModel(model, segments, tcString) {
  const out = {
    tcString,
    segments,
    version: model.version,
    created: model.created.toISOString(),
    createdDeciseconds: deciseconds(model.created),
    lastUpdated: model.lastUpdated.toISOString(),
    lastUpdatedDeciseconds: deciseconds(model.lastUpdated),
    cmpId: model.cmpId,
    cmpVersion: model.cmpVersion,
    consentScreen: model.consentScreen,
    consentLanguage: model.consentLanguage,
    vendorListVersion: model.vendorListVersion,
    purposeConsents: ids(model.purposeConsents),
    vendorConsents: ids(model.vendorConsents),
  };
  if (model.version === 1) {
    return out;
  }
  const restrictions = [];
  model.publisherRestrictions.map.forEach((vendorSet, hash) => {
    const [purposeId, restrictionType] = hash.split('-').map(Number);
    restrictions.push({ purposeId, restrictionType, vendorIds: Array.from(vendorSet).sort((a, b) => a - b) });
  });
  restrictions.sort((a, b) => a.purposeId - b.purposeId || a.restrictionType - b.restrictionType);
  const hasPublisherTC = segments.includes('publisherTC');
  Object.assign(out, {
    policyVersion: model.policyVersion,
    isServiceSpecific: model.isServiceSpecific,
    useNonStandardTexts: model.useNonStandardTexts,
    purposeOneTreatment: model.purposeOneTreatment,
    publisherCountryCode: model.publisherCountryCode,
    specialFeatureOptins: ids(model.specialFeatureOptins),
    purposeLegitimateInterests: ids(model.purposeLegitimateInterests),
    vendorLegitimateInterests: ids(model.vendorLegitimateInterests),
    publisherRestrictions: restrictions,
    vendorsDisclosed: segments.includes('vendorsDisclosed') ? ids(model.vendorsDisclosed) : null,
    vendorsAllowed: segments.includes('vendorsAllowed') ? ids(model.vendorsAllowed) : null,
    publisherConsents: hasPublisherTC ? ids(model.publisherConsents) : null,
    publisherLegitimateInterests: hasPublisherTC ? ids(model.publisherLegitimateInterests) : null,
    numCustomPurposes: hasPublisherTC ? model.numCustomPurposes : null,
    publisherCustomConsents: hasPublisherTC ? ids(model.publisherCustomConsents) : null,
    publisherCustomLegitimateInterests: hasPublisherTC ? ids(model.publisherCustomLegitimateInterests) : null,
  });
  return out;
}

function dateFrom(obj, key) {
  const exact = obj[`${key}Deciseconds`];
  if (exact !== undefined && exact !== null) {
    return new Date(exact * 100);
  }
  if (typeof obj[key] === 'string') {
    return new Date(Math.round(Date.parse(obj[key]) / 100) * 100);
  }
  throw new Error(`${key} or ${key}Deciseconds is required`);
}

// Treat every id as a GVL member, so publisher-restriction runs are exactly the consecutive ids.
const EVERY_ID_GVL = { vendorIds: { has: () => true } };

function modelFromCanonical(obj) {
  const model = new TCModel();
  model.version = obj.version ?? 2;
  if (model.version !== 2) {
    throw new Error(`only version 2 can be encoded, got ${model.version}`);
  }
  model.created = dateFrom(obj, 'created');
  model.lastUpdated = dateFrom(obj, 'lastUpdated');
  // The public setter refuses CmpId 0 and 1; the contract writes them as given (negative tests).
  model.cmpId_ = obj.cmpId ?? 0;
  model.cmpVersion = obj.cmpVersion ?? 0;
  model.consentScreen = obj.consentScreen ?? 0;
  model.consentLanguage = obj.consentLanguage ?? 'EN';
  model.vendorListVersion = obj.vendorListVersion ?? 0;
  model.policyVersion = obj.policyVersion ?? 5;
  model.isServiceSpecific = obj.isServiceSpecific ?? true;
  model.useNonStandardTexts = obj.useNonStandardTexts ?? obj.useNonStandardStacks ?? false;
  model.purposeOneTreatment = obj.purposeOneTreatment ?? false;
  model.publisherCountryCode = obj.publisherCountryCode ?? 'AA';
  for (const key of [
    'specialFeatureOptins', 'purposeConsents', 'purposeLegitimateInterests', 'vendorConsents',
    'vendorLegitimateInterests', 'vendorsDisclosed', 'vendorsAllowed', 'publisherConsents',
    'publisherLegitimateInterests', 'publisherCustomConsents', 'publisherCustomLegitimateInterests',
  ]) {
    if (Array.isArray(obj[key])) {
      model[key].set(obj[key]);
    }
  }
  model.publisherRestrictions.gvl = EVERY_ID_GVL;
  for (const restriction of obj.publisherRestrictions ?? []) {
    const purposeRestriction = new PurposeRestriction(restriction.purposeId, restriction.restrictionType);
    for (const vendorId of restriction.vendorIds) {
      model.publisherRestrictions.add(vendorId, purposeRestriction);
    }
  }
  const customIds = [...(obj.publisherCustomConsents ?? []), ...(obj.publisherCustomLegitimateInterests ?? [])];
  model.numCustomPurposes = obj.numCustomPurposes ?? (customIds.length ? Math.max(...customIds) : 0);
  let segments = obj.segments;
  if (segments === undefined || segments === null) {
    segments = ['core'];
    for (const name of ['vendorsDisclosed', 'vendorsAllowed']) {
      if (obj[name] !== undefined && obj[name] !== null) segments.push(name);
    }
    const publisherKeys = ['publisherConsents', 'publisherLegitimateInterests', 'numCustomPurposes',
      'publisherCustomConsents', 'publisherCustomLegitimateInterests'];
    if (publisherKeys.some((key) => obj[key] !== undefined && obj[key] !== null)) segments.push('publisherTC');
  }
  if (segments[0] !== 'core') {
    throw new Error('segments must start with core');
  }
  return { model, segments };
}

function encodeModel(model, segments) {
  return segments.map((segment) => SegmentEncoder.encode(model, segment)).join('.');
}

function decodeLine(line) {
  const model = TCString.decode(line);
  return canonicalModel(model, segmentNames(line), line);
}

function encodeLine(line) {
  const { model, segments } = modelFromCanonical(JSON.parse(line));
  const tcString = encodeModel(model, segments);
  return canonicalModel(model, segments, tcString);
}

function bench(casesPath, seconds, repetitions) {
  const cases = JSON.parse(readFileSync(casesPath, 'utf8'));
  const result = {};
  for (const benchCase of cases) {
    const { model, segments } = modelFromCanonical(benchCase.model);
    const tcString = encodeModel(model, segments);
    if (tcString !== benchCase.tcString) {
      throw new Error(`case ${benchCase.name}: reference encodes ${tcString}, Python gave ${benchCase.tcString}`);
    }
    const encodeRuns = [];
    const decodeRuns = [];
    for (let rep = 0; rep < repetitions; rep++) {
      encodeRuns.push(opsPerSecond(() => encodeModel(model, segments), seconds));
      decodeRuns.push(opsPerSecond(() => TCString.decode(tcString), seconds));
    }
    result[benchCase.name] = { encode: encodeRuns, decode: decodeRuns };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'decode') {
  await serve(decodeLine);
} else if (mode === 'encode') {
  await serve(encodeLine);
} else if (mode === 'bench') {
  bench(args[0], Number(args[1] ?? 1), Number(args[2] ?? 5));
} else if (mode === 'time-decode') {
  // One decode of one (crafted) string, timed in-process: shows the cost of wide ranges.
  const start = performance.now();
  let outcome = 'decoded';
  try {
    TCString.decode(args[0]);
  } catch (err) {
    outcome = `${err.name}: ${err.message}`;
  }
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - start, outcome })}\n`);
} else {
  process.stderr.write('usage: iabtcf.mjs decode|encode|bench CASES.json SECONDS REPETITIONS|time-decode STRING\n');
  process.exitCode = 2;
}
