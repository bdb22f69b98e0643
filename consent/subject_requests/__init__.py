"""Data-subject requests handled from the console or the API: a visitor's records looked up,
exported or erased, each logged with who handled it, through which channel and why (GDPR Art. 5(2)
accountability: the controller must show how it answered each request)."""
