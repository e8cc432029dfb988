"""The portal's pages: sign-in (``auth``), the reporting body's (``body``), the county office's
(``county``); helpers and the error pages in ``common``."""
