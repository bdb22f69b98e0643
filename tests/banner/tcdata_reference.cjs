// Reference TCData for TC strings, built the way the IAB's own CMP API (@iabtechlabtcf/cmpapi)
// builds it, from @iabtechlabtcf/core's decoding. Reads a JSON array of TC strings on stdin and
// prints a JSON array of TCData objects (the fields that come from the string).
const path = require("path");
const { TCString } = require(path.join(process.cwd(), "node_modules/@iabtechlabtcf/core"));

function vector(v) {
  const out = {};
  if (!v) return out;
  for (let id = 1; id <= v.maxId; id++) out[id] = v.has(id);
  return out;
}

function restrictions(prv) {
  const out = {};
  if (!prv || prv.numRestrictions === 0) return out;
  const maxVendorId = prv.getMaxVendorId();
  for (let vendorId = 1; vendorId <= maxVendorId; vendorId++) {
    for (const r of prv.getRestrictions(vendorId)) {
      out[r.purposeId] = out[r.purposeId] || {};
      out[r.purposeId][vendorId] = r.restrictionType;
    }
  }
  return out;
}

function tcData(tcString) {
  const m = TCString.decode(tcString);
  return {
    tcString,
    tcfPolicyVersion: m.policyVersion,
    cmpId: m.cmpId,
    cmpVersion: m.cmpVersion,
    isServiceSpecific: m.isServiceSpecific,
    useNonStandardTexts: m.useNonStandardTexts,
    publisherCC: m.publisherCountryCode,
    purposeOneTreatment: m.purposeOneTreatment,
    purpose: { consents: vector(m.purposeConsents), legitimateInterests: vector(m.purposeLegitimateInterests) },
    vendor: {
      consents: vector(m.vendorConsents),
      legitimateInterests: vector(m.vendorLegitimateInterests),
      disclosedVendors: vector(m.vendorsDisclosed),
    },
    specialFeatureOptins: vector(m.specialFeatureOptins),
    publisher: {
      consents: vector(m.publisherConsents),
      legitimateInterests: vector(m.publisherLegitimateInterests),
      customPurpose: {
        consents: vector(m.publisherCustomConsents),
        legitimateInterests: vector(m.publisherCustomLegitimateInterests),
      },
      restrictions: restrictions(m.publisherRestrictions),
    },
  };
}

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => process.stdout.write(JSON.stringify(JSON.parse(input).map(tcData))));
