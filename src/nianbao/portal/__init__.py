"""The county submission portal (``nianbao serve``): a Django site on top of the library.

Bodies sign in with an access code, download their template, upload the filled workbook and
see the importer's findings at once; the county office sees the live status board and
downloads the files ``nianbao collect`` writes. Install with ``pip install 'nianbao[portal]'``.
Nothing in the library imports this package; this package calls the library only through
:mod:`nianbao.portal.library`.
"""
