{
  version: 1,
  elementID: "klaro",
  storageMethod: "cookie",
  cookieName: "klaro",
  default: false,
  mustConsent: false,
  acceptAll: true,
  hideDeclineAll: false,
  lang: "en",
  translations: {
    en: {
      ok: "Accept all",
      decline: "Reject all",
      consentNotice: { description: "We use cookies for the site to work and, with your consent, to measure its audience.", learnMore: "Manage preferences" },
      purposes: { analytics: "Analytics" },
    },
  },
  services: [{ name: "analytics", title: "Analytics", purposes: ["analytics"] }],
}